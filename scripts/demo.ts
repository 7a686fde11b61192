// The README's first command: DirSync's main job end to end on this machine, with real servers.
// A seeded Samba AD domain and the Entra stand-in start on loopback; then, as an administrator would:
// install, configure (checks + the AAD_ service account), a full sync, an AD change, a delta sync, status.
// Everything it starts is stopped (by pid) and removed at the end, also on failure.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { adminClient, FIXTURE, startDomain } from '../test/support/ad/index.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';

const executable = resolve('dist/dirsync.mjs');

function step(title: string): void {
  console.log(`\n=== ${title}`);
}

/** Runs the executable with the terminal attached, as an administrator would see it. */
function dirsync(args: string[], env: Record<string, string> = {}): Promise<number> {
  console.log(`$ dirsync ${args.join(' ')}`);
  const child = spawn(process.execPath, [executable, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((done) => child.on('close', (code) => done(code ?? 1)));
}

async function expectSuccess(exitCode: Promise<number>): Promise<void> {
  const code = await exitCode;
  if (code !== 0) throw new Error(`dirsync exited with ${code}`);
}

step('Starting a seeded Samba AD domain and the Entra ID stand-in (loopback only)');
const [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
const work = await mkdtemp(join(tmpdir(), 'dirsync-demo-'));
const path = join(work, 'installation');
try {
  console.log(`AD: ${domain.ldapsUrl} (${domain.baseDn});  Entra stand-in: ${standIn.graphEndpoint}, tenant ${standIn.initialDomain}`);
  const secrets = { DIRSYNC_AD_PASSWORD: domain.adminPassword, DIRSYNC_CLIENT_SECRET: standIn.clientSecret };

  step('Install (embedded store)');
  await expectSuccess(dirsync(['install', '--path', path]));

  step('Configure: credentials come from the environment, never the command line');
  await expectSuccess(
    dirsync(
      ['configure', '--path', path, '--ad-url', domain.ldapsUrl, '--ad-user', domain.adminDn, '--ad-ca-file', domain.caFile,
        '--tenant-id', standIn.tenantId, '--client-id', standIn.clientId, '--authority-host', new URL(standIn.authority).origin,
        '--graph-endpoint', standIn.graphEndpoint, '--cloud-ca-file', standIn.caFile, '--include-ou', FIXTURE.ous.corp,
        // The 1,600 users of OU=Crowd would take ~90 s at Graph's real write budget (3,000 writes / 150 s).
        '--exclude-ou', FIXTURE.ous.crowd, '--verbose'],
      secrets,
    ),
  );

  step('First synchronization (full: no watermark yet)');
  await dirsync(['sync', '--path', path]);

  step('Changes in AD: a new title for Alice; Conor leaves (disabled) and leaves the Sales Team');
  const admin = await adminClient(domain);
  await admin.modify(FIXTURE.users.alice.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Chief Revenue Officer'] }) })]);
  await admin.modify(FIXTURE.users.conor.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(0x202)] }) })]);
  await admin.modify(FIXTURE.groups.salesTeam.dn, [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [FIXTURE.users.conor.dn] }) })]);
  await admin.unbind();

  step('Delta synchronization: only what changed');
  await dirsync(['sync', '--path', path]);

  step('Run history');
  await expectSuccess(dirsync(['status', '--path', path, '--last', '2']));
  const snapshot = standIn.control.snapshot();
  console.log(`\nThe Entra stand-in now holds ${snapshot.counts.users} users (the tenant's administrator included) and ${snapshot.counts.groups} groups.`);
} finally {
  await Promise.all([domain.stop(), standIn.stop()]);
  await rm(work, { recursive: true, force: true });
}
