// Error codes: Running: cycles, reports, explain, plans, the mapping, standby and metrics.
import { actions } from '../advice.ts';
import type { CatalogueEntry } from './entry.ts';

export const runErrors = {
  // Running a cycle.
  'Sync.already-running': {
    category: 'ResourceUnavailable',
    transient: true,
    summary: 'Another synchronization is running for this installation.',
    ...actions((say) => `Wait for the running cycle to end (${say.command('status')} shows it), then run ${say.command('sync')} again.`),
  },
  'Sync.another-active-installation': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'Another installation is the active one for this tenant: this one writes nothing, so that two do not fight over every object.',
    ...actions(
      (say) =>
        `Promote this installation (${say.command('promote')}) once the other is stopped, or configure it as a standby (${say.option('--staging')}); a lease not renewed for longer than configured may be taken with ${say.run('sync', '--take-over-lease')}.`,
    ),
  },
  'Sync.preview-write-blocked': {
    category: 'NotSpecified',
    transient: false,
    summary: 'A preview run was about to write to the cloud; the write was blocked.',
    action: 'This is a defect of DirSync: report it with the verbose log of the run.',
  },
  // Reports.
  'Report.run-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The run asked for is not in the run history.',
    ...actions((say) => `List the runs with ${say.command('status')} and give one of their ids.`),
  },
  // One object (explain, sync --object).
  'Explain.not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'No object matches the identity given: not in Active Directory as DirSync reads it, not in its store, not in the tenant.',
    action:
      'Check the spelling; give the DN, the UPN, the anchor (sourceAnchor, Base64 objectGUID) or the cloud object id. An object the service account may not see is found by what DirSync synchronized of it.',
  },
  // Saved plans (sync --save-plan / --apply-plan).
  'Plan.unreadable': {
    category: 'InvalidData',
    transient: false,
    summary: 'The file is not a DirSync plan.',
    ...actions((say) => `Give the file that ${say.run('sync', '--preview', '--save-plan')} wrote.`),
  },
  'Plan.tampered': {
    category: 'InvalidData',
    transient: false,
    summary: 'The plan was changed after it was saved (its digest does not match): it is refused whole.',
    ...actions((say) => `Save a new plan with ${say.run('sync', '--preview', '--save-plan')}, review it, and apply that one unchanged.`),
  },
  'Plan.outdated': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'The plan no longer applies: the configuration, the store, Active Directory or the cloud moved since it was computed. Nothing was sent.',
    ...actions((say) => `Save a new plan (${say.run('sync', '--preview', '--save-plan')}), review it again, and apply it.`),
  },
  // What a command that ran to its end reports besides its results (the module writes it as a non-terminating error).
  'Sync.completed-with-export-errors': {
    category: 'InvalidData',
    transient: false,
    summary: 'The run completed, but some objects could not be exported to Entra ID; the run lists them in its errors.',
    ...actions(
      (say) =>
        `Correct the objects named in the errors (${say.command('readiness')} finds duplicate and invalid values), then run ${say.command('sync')} again; failed objects are retried by every cycle.`,
    ),
  },
  'Sync.deletion-threshold-exceeded': {
    category: 'LimitsExceeded',
    transient: false,
    summary: 'The run stopped: it would have deleted more objects than the deletion threshold allows, so no delete was exported.',
    ...actions(
      (say) => `Review the planned deletes with ${say.run('sync', '--preview')}; if they are intended, run ${say.run('sync', '--accept-deletes')}.`,
    ),
  },
  'Readiness.errors-found': {
    category: 'InvalidData',
    transient: false,
    summary: 'The readiness check found objects that will fail or be rewritten on export: the findings of severity error name them.',
    ...actions((say) => `Correct each object as its fix says, then run ${say.command('readiness')} again.`),
  },
  // The attribute mapping (mapping set / get / test; per-object errors of a cycle).
  'Mapping.invalid-file': {
    category: 'InvalidData',
    transient: false,
    summary: 'The attribute mapping file is not JSON, or not in the mapping format.',
    ...actions((say) => `Correct the file (README: "The attribute mapping"), then run ${say.command('mapping set')} again.`),
  },
  'Mapping.syntax-error': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An expression of the attribute mapping is not written in the expression syntax.',
    ...actions((say) => `Correct the expression at the column named, then run ${say.command('mapping set')} again.`),
  },
  'Mapping.unknown-function': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An expression of the attribute mapping calls a function DirSync does not know (names are case-sensitive).',
    ...actions((say) => `Use one of the functions the README lists, spelt as listed, then run ${say.command('mapping set')} again.`),
  },
  'Mapping.wrong-argument-count': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'A function in the attribute mapping is given the wrong number or the wrong form of arguments.',
    ...actions(
      (say) => `Give the function the arguments of Microsoft's reference (the message lists them), then run ${say.command('mapping set')} again.`,
    ),
  },
  'Mapping.invalid-regex': {
    category: 'InvalidArgument',
    transient: false,
    summary:
      "A regular expression of the attribute mapping (Replace's regexPattern) does not compile in JavaScript's syntax, or repeats a repetition (exponential time on a value it does not match).",
    ...actions(
      (say) =>
        `Rewrite the pattern at the position named (README: "Expressions" lists where .NET's syntax and JavaScript's differ), then run ${say.command('mapping set')} again.`,
    ),
  },
  'Mapping.nondeterministic-always': {
    category: 'InvalidArgument',
    transient: false,
    summary:
      'A target applied always uses a function that gives a new value every time (Now, Guid, RandomString): its cloud value would change every cycle.',
    ...actions(
      (say) =>
        `Apply that target onCreate ({"expression": "…", "apply": "onCreate"}), or leave the function out, then run ${say.command('mapping set')} again.`,
    ),
  },
  'Mapping.unknown-target': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The attribute mapping names a target that is not a cloud property DirSync can set.',
    ...actions((say) => `Use a target the README lists (or extension:<name>), then run ${say.command('mapping set')} again.`),
  },
  'Mapping.read-only-target': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The attribute mapping sets a cloud property DirSync must not or cannot set that way (the message says why).',
    ...actions((say) => `Remove that target from the mapping, or map it as the message says, then run ${say.command('mapping set')} again.`),
  },
  'Mapping.unknown-attribute': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An expression of the attribute mapping reads an attribute the Active Directory schema does not have, or one DirSync cannot read.',
    ...actions(
      (say) => `Correct the attribute name (its lDAPDisplayName), or extend the schema first, then run ${say.command('mapping set')} again.`,
    ),
  },
  'Mapping.expression-failed': {
    category: 'InvalidData',
    transient: false,
    summary: 'An expression of the attribute mapping failed on this object (Error(…), or a function refused a value): it was not exported.',
    ...actions(
      (say) => `Correct the object's attributes in Active Directory, or the expression (${say.command('mapping test')} shows what it gives).`,
    ),
  },
  'Mapping.value-refused': {
    category: 'InvalidData',
    transient: false,
    summary: "The value an expression gave does not fit its target (the target's type, or too many values): the object was not exported.",
    ...actions(
      (say) => `Correct the object's attributes in Active Directory, or the expression (${say.command('mapping test')} shows what it gives).`,
    ),
  },
  'Mapping.extension-type-conflict': {
    category: 'InvalidData',
    transient: false,
    summary: "A directory extension property the mapping writes is registered on DirSync's application with another data type.",
    action: "Map it with the data type it is registered with, or under another extension name: Graph cannot change a property's data type.",
  },
  'Mapping.object-not-synchronized': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The object is not in Active Directory, or DirSync does not synchronize it (out of scope, excluded, or not a user or group).',
    action: 'Give the distinguished name of a user or group in the synchronization scope.',
  },
  // Staging mode.
  'Staging.standby': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'This installation is a standby (staging mode): it exports nothing.',
    ...actions((say) => `Promote it first (${say.run('promote', '--path', 'DIR')}) if it is to take over, after stopping the active installation.`),
  },
  // The service's metrics endpoint.
  'Service.metrics-address-not-loopback': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The metrics endpoint would be reachable from the network, and that was not asked for explicitly.',
    ...actions(
      (say) =>
        `Listen on 127.0.0.1 or [::1] (a local Prometheus agent scrapes it), or add ${say.option('--metrics-allow-remote')} and restrict the port with a firewall.`,
    ),
  },
  'Service.metrics-listen-failed': {
    category: 'ResourceUnavailable',
    transient: false,
    summary: 'The metrics endpoint cannot listen on the address given.',
    action: 'Choose another port (another process holds this one) or an address of this machine.',
  },
} as const satisfies Record<string, CatalogueEntry>;
