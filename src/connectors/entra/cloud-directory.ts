// Reads of the tenant the engine needs to join AD objects to cloud objects: hard match by anchor,
// soft match by primary SMTP address then UPN (never onto an administrator, active or eligible,
// directly or through a role-assignable group), the tenant's domains, and the directory extension
// property that carries the anchor on groups.
import type { CloudChangeRound, CloudDeltaLinks, CloudTarget, SoftMatchCandidate, TrackedProperties } from '../../engine/ports.ts';
import type { TenantContext } from '../../engine/mapping.ts';
import type { DirectoryExtension } from '../../engine/mapping/attribute-mapping.ts';
import { readInBatches } from './batch-items.ts';
import { readCloudChanges } from './cloud-changes.ts';
import { DirectoryExtensions } from './directory-extensions.ts';
import { filteredUrl, odataString } from './odata.ts';
import { graphAnswerOf } from './errors.ts';
import type { GraphSession } from './graph-session.ts';
import { DirSyncError } from '../../core/errors.ts';
import type { CloudObjectType } from '../../engine/operations.ts';

/** Graph limits an `in` filter to 15 values by default. */
const MAX_IN_VALUES = 15;

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** What transitiveMemberOf lists: groups, directory roles, administrative units. */
interface Membership {
  '@odata.type'?: string;
  id: string;
  isAssignableToRole?: boolean | null;
}

/** Who of some users administers the tenant, and what Graph would not let DirSync check. */
export interface AdministratorCheck {
  administrators: Set<string>;
  /** One sentence per check Graph refused, telling the administrator what to grant; empty when everything was checked. */
  warnings: string[];
}

/** Answers that mean "this read is not available here", as opposed to a failure of the service. */
const REFUSALS = new Set([400, 403, 404, 405, 501]);

export const ELIGIBLE_ROLES_UNCHECKED =
  "Eligible (PIM) administrator roles could not be checked, so soft matching may take over a user who can activate one: grant DirSync's application RoleEligibilitySchedule.Read.Directory.";
export const TRANSITIVE_ROLES_UNCHECKED =
  'Directory roles held through nested groups could not be checked (only direct memberships were): soft matching may take over such an administrator.';
export const ROLE_ASSIGNMENTS_UNCHECKED =
  "Role assignments outside directory roles (e.g. scoped to an administrative unit) could not be checked, so soft matching may take over such an administrator: grant DirSync's application RoleManagement.Read.Directory.";

interface CloudUser {
  id: string;
  onPremisesImmutableId?: string | null;
  userPrincipalName?: string;
  mail?: string | null;
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
  private readonly onWarning: (message: string) => void;
  private readonly extensions: DirectoryExtensions;
  private readonly warned = new Set<string>();
  private sourceAnchorProperty: Promise<string> | undefined;

  /**
   * `clientId` is DirSync's application: the anchor extension property is registered on it.
   * `onWarning` hears, once each, what soft matching could not check (a permission Graph refused).
   * `mayRegisterExtension` false (a run that writes nothing to the cloud): a missing extension property is not
   * registered; its name, fixed by the application id, is used as it will be.
   */
  constructor(session: GraphSession, clientId: string, options: { onWarning?: (message: string) => void; mayRegisterExtension?: boolean } = {}) {
    this.session = session;
    this.onWarning = options.onWarning ?? (() => {});
    this.extensions = new DirectoryExtensions(session, clientId, options.mayRegisterExtension ?? true);
  }

  /** The domains, the group anchor's property and the mapping's extension properties (registered as the run allows). */
  async tenant(extensions: readonly DirectoryExtension[] = []): Promise<TenantContext> {
    const [domains, sourceAnchorProperty] = await Promise.all([this.domains(), this.ensureSourceAnchorExtension()]);
    return { ...domains, sourceAnchorProperty, extensionProperties: await this.extensions.resolve(extensions) };
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

  async takenUserPrincipalNames(userPrincipalNames: readonly string[]): Promise<Set<string>> {
    const urls = chunks([...userPrincipalNames], MAX_IN_VALUES).map((group) =>
      filteredUrl('users', `userPrincipalName in (${group.map(odataString).join(',')})`, ['id', 'userPrincipalName']),
    );
    const taken = new Set<string>();
    for (const page of await readInBatches<Page<CloudUser>>(this.session, urls)) {
      for (const user of page.value) if (user.userPrincipalName) taken.add(user.userPrincipalName.toLowerCase());
    }
    return taken;
  }

  cloudChanges(from: CloudDeltaLinks | 'now' | undefined, tracked: TrackedProperties): CloudChangeRound {
    return readCloudChanges(this.session, from, tracked);
  }

  /** Every cloud user no sync client owns (no onPremisesImmutableId): what an AD object may clash with (readiness). */
  async *unanchoredUsers(): AsyncIterable<{ id: string; userPrincipalName: string; mail: string | null; proxyAddresses: string[] }> {
    type Listed = CloudUser & { mail: string | null; proxyAddresses?: string[] };
    for await (const user of this.session.getAll<Listed>('/users?$select=id,userPrincipalName,mail,proxyAddresses,onPremisesImmutableId&$top=999')) {
      if (!user.onPremisesImmutableId)
        yield { id: user.id, userPrincipalName: user.userPrincipalName ?? '', mail: user.mail ?? null, proxyAddresses: user.proxyAddresses ?? [] };
    }
  }

  /**
   * The full name of the extension property extension_<appId without dashes>_dirSyncSourceAnchor on
   * DirSync's application, registering it (for users and groups) when it does not exist yet.
   */
  ensureSourceAnchorExtension(): Promise<string> {
    this.sourceAnchorProperty ??= this.extensions.sourceAnchor().catch((error: unknown) => {
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
      for (const user of page.value)
        if (user.mail) usersByMail.set(user.mail.toLowerCase(), [...(usersByMail.get(user.mail.toLowerCase()) ?? []), user]);
    }
    for (const candidate of bySmtp) {
      const match = onlyUnanchored(usersByMail.get(candidate.primarySmtpAddress!.toLowerCase()) ?? []);
      if (match) found.set(candidate.anchor, match.id);
    }

    // Only a UPN as AD has it: one DirSync rewrote (unverified suffix) could name somebody else's account.
    const byUpn = candidates.filter(
      (candidate): candidate is SoftMatchCandidate & { userPrincipalName: string } =>
        !found.has(candidate.anchor) && candidate.userPrincipalName !== undefined,
    );
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

    const { administrators, warnings } = await this.administratorsAmong([...found.values()]);
    for (const [anchor, cloudId] of found) if (administrators.has(cloudId)) found.delete(anchor);
    for (const warning of warnings) {
      if (this.warned.has(warning)) continue;
      this.warned.add(warning);
      this.onWarning(warning);
    }
    return found;
  }

  /**
   * Which of these users administer the tenant (any role: soft match must never take over an
   * administrator). A user is one when it holds a directory role directly or through a
   * role-assignable group (transitiveMemberOf), or when it or such a group has a role assignment
   * (any scope) or a PIM eligibility in roleManagement. Checks Graph refuses for lack of permission
   * are reported in `warnings`, not taken as "not an administrator" silently.
   */
  async administratorsAmong(userIds: readonly string[]): Promise<AdministratorCheck> {
    const administrators = new Set<string>();
    // Principal (a user, or a role-assignable group it belongs to) → the users whose roles it carries.
    const carriers = new Map<string, Set<string>>();
    const warnings: string[] = [];
    const memberships = await this.membershipsOf(userIds, warnings);
    for (const [index, firstPage] of memberships.entries()) {
      const userId = userIds[index]!;
      const groups: string[] = [];
      let holdsRole = false;
      for await (const membership of this.allOf(firstPage)) {
        holdsRole = membership['@odata.type'] === '#microsoft.graph.directoryRole';
        if (holdsRole) break;
        // A group whose flag Graph withheld (limited information) is checked as if role-assignable.
        if (
          membership['@odata.type'] === '#microsoft.graph.group' &&
          membership.isAssignableToRole !== false &&
          membership.isAssignableToRole !== null
        )
          groups.push(membership.id);
      }
      if (holdsRole) {
        administrators.add(userId);
        continue;
      }
      for (const principalId of [userId, ...groups].map((id) => id.toLowerCase()))
        carriers.set(principalId, (carriers.get(principalId) ?? new Set()).add(userId));
    }
    const principals = [...carriers.keys()];

    const markHolders = (holders: readonly string[]) => {
      for (const principalId of holders) for (const userId of carriers.get(principalId) ?? []) administrators.add(userId);
    };
    // Active assignments at any scope; `in` is documented for principalId here.
    const assignmentUrls = chunks(principals, MAX_IN_VALUES).map((group) =>
      filteredUrl('roleManagement/directory/roleAssignments', `principalId in (${group.map(odataString).join(',')})`, ['id', 'principalId']),
    );
    const assigned = await this.readUnlessRefused<Page<{ principalId: string }>>(assignmentUrls, ROLE_ASSIGNMENTS_UNCHECKED, warnings);
    markHolders(assigned.flatMap((page) => page.value.map((assignment) => assignment.principalId.toLowerCase())));
    // Eligibilities in effect now; principalId documents only eq (and ne) here, so one read per principal.
    const eligibilityUrls = principals.map((principalId) =>
      filteredUrl('roleManagement/directory/roleEligibilityScheduleInstances', `principalId eq ${odataString(principalId)}`, ['id', 'principalId']),
    );
    const eligible = await this.readUnlessRefused<Page<{ principalId: string }>>(eligibilityUrls, ELIGIBLE_ROLES_UNCHECKED, warnings);
    markHolders(eligible.flatMap((page) => page.value.map((instance) => instance.principalId.toLowerCase())));
    return { administrators, warnings };
  }

  /** The entries of a page and of the pages its @odata.nextLink leads to. */
  private async *allOf<T>(firstPage: Page<T>): AsyncIterable<T> {
    yield* firstPage.value;
    if (firstPage['@odata.nextLink'] !== undefined) yield* this.session.getAll<T>(firstPage['@odata.nextLink']);
  }

  /**
   * Batched reads, or none when Graph refuses them: because the tenant has no licence for the feature (PIM without
   * Entra ID P2: nothing to find), for lack of permission (403), or because this endpoint does not serve the query
   * (400, 404, 501: a national cloud or a private endpoint without it) — the last two with `warning` added.
   */
  private async readUnlessRefused<T>(urls: readonly string[], warning: string, warnings: string[]): Promise<T[]> {
    try {
      return await readInBatches<T>(this.session, urls);
    } catch (error) {
      const answer = graphAnswerOf(error);
      if (answer?.code === 'AadPremiumLicenseRequired') return [];
      if (answer === undefined || !REFUSALS.has(answer.status)) throw error;
      warnings.push(answer.status === 403 ? warning : `${warning} (Graph answered ${answer.status} ${answer.code})`);
      return [];
    }
  }

  /** Each user's groups and directory roles, nested groups included; direct ones only where Graph lacks transitiveMemberOf. */
  private async membershipsOf(userIds: readonly string[], warnings: string[]): Promise<Page<Membership>[]> {
    const transitive = await this.readUnlessRefused<Page<Membership>>(
      userIds.map((id) => `/users/${id}/transitiveMemberOf?$top=999`),
      TRANSITIVE_ROLES_UNCHECKED,
      warnings,
    );
    if (transitive.length === userIds.length) return transitive;
    return readInBatches<Page<Membership>>(
      this.session,
      userIds.map((id) => `/users/${id}/memberOf?$top=999`),
    );
  }
}

/** The one user found that carries no anchor yet; none when nothing or more than one was found. */
function onlyUnanchored(users: readonly CloudUser[]): CloudUser | undefined {
  return users.length === 1 && !users[0]!.onPremisesImmutableId ? users[0] : undefined;
}
