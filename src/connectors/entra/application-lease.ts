// The tenant's record of its active DirSync installation, kept where DirSync's application can write and every
// installation using it can read: a directory extension property on DirSync's own application object,
// extension_<appId without dashes>_dirSyncActiveInstallation (String, at most 256 characters), registered for the
// Application target and written with PATCH /applications/{id} — the permission DirSync already holds
// (Application.ReadWrite.OwnedBy on the application it owns). Graph has no conditional update for applications: a
// write is read back, so two installations claiming at the same moment see which one the tenant kept.
import { DirSyncError } from '../../core/errors.ts';
import { filteredUrl, odataString } from './odata.ts';
import type { GraphSession } from './graph-session.ts';

const LEASE_EXTENSION = 'dirSyncActiveInstallation';
/** Graph's limit for a String directory extension value. */
const MAX_VALUE_LENGTH = 256;

/** Who holds the lease: an installation, where it runs, and when it last renewed it (its last live cycle). */
export interface LeaseHolder {
  installationId: string;
  host: string;
  path: string;
  renewedAt: Date;
}

interface Page<T> {
  value: T[];
}

export class ApplicationLease {
  readonly #session: GraphSession;
  readonly #clientId: string;
  readonly #property: string;
  #applicationId: string | undefined;
  #registered = false;

  constructor(session: GraphSession, clientId: string) {
    this.#session = session;
    this.#clientId = clientId;
    this.#property = `extension_${clientId.replaceAll('-', '')}_${LEASE_EXTENSION}`;
  }

  /** The current holder; undefined when no installation ever held it. */
  async read(): Promise<LeaseHolder | undefined> {
    const applicationId = await this.#application();
    if (!(await this.#isRegistered(applicationId))) return undefined;
    const application = await this.#session.get<Record<string, unknown>>(`/applications/${applicationId}?$select=id,${this.#property}`);
    const value = application[this.#property];
    return typeof value === 'string' && value !== '' ? parseHolder(value) : undefined;
  }

  /** Records `holder` as the active installation (registering the property on first use), and reads back who holds it. */
  async write(holder: LeaseHolder): Promise<LeaseHolder | undefined> {
    const applicationId = await this.#application();
    if (!(await this.#isRegistered(applicationId))) {
      await this.#session.post(`/applications/${applicationId}/extensionProperties`, {
        name: LEASE_EXTENSION,
        dataType: 'String',
        targetObjects: ['Application'],
      });
      this.#registered = true;
    }
    await this.#session.patch(`/applications/${applicationId}`, { [this.#property]: formatHolder(holder) });
    return this.read();
  }

  /** DirSync's application object (its object id), found by the client id. */
  async #application(): Promise<string> {
    if (this.#applicationId !== undefined) return this.#applicationId;
    const found = await this.#session.get<Page<{ id: string }>>(filteredUrl('applications', `appId eq ${odataString(this.#clientId)}`, ['id']));
    const application = found.value[0];
    if (application === undefined)
      throw new DirSyncError('Graph.application-not-visible', `The application ${this.#clientId} is not visible to itself through Graph.`, {
        target: this.#clientId,
      });
    this.#applicationId = application.id;
    return application.id;
  }

  async #isRegistered(applicationId: string): Promise<boolean> {
    if (this.#registered) return true;
    const registered = await this.#session.get<Page<{ name: string }>>(`/applications/${applicationId}/extensionProperties`);
    this.#registered = registered.value.some((extension) => extension.name.toLowerCase() === this.#property.toLowerCase());
    return this.#registered;
  }
}

/** Compact JSON within Graph's 256 characters: a path too long keeps its end (the installation id identifies it). */
export function formatHolder(holder: LeaseHolder): string {
  const record = (path: string) => JSON.stringify({ v: 1, id: holder.installationId, host: holder.host, path, at: holder.renewedAt.toISOString() });
  const whole = record(holder.path);
  if (whole.length <= MAX_VALUE_LENGTH) return whole;
  return record(`…${holder.path.slice(whole.length - MAX_VALUE_LENGTH + 1)}`);
}

/** A value DirSync cannot read (edited by hand, or written by a later version) still names a holder: never taken silently. */
export function parseHolder(value: string): LeaseHolder {
  try {
    const record = JSON.parse(value) as Record<string, unknown>;
    const { id, host, path, at } = record;
    if (typeof id === 'string' && typeof host === 'string' && typeof path === 'string' && typeof at === 'string' && !Number.isNaN(Date.parse(at)))
      return { installationId: id, host, path, renewedAt: new Date(at) };
  } catch {
    // not JSON: described below
  }
  return { installationId: 'unknown', host: 'unknown', path: `an unreadable record (${value.slice(0, 60)})`, renewedAt: new Date(0) };
}
