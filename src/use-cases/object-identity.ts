// Which object an administrator means (explain, sync --object): a DN, a UPN, an anchor (the sourceAnchor, Base64 of
// the objectGUID) or a cloud object id, told apart by their form. It is looked for where it can be: AD as the service
// account sees it, then what the store keeps of the objects DirSync synchronized (it knows those the account can no
// longer see), then the tenant (a cloud id's anchor). Found, it is examined as a deletion candidate would be.
import type { ObjectDirectory, ObjectExamination } from '../connectors/ad/object-directory.ts';
import type { CloudObjectReads } from '../connectors/entra/cloud-object-reads.ts';
import { DirSyncError } from '../core/errors.ts';
import { UPN_WANTED_KEY } from '../engine/cycle/upn-clash.ts';
import type { ObjectLink, StateStore } from '../engine/state-store.ts';
import { invalidParameter } from './errors.ts';

export type IdentityKind = 'dn' | 'upn' | 'anchor' | 'cloudId';

export interface ObjectIdentity {
  kind: IdentityKind;
  value: string;
}

const CLOUD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Base64 of 16 bytes. */
const ANCHOR = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/** The identity a text names, by its form (a DN has `=`; a UPN, `@`). */
export function identityOf(text: string): ObjectIdentity {
  const value = text.trim();
  if (CLOUD_ID.test(value)) return { kind: 'cloudId', value };
  if (ANCHOR.test(value)) return { kind: 'anchor', value };
  if (value.includes('=')) return { kind: 'dn', value };
  if (value.includes('@')) return { kind: 'upn', value };
  throw invalidParameter(
    `"${text}" is not a distinguished name, a UPN, an anchor or a cloud object id`,
    'give e.g. CN=Anna Berg,OU=Sales,DC=corp,DC=example,DC=com, anna.berg@corp.example.com, the Base64 anchor, or the cloud object id',
  );
}

const DESCRIBED: Record<IdentityKind, string> = { dn: 'the DN', upn: 'the UPN', anchor: 'the anchor', cloudId: 'the cloud object id' };

export function describeIdentity(identity: ObjectIdentity): string {
  return `${DESCRIBED[identity.kind]} ${identity.value}`;
}

/** The object found: its anchor, its link (when DirSync synchronized it), and what AD says of it now. */
export interface FoundObject {
  anchor: string;
  link: ObjectLink | undefined;
  examination: ObjectExamination;
}

export interface IdentitySources {
  source: ObjectDirectory;
  store: StateStore;
  reads: CloudObjectReads;
}

/** Finds and examines the object; Explain.not-found (exit 2) says everywhere it was looked for. */
export async function locateObject(identity: ObjectIdentity, sources: IdentitySources): Promise<FoundObject> {
  const searched: string[] = [];
  const anchor = await anchorOf(identity, sources, searched);
  const link = anchor === undefined ? undefined : (await sources.store.getLinks([anchor])).get(anchor);
  if (anchor !== undefined) {
    const examination = await sources.source.examineObject({ anchor, dn: link?.dn ?? '' });
    if (examination.state !== 'gone' || link !== undefined) return { anchor, link, examination };
    searched.push(`Active Directory has no object with the anchor ${anchor} (${examination.reason.replace(/\.$/, '')})`);
  }
  throw new DirSyncError('Explain.not-found', `No object matches ${describeIdentity(identity)}: ${searched.join('; ')}.`, { target: identity.value });
}

async function anchorOf(identity: ObjectIdentity, sources: IdentitySources, searched: string[]): Promise<string | undefined> {
  const { source, store } = sources;
  switch (identity.kind) {
    case 'anchor':
      return identity.value;
    case 'cloudId': {
      const linked = (await store.getLinksByCloudIds([identity.value])).get(identity.value);
      if (linked) return linked.anchor;
      searched.push('the store links no AD object to it');
      const cloud = await sources.reads.anchorOf(identity.value);
      if (cloud?.anchor) return cloud.anchor;
      searched.push(cloud === undefined ? 'the tenant has no user or group with that id' : `the cloud ${cloud.objectType} carries no anchor`);
      return undefined;
    }
    case 'dn':
    case 'upn': {
      const found = await source.findObject(identity.kind === 'dn' ? { dn: identity.value } : { userPrincipalName: identity.value });
      if (found.found) return found.anchor;
      searched.push(
        found.deniedAt === undefined
          ? `${source.account} finds none in Active Directory`
          : `${source.account} is refused access to ${found.deniedAt} in Active Directory`,
      );
      const known = await linkNamed(store, identity);
      if (known) return known.anchor;
      searched.push(`none of the objects DirSync synchronized has that ${identity.kind === 'dn' ? 'DN' : 'UPN'}`);
      return undefined;
    }
  }
}

/** The link whose DN (or exported UPN, or the UPN it waits for) is the one given: the store knows hidden objects. */
async function linkNamed(store: StateStore, identity: ObjectIdentity): Promise<ObjectLink | undefined> {
  const wanted = identity.value.toLowerCase();
  const names = (link: ObjectLink): unknown[] =>
    identity.kind === 'dn' ? [link.dn] : [link.exported.userPrincipalName, link.exported[UPN_WANTED_KEY]];
  for await (const link of store.allLinks()) {
    if (names(link).some((name) => typeof name === 'string' && name.toLowerCase() === wanted)) return link;
  }
  return undefined;
}
