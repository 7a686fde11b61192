// One active installation per tenant. Two installations that both write would fight over every object, so every run
// that writes first holds the tenant's lease (src/connectors/entra/application-lease.ts): it renews it when it holds
// it (or nobody does), and refuses with Sync.another-active-installation when another installation holds it — until it
// is promoted, which takes the lease whoever holds it, or, for a holder that stopped renewing it longer ago than the
// configured time, until it is asked to take it over (--take-over-lease). Standby and preview runs hold nothing.
import { hostname } from 'node:os';
import type { ApplicationLease, LeaseHolder } from '../connectors/entra/application-lease.ts';
import { recommendedActions } from '../core/advice.ts';
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import type { LeaseClaim } from '../engine/run-mode.ts';

export interface LeaseSettings {
  /** This installation: its id and directory (the host is this computer's name). */
  installationId: string;
  path: string;
  /** Another holder's lease may be taken over (--take-over-lease) once it is this old. */
  staleAfterHours: number;
}

/** Holds the lease for this installation as `claim` allows, or throws Sync.another-active-installation. */
export async function holdTenantLease(
  lease: Pick<ApplicationLease, 'read' | 'write'>,
  claim: LeaseClaim,
  settings: LeaseSettings,
  reporter: Reporter,
  now = new Date(),
): Promise<void> {
  const current = await lease.read();
  if (current !== undefined && current.installationId !== settings.installationId) {
    const stale = ageHours(current, now) >= settings.staleAfterHours;
    if (claim === 'renew' || (claim === 'take-over-stale' && !stale)) throw anotherActiveInstallation(current, settings, now, claim);
    reporter.warning(
      `This installation takes over as the tenant's active one from ${describeHolder(current, now)}${
        claim === 'take-over' ? ' (promoted)' : ` (its lease is older than ${settings.staleAfterHours} h)`
      }: that installation writes nothing from its next cycle on. Make sure it is stopped, or configured as a standby.`,
    );
  } else if (current === undefined) {
    reporter.verbose('No installation is active for this tenant yet: this one becomes the active one.');
  }
  const holder: LeaseHolder = { installationId: settings.installationId, host: hostname(), path: settings.path, renewedAt: now };
  const kept = await lease.write(holder);
  // Another installation wrote at the same moment, and the tenant kept its record.
  if (kept !== undefined && kept.installationId !== settings.installationId) throw anotherActiveInstallation(kept, settings, now, claim);
}

function anotherActiveInstallation(holder: LeaseHolder, settings: LeaseSettings, now: Date, claim: LeaseClaim): DirSyncError {
  const stale = ageHours(holder, now) >= settings.staleAfterHours;
  const notStaleYet =
    claim === 'take-over-stale' && !stale ? `A lease is taken over only once older than ${settings.staleAfterHours} h, and this one is not. ` : '';
  return new DirSyncError(
    'Sync.another-active-installation',
    `another installation is the active one for this tenant: ${describeHolder(holder, now)}. Two active installations would fight over every object, so this one (${settings.path} on ${hostname()}) writes nothing to Entra ID.`,
    {
      ...recommendedActions((say) =>
        stale
          ? `Its lease has not been renewed for more than ${settings.staleAfterHours} h: if that installation is gone, run ${say.run('sync', '--path', settings.path, '--take-over-lease')} here, or promote this one (${say.run('promote', '--path', settings.path)}).`
          : `${notStaleYet}To make this installation the active one, stop the other and run ${say.run('promote', '--path', settings.path)} here; to keep it as a standby, configure it with ${say.option('--staging')}.`,
      ),
      target: `${holder.host}:${holder.path}`,
    },
  );
}

function describeHolder(holder: LeaseHolder, now: Date): string {
  return `${holder.path} on ${holder.host} (installation ${holder.installationId}), last cycle ${holder.renewedAt.toISOString()} (${formatAge(ageHours(holder, now))} ago)`;
}

function ageHours(holder: LeaseHolder, now: Date): number {
  return (now.getTime() - holder.renewedAt.getTime()) / 3_600_000;
}

function formatAge(hours: number): string {
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${Math.round(hours / 24)} days`;
}
