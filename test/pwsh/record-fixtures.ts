// The module's unit tests answer from fixtures recorded here, at the start of each run, from the real
// executable (dist/dirsync.mjs module-request) against a real Samba domain and the Entra stand-in: what the
// unit tests feed the module is what the executable says today, so the two cannot drift apart.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '../../src/protocol/module-contract.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import type { TestDomain } from '../support/ad/index.ts';
import { FIXTURE } from '../support/ad/index.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';

/** The shipped bundle, outside the checkout. */
const bundle = shippedArtefacts().bundle;

interface Recorded {
  exitCode: number;
  lines: string[];
}

/** Runs one module request in the real executable, as the module sends it (with its protocol version); answers its exit code and stdout lines. */
export function runModuleRequest(request: object): Promise<Recorded> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bundle, 'module-request'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolvePromise({ exitCode: code ?? 1, lines: stdout.split('\n').filter((line) => line.trim() !== '') }));
    child.stdin.end(JSON.stringify({ protocolVersion: PROTOCOL_VERSION, ...request }));
  });
}

/**
 * Records `<name>.clixml` (the stdout lines) and `<name>.exit` for each request of an administrator's first
 * day, in `directory`, with an installation of its own under `directory/installation`. Leaves the stand-in
 * reset, so that the objects this created do not meet the next installation's.
 */
export async function recordFixtures(directory: string, domain: TestDomain, standIn: EntraStandIn): Promise<string[]> {
  const path = join(directory, 'installation');
  const cloud = {
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    authorityHost: new URL(standIn.authority).origin,
    graphEndpoint: standIn.graphEndpoint,
    cloudCaFile: standIn.caFile,
    writeBudget: '20000/10',
  };
  const ad = { adUrl: domain.ldapsUrl, adCaFile: domain.caFile, adUser: domain.adminDn, includeOu: [FIXTURE.ous.sales] };
  const mappingFile = join(directory, 'mapping.json');
  await writeFile(
    mappingFile,
    JSON.stringify({ user: { department: 'Join(" / ", [company], [department])', usageLocation: 'IIF(IsPresent([c]), [c], "IE")' } }),
  );
  const emptyMappingFile = join(directory, 'empty-mapping.json');
  await writeFile(emptyMappingFile, '{}');
  const badMappingFile = join(directory, 'bad-mapping.json');
  await writeFile(badMappingFile, JSON.stringify({ user: { department: 'Append([sn], Joinn(",", [a]))' } }));
  const requests: [string, object][] = [
    ['version', { command: 'version' }],
    ['install', { command: 'install', parameters: { path, upgrade: false } }],
    ['sync-not-configured', { command: 'sync', parameters: { path, full: false, preview: false, acceptDeletes: false } }],
    [
      'configure-wrong-password',
      {
        command: 'configure',
        parameters: { path, ...ad, ...cloud },
        secrets: { adPassword: 'not-the-password', clientSecret: standIn.clientSecret },
      },
    ],
    [
      'configure',
      {
        command: 'configure',
        parameters: { path, ...ad, ...cloud },
        secrets: { adPassword: domain.adminPassword, clientSecret: standIn.clientSecret },
      },
    ],
    ['sync-preview', { command: 'sync', parameters: { path, full: true, preview: true, acceptDeletes: false } }],
    ['sync', { command: 'sync', parameters: { path, full: false, preview: false, acceptDeletes: false } }],
    ['status', { command: 'status', parameters: { path, last: 5, all: true } }],
    ['service', { command: 'service', parameters: { path, cycles: 1, intervalMinutes: 1 } }],
    ['get-configuration', { command: 'get-configuration', parameters: { path } }],
    ['promote', { command: 'promote', parameters: { path } }],
    ['deletion-threshold', { command: 'deletion-threshold', parameters: { path, enable: true, disable: false, threshold: 7 } }],
    ['organizational-units', { command: 'organizational-units', parameters: { path } }],
    ['explain', { command: 'explain', parameters: { path, identity: FIXTURE.users.alice.userPrincipalName } }],
    ['explain-not-found', { command: 'explain', parameters: { path, identity: 'nobody@corp.example.test' } }],
    ['sync-object', { command: 'sync', parameters: { path, full: false, preview: true, acceptDeletes: false, object: FIXTURE.users.alice.dn } }],
    ['mapping-get', { command: 'mapping-get', parameters: { path } }],
    ['mapping-set-invalid', { command: 'mapping-set', parameters: { path, file: badMappingFile, preview: false } }],
    ['mapping-set-preview', { command: 'mapping-set', parameters: { path, file: mappingFile, preview: true } }],
    ['mapping-set', { command: 'mapping-set', parameters: { path, file: mappingFile, preview: false } }],
    ['mapping-test', { command: 'mapping-test', parameters: { path, dn: FIXTURE.users.alice.dn } }],
    // The default mapping again (an empty mapping), before a cycle applied the custom one: the runs below are as before.
    ['mapping-reset', { command: 'mapping-set', parameters: { path, file: emptyMappingFile, preview: false } }],
    // A run the deletion threshold stops: Sales leaves the scope with a threshold of 1 (an outcome, exit 4).
    ['deletion-threshold-1', { command: 'deletion-threshold', parameters: { path, enable: true, disable: false, threshold: 1 } }],
    [
      'configure-engineering',
      {
        command: 'configure',
        parameters: { path, ...ad, ...cloud, includeOu: [FIXTURE.ous.engineering] },
        secrets: { adPassword: domain.adminPassword, clientSecret: standIn.clientSecret },
      },
    ],
    ['sync-deletes-withheld', { command: 'sync', parameters: { path, full: false, preview: false, acceptDeletes: false } }],
    ['uninstall', { command: 'uninstall', parameters: { path, keepData: false } }],
  ];
  try {
    for (const [name, request] of requests) {
      const { exitCode, lines } = await runModuleRequest(request);
      await writeFile(join(directory, `${name}.clixml`), lines.map((line) => `${line}\n`).join(''));
      await writeFile(join(directory, `${name}.exit`), String(exitCode));
    }
  } finally {
    standIn.control.reset();
  }
  return requests.map(([name]) => name);
}
