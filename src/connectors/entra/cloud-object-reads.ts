// One object's reads for `explain`: the cloud object as it is now (one GET), its manager, what a cloud id names, and
// the cloud users soft matching looks at for an address. An object that is not there is an answer, not a failure.
import type { CloudObjectType } from '../../engine/operations.ts';
import { filteredUrl, odataString } from './odata.ts';
import { graphAnswerOf } from './errors.ts';
import type { GraphSession } from './graph-session.ts';

/** A cloud user as soft matching sees it: the addresses it holds and the anchor it carries, if any. */
export interface CloudUserHolding {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  onPremisesImmutableId: string | null;
}

export class CloudObjectReads {
  readonly #session: GraphSession;
  readonly #sourceAnchorProperty: string;

  /** `sourceAnchorProperty`: the directory extension that carries the anchor on groups. */
  constructor(session: GraphSession, sourceAnchorProperty: string) {
    this.#session = session;
    this.#sourceAnchorProperty = sourceAnchorProperty;
  }

  /** The object with these properties now; undefined when Graph has no such object (deleted in the portal, say). */
  object(objectType: CloudObjectType, cloudId: string, properties: readonly string[]): Promise<Record<string, unknown> | undefined> {
    return this.#unlessMissing(() =>
      this.#session.get<Record<string, unknown>>(`/${objectType}s/${encodeURIComponent(cloudId)}?$select=${['id', ...properties].join(',')}`),
    );
  }

  /** The cloud id of a user's manager now; null when it has none. */
  async managerOf(userId: string): Promise<string | null> {
    const manager = await this.#unlessMissing(() => this.#session.get<{ id: string }>(`/users/${encodeURIComponent(userId)}/manager?$select=id`));
    return manager?.id ?? null;
  }

  /** What a cloud id names — a user or a group — and the anchor it carries (null: none); undefined when neither. */
  async anchorOf(cloudId: string): Promise<{ objectType: CloudObjectType; anchor: string | null } | undefined> {
    for (const [objectType, property] of [
      ['user', 'onPremisesImmutableId'],
      ['group', this.#sourceAnchorProperty],
    ] as const) {
      const found = await this.object(objectType, cloudId, [property]);
      if (found !== undefined) return { objectType, anchor: typeof found[property] === 'string' ? found[property] : null };
    }
    return undefined;
  }

  /** The cloud users whose mail (their primary SMTP address) or UPN is one of these: what soft matching considered. */
  async usersHolding(address: { mail?: string | undefined; userPrincipalName?: string | undefined }): Promise<CloudUserHolding[]> {
    const clauses = [
      ...(address.mail ? [`mail eq ${odataString(address.mail)}`] : []),
      ...(address.userPrincipalName ? [`userPrincipalName eq ${odataString(address.userPrincipalName)}`] : []),
    ];
    if (clauses.length === 0) return [];
    const users: CloudUserHolding[] = [];
    const url = filteredUrl('users', clauses.join(' or '), ['id', 'userPrincipalName', 'mail', 'onPremisesImmutableId']);
    for await (const user of this.#session.getAll<Partial<CloudUserHolding> & { id: string }>(url)) {
      users.push({
        id: user.id,
        userPrincipalName: user.userPrincipalName ?? '',
        mail: user.mail ?? null,
        onPremisesImmutableId: user.onPremisesImmutableId ?? null,
      });
    }
    return users;
  }

  async #unlessMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (graphAnswerOf(error)?.status === 404) return undefined;
      throw error;
    }
  }
}
