// The drift check (issue 18): what one cycle's look at the cloud costs — Graph requests and seconds of the engine's
// drift phase, through the real Graph connector against the Entra stand-in — with N owned users: the first round
// (no delta link: every object compared), a round with nothing changed, and a round after 1 % of the users were edited
// in the portal. The users are seeded into the stand-in and linked in a real SQLite store, as a finished first sync
// leaves them; the phase is the one every cycle runs (src/engine/cycle/cloud-drift.ts).
import { DEFAULT_ATTRIBUTE_MAPPING } from '../src/engine/mapping/attribute-mapping.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudDirectory } from '../src/connectors/entra/cloud-directory.ts';
import { connectToEntra } from '../src/connectors/entra/connection.ts';
import { silentReporter } from '../src/core/reporter.ts';
import { CLOUD_WATERMARK, detectCloudDrift } from '../src/engine/cycle/cloud-drift.ts';
import { CycleState } from '../src/engine/cycle/cycle-state.ts';
import { CycleLedger } from '../src/engine/cycle/ledger.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import { startEntraStandIn, type EntraStandIn } from '../test/entra-standin/stand-in.ts';

export interface DriftRound {
  requests: number;
  seconds: number;
  drifted: number;
}

export interface CloudDriftCost {
  owned: number;
  firstRound: DriftRound;
  noChange: DriftRound;
  onePercent: DriftRound;
}

const SEED_CHUNK = 5_000;

export async function measureCloudDrift(owned: number): Promise<CloudDriftCost> {
  const standIn = await startEntraStandIn();
  const work = await mkdtemp(join(tmpdir(), 'dirsync-bench-drift-'));
  const store = new SqliteStore(join(work, 'state.db'));
  try {
    await store.migrate();
    // Seeded before signing in: a connection left idle for the seeding's minutes would meet a closed keep-alive socket.
    const ids = await seedOwnedUsers(standIn, store, owned);
    const entra = await connectToEntra({
      tenantId: standIn.tenantId,
      clientId: standIn.clientId,
      credential: { kind: 'client-secret', secret: standIn.clientSecret },
      cloud: { authorityHost: new URL(standIn.authority).origin, graphEndpoint: standIn.graphEndpoint },
      caPem: standIn.caPem,
      preview: false,
    });
    try {
      const target = new CloudDirectory(entra.session, standIn.clientId);
      const round = async (): Promise<DriftRound> => {
        const state = new CycleState({
          mode: 'delta',
          historyMode: (mode) => mode,
          startedAt: new Date(),
          reporter: silentReporter,
          mapping: DEFAULT_ATTRIBUTE_MAPPING,
        });
        const ledger = new CycleLedger(store, state);
        const requestsBefore = entra.session.counters.requests;
        const started = performance.now();
        const resumeAt = await detectCloudDrift({ state, store, target, ledger, policy: 'report' });
        const seconds = (performance.now() - started) / 1000;
        await store.setWatermark(CLOUD_WATERMARK, JSON.stringify(resumeAt));
        return { requests: entra.session.counters.requests - requestsBefore, seconds, drifted: state.drift.size };
      };
      const firstRound = await round();
      const noChange = await round();
      await editInThePortal(
        standIn,
        ids.filter((_, index) => index % 100 === 0),
      );
      const onePercent = await round();
      return { owned, firstRound, noChange, onePercent };
    } finally {
      entra.close();
    }
  } finally {
    await store.close();
    await standIn.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** N users as a first sync leaves them: in the tenant with their anchor, and linked with what was exported. */
async function seedOwnedUsers(standIn: EntraStandIn, store: SqliteStore, owned: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < owned; start += SEED_CHUNK) {
    const users = Array.from({ length: Math.min(SEED_CHUNK, owned - start) }, (_, offset) => {
      const index = start + offset;
      const name = `drift.${String(index).padStart(6, '0')}`;
      return {
        userPrincipalName: `${name}@corp.example.test`,
        displayName: name,
        mailNickname: name.replace('.', ''),
        department: 'Sales',
        accountEnabled: true,
        onPremisesImmutableId: Buffer.from(`anchor-${index}`).toString('base64'),
      };
    });
    const seeded = standIn.control.seed({ users }).users;
    await store.saveLinks(
      seeded.map((user, offset) => {
        const { onPremisesImmutableId, displayName, mailNickname, department, accountEnabled, userPrincipalName } = users[offset]!;
        ids.push(user.id);
        return {
          anchor: onPremisesImmutableId,
          kind: 'user' as const,
          cloudId: user.id,
          dn: `CN=${displayName},OU=Bulk,DC=corp,DC=example,DC=test`,
          exported: { onPremisesImmutableId, displayName, mailNickname, department, accountEnabled, userPrincipalName, manager: null },
          lastSeenRunId: null,
        };
      }),
    );
  }
  return ids;
}

/** A helpdesk edits these users through Graph ($batch, as the portal's bulk edit would). */
async function editInThePortal(standIn: EntraStandIn, ids: readonly string[]): Promise<void> {
  const token = await standIn.control.issueAccessToken({ roles: ['User.ReadWrite.All'] });
  const { Agent } = await import('node:https');
  const agent = new Agent({ ca: standIn.caPem });
  for (let start = 0; start < ids.length; start += 20) {
    const requests = ids.slice(start, start + 20).map((id, index) => ({
      id: String(index),
      method: 'PATCH',
      url: `/users/${id}`,
      headers: { 'Content-Type': 'application/json' },
      body: { department: 'Helpdesk' },
    }));
    await post(`${standIn.graphEndpoint}/v1.0/$batch`, token, { requests }, agent);
  }
}

async function post(url: string, token: string, body: unknown, agent: import('node:https').Agent): Promise<void> {
  const { request } = await import('node:https');
  await new Promise<void>((resolve, reject) => {
    const call = request(
      url,
      { method: 'POST', agent, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`$batch answered ${response.statusCode}`))));
      },
    );
    call.on('error', reject);
    call.end(JSON.stringify(body));
  });
}
