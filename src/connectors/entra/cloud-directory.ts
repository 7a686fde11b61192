// Reads of the tenant the engine needs to join AD objects to cloud objects: hard match by anchor,
// soft match by primary SMTP address then UPN (never onto an administrator), the tenant's domains,
// and the directory extension property that carries the anchor on groups.
import type { SoftMatchCandidate, CloudTarget } from '../../engine/ports.ts';
import type { TenantContext } from '../../engine/mapping.ts';
import { readInBatches } from './batch-items.ts';
import type { GraphSession } from './graph-session.ts';
import { DirSyncError } from '../../core/errors.ts';
import type { CloudObjectType } from '../../engine/operations.ts';

/** Graph limits an `in` filter to 15 values by default. */
const MAX_IN_VALUES = 15;
const SOURCE_ANCHOR_EXTENSION = 'dirSyncSourceAnchor';

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

interface CloudUser {
  id: string;
  onPremisesImmutableId?: string | null;
  userPrincipalName?: string;
  mail?: string | null;
}

/** An OData string literal: single quotes doubled (O'Brien → 'O''Brien'). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A relative URL with a $filter; the expression is percent-encoded, since Graph decodes `+` in a Base64 anchor as a space. */
export function filteredUrl(collection: string, filter: string, select: readonly string[]): string {
  return `/${collection}?$filter=${encodeURIComponent(filter)}&$select=${select.join(',')}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** The property that carries the sourceAnchor: onPremisesImmutableId on users, the DirSync extension on groups. */
function anchorProperty(objectType: CloudObjectType, sourceAnchorProperty: string): string {
  return objectType === 'user' ? 'onPremisesImmutableId' : sourceAnchorProperty;
}

/** Hard match: the cloud objects already carrying these anchors → anchor → cloud id. */
export async function findByAnchors(
  session: GraphSession,
  objectType: CloudObjectType,
  anchors: readonly string[],
  sourceAnchorProperty: string,
): Promise<Map<string, string>> {
  const property = anchorProperty(objectType, sourceAnchorProperty);
  const collection = objectType === 'user' ? 'users' : 'groups';
  const wanted = new Set(anchors);
  const urls = chunks([...wanted], MAX_IN_VALUES).map((values) =>
    filteredUrl(collection, `${property} in (${values.map(odataString).join(',')})`, ['id', property]),
  );
  const found = new Map<string, string>();
  for (const page of await readInBatches<Page<Record<string, unknown>>>(session, urls)) {
    for (const object of page.value) {
      const anchor = object[property];
      // Anchors are Base64 and so case-sensitive; Graph compares strings case-insensitively.
      if (typeof anchor === 'string' && wanted.has(anchor)) found.set(anchor, String(object.id));
    }
  }
  return found;
}

export class CloudDirectory implements CloudTarget {
  private readonly session: GraphSession;
  private readonly clientId: string;
  private sourceAnchorProperty: Promise<string> | undefined;

  /** `clientId` is DirSync's application: the anchor extension property is registered on it. */
  constructor(session: GraphSession, clientId: string) {
    this.session = session;
    this.clientId = clientId;
  }

  async tenant(): Promise<TenantContext> {
    const [domains, sourceAnchorProperty] = await Promise.all([this.domains(), this.ensureSourceAnchorExtension()]);
    return { ...domains, sourceAnchorProperty };
  }

  /** The initial domain (…onmicrosoft.com) and the verified domains, lower-case. */
  async domains(): Promise<{ initialDomain: string; verifiedDomains: Set<string> }> {
    const domains: Array<{ id: string; isVerified: boolean; isInitial: boolean }> = [];
    for await (const domain of this.session.getAll<{ id: string; isVerified: boolean; isInitial: boolean }>('/domains')) domains.push(domain);
    const initial = domains.find((domain) => domain.isInitial);
    if (initial === undefined) throw new DirSyncError('Graph.unexpected-reply', 'The tenant lists no initial domain (GET /domains).');
    return {
      initialDomain: initial.id.toLowerCase(),
      verifiedDomains: new Set(domains.filter((domain) => domain.isVerified).map((domain) => domain.id.toLowerCase())),
    };
  }

  /**
   * The full name of the extension property extension_<appId without dashes>_dirSyncSourceAnchor on
   * DirSync's application, registering it (for users and groups) when it does not exist yet.
   */
  ensureSourceAnchorExtension(): Promise<string> {
    this.sourceAnchorProperty ??= this.findOrRegisterExtension().catch((error: unknown) => {
      this.sourceAnchorProperty = undefined;
      throw error;
    });
    return this.sourceAnchorProperty;
  }

  findByAnchors(objectType: CloudObjectType, anchors: readonly string[]): Promise<Map<string, string>> {
    return this.ensureSourceAnchorExtension().then((property) => findByAnchors(this.session, objectType, anchors, property));
  }

  async findSoftMatches(candidates: readonly SoftMatchCandidate[]): Promise<Map<string, string>> {
    const select = ['id', 'onPremisesImmutableId', 'userPrincipalName'];
    const found = new Map<string, string>();

    // A cloud user's mail is its primary SMTP address: `mail in (…)` asks for 15 candidates at a time, where
    // proxyAddresses/any(…) would take one request per candidate (the first sync of 100,000 users: 100,000 reads).
    const bySmtp = candidates.filter((candidate) => candidate.primarySmtpAddress);
    const smtpUrls = chunks(bySmtp, MAX_IN_VALUES).map((group) =>
      filteredUrl('users', `mail in (${group.map((candidate) => odataString(candidate.primarySmtpAddress!)).join(',')})`, [...select, 'mail']),
    );
    const usersByMail = new Map<string, CloudUser[]>();
    for (const page of await readInBatches<Page<CloudUser>>(this.session, smtpUrls)) {
      for (const user of page.value) if (user.mail) usersByMail.set(user.mail.toLowerCase(), [...(usersByMail.get(user.mail.toLowerCase()) ?? []), user]);
    }
    for (const candidate of bySmtp) {
      const match = onlyUnanchored(usersByMail.get(candidate.primarySmtpAddress!.toLowerCase()) ?? []);
      if (match) found.set(candidate.anchor, match.id);
    }

    // Only a UPN as AD has it: one DirSync rewrote (unverified suffix) could name somebody else's account.
    const byUpn = candidates.filter((candidate): candidate is SoftMatchCandidate & { userPrincipalName: string } => !found.has(candidate.anchor) && candidate.userPrincipalName !== undefined);
    const upnUrls = chunks(byUpn, MAX_IN_VALUES).map((group) =>
      filteredUrl('users', `userPrincipalName in (${group.map((candidate) => odataString(candidate.userPrincipalName)).join(',')})`, select),
    );
    const usersByUpn = new Map<string, CloudUser>();
    for (const page of await readInBatches<Page<CloudUser>>(this.session, upnUrls)) {
      for (const user of page.value) if (user.userPrincipalName) usersByUpn.set(user.userPrincipalName.toLowerCase(), user);
    }
    for (const candidate of byUpn) {
      const match = onlyUnanchored([usersByUpn.get(candidate.userPrincipalName.toLowerCase())].filter((user) => user !== undefined));
      if (match) found.set(candidate.anchor, match.id);
    }

    const administrators = await this.administratorsAmong([...found.values()]);
    for (const [anchor, cloudId] of found) if (administrators.has(cloudId)) found.delete(anchor);
    return found;
  }

  /** Which of these users hold a directory role (any role: soft match must never take over an administrator). */
  async administratorsAmong(userIds: readonly string[]): Promise<Set<string>> {
    const pages = await readInBatches<Page<{ '@odata.type'?: string }>>(this.session, userIds.map((id) => `/users/${id}/memberOf?$top=999`));
    const administrators = new Set<string>();
    for (const [index, firstPage] of pages.entries()) {
      let page: Page<{ '@odata.type'?: string }> | undefined = firstPage;
      while (page !== undefined) {
        if (page.value.some((entry) => entry['@odata.type'] === '#microsoft.graph.directoryRole')) {
          administrators.add(userIds[index]!);
          break;
        }
        const next: string | undefined = page['@odata.nextLink'];
        page = next === undefined ? undefined : await this.session.get<Page<{ '@odata.type'?: string }>>(next);
      }
    }
    return administrators;
  }

  private async findOrRegisterExtension(): Promise<string> {
    const applications = await this.session.get<Page<{ id: string }>>(filteredUrl('applications', `appId eq ${odataString(this.clientId)}`, ['id']));
    const application = applications.value[0];
    if (application === undefined) {
      throw new DirSyncError('Graph.application-not-visible', `The application ${this.clientId} is not visible to itself through Graph.`, { target: this.clientId });
    }
    const fullName = `extension_${this.clientId.replaceAll('-', '')}_${SOURCE_ANCHOR_EXTENSION}`;
    const existing = await this.session.get<Page<{ name: string }>>(`/applications/${application.id}/extensionProperties`);
    if (existing.value.some((extension) => extension.name.toLowerCase() === fullName.toLowerCase())) return fullName;
    try {
      const created = await this.session.post<{ name: string }>(`/applications/${application.id}/extensionProperties`, {
        name: SOURCE_ANCHOR_EXTENSION,
        dataType: 'String',
        targetObjects: ['User', 'Group'],
      });
      return created.name;
    } catch (error) {
      // A preview registers nothing; the name is fixed by the application id, so the plan can use it.
      if (error instanceof DirSyncError && error.code === 'Sync.preview-write-blocked') return fullName;
      throw error;
    }
  }
}

/** The one user found that carries no anchor yet; none when nothing or more than one was found. */
function onlyUnanchored(users: readonly CloudUser[]): CloudUser | undefined {
  return users.length === 1 && !users[0]!.onPremisesImmutableId ? users[0] : undefined;
}
