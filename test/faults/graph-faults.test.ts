// Microsoft Graph misbehaving during the first full export of OU=Crowd (1,600 users) and the security groups
// (the 1,600-member Crowd group among them): throttling storms, server errors, dropped connections, slow answers,
// an access token that expires mid-run. Each run completes, or fails cleanly naming the endpoint; a re-run
// converges: every in-scope object exactly once, memberships complete.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { FIXTURE } from '../support/ad/index.ts';
import { dirsync, type CliResult } from '../e2e/dirsync-cli.ts';
import { assertConverged } from './support.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';

const BATCH = '^/v1.0/\\$batch$';

describe('Faults: Microsoft Graph throttles, fails, drops and stalls', function () {
  this.timeout(120_000);
  let bed: TestBed;

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.crowd, FIXTURE.ous.groups] });
  });
  after(async () => {
    await bed?.stop();
  });
  beforeEach(async () => {
    await bed.reinstall();
  });
  afterEach(() => {
    bed.standIn.control.clearFaults();
    bed.standIn.control.setThrottle(undefined);
  });

  const statuses = (status: number, inBatch?: boolean) =>
    bed.standIn.control.requests().filter((request) => request.status === status && (inBatch === undefined || request.inBatch === inBatch)).length;

  /** A failed run must say what failed, where, and never dump a stack trace at the administrator. */
  function assertCleanFailure(result: CliResult, what: RegExp): void {
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, what);
    assert.doesNotMatch(result.stderr, /unexpected failure|\n\s+at /, 'no stack trace');
  }

  it('rides out a 429 storm: a stingy tenant, throttled $batch requests and throttled items', async () => {
    // The tenant allows 300 writes a second while DirSync is configured for far more: most batches meet 429s.
    bed.standIn.control.setThrottle({ writes: 300, windowSeconds: 1 });
    bed.standIn.control.addFault({ method: 'POST', path: BATCH, count: 3, action: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    bed.standIn.control.addFault({ method: 'POST', path: '^/v1.0/users$', count: 40, action: { kind: 'status', status: 429, retryAfterSeconds: 2 } });
    const started = performance.now();
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    const converged = await assertConverged(bed);
    console.log(`      ${statuses(429)} × 429 answered; converged in ${Math.round(performance.now() - started)} ms: ${JSON.stringify(converged)}`);
    assert.ok(statuses(429, true) > 40, 'the tenant throttled items');
    assert.ok(statuses(429, false) >= 3, 'and whole $batch requests');
  });

  it('retries server errors: 503 on $batch, 500 and 502 on items', async () => {
    bed.standIn.control.addFault({ method: 'POST', path: BATCH, count: 2, action: { kind: 'status', status: 503 } });
    bed.standIn.control.addFault({ method: 'POST', path: '^/v1.0/users$', count: 15, action: { kind: 'status', status: 500 } });
    // Fewer than the exporter's attempts per item: even if one membership change meets all of them, it goes through.
    bed.standIn.control.addFault({ method: 'PATCH', path: '^/v1.0/groups/', count: 3, action: { kind: 'status', status: 502 } });
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    await assertConverged(bed);
    assert.equal(statuses(500, true), 15);
    assert.equal(statuses(502, true), 3);
  });

  it('an outage longer than the retries: exit 3 naming each failed object, and the next cycle finishes the job', async () => {
    // Every membership change fails for the whole run (more failures than any item's retries can absorb).
    bed.standIn.control.addFault({ method: 'PATCH', path: '^/v1.0/groups/', count: 100_000, action: { kind: 'status', status: 502 } });
    const first = await bed.sync();
    bed.standIn.control.clearFaults();
    assert.equal(first.code, 3, first.stderr);
    assert.equal(first.json.status, 'completed-export-errors');
    assert.ok(first.json.errors.length > 0);
    for (const error of first.json.errors) {
      assert.match(error.dn, /^CN=.+,OU=Groups,/);
      assert.ok(error.anchor && error.code && error.message, JSON.stringify(error));
    }
    const rerun = await bed.sync();
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(rerun.json.mode, 'delta');
    await assertConverged(bed);
  });

  it('answers slow responses patiently', async () => {
    bed.standIn.control.addFault({ method: 'POST', path: BATCH, count: 6, action: { kind: 'delay', ms: 1000 } });
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    await assertConverged(bed);
  });

  it('connections dropped mid-$batch (some items applied, no answer): the run sends them again and converges, without a duplicate group', async () => {
    // A group create inside a batch drops the connection after the stand-in ran the items before it (group
    // creates are not idempotent: a blind re-send would duplicate them); later a whole $batch is dropped.
    bed.standIn.control.addFault({ method: 'POST', path: '^/v1.0/groups$', count: 1, action: { kind: 'drop' } });
    bed.standIn.control.addFault({ method: 'POST', path: BATCH, count: 1, action: { kind: 'drop' } });
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    const converged = await assertConverged(bed);
    console.log(`      ${JSON.stringify(converged)}`);
  });

  it('signs in again when the access token expires mid-run', async () => {
    // The DirSync process's clock jumps two hours ahead 5 requests after its first sign-in: its cached token is then expired.
    const env = {
      NODE_OPTIONS: `--import=${resolve('test/faults/fixtures/clock-jump.ts')}`,
      DIRSYNC_TEST_CLOCK_JUMP_AFTER_REQUESTS: '5',
      DIRSYNC_TEST_CLOCK_JUMP_MS: String(2 * 3600_000),
    };
    const tokenRequests = () => bed.standIn.control.requests().filter((request) => request.path.endsWith('/oauth2/v2.0/token')).length;
    const before = tokenRequests();
    const result = await dirsync(['sync', '--path', bed.path, '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(tokenRequests() - before, 2, 'one sign-in at the start, one when the token had expired');
    await assertConverged(bed);
  });

  it('a token the service rejects mid-run (401): signs in afresh and goes on; a 401 that persists ends the run cleanly', async () => {
    // Graph may reject a token the client still thinks valid (revoked, clock skew): 401 InvalidAuthenticationToken.
    bed.standIn.control.addFault({ method: 'POST', path: BATCH, count: 1, action: { kind: 'status', status: 401 } });
    const recovered = await bed.sync();
    assert.equal(recovered.code, 0, recovered.stderr);
    await assertConverged(bed);

    bed.standIn.control.addFault({ method: 'GET', path: '^/v1.0/domains', count: 10, action: { kind: 'status', status: 401 } });
    const refused = await bed.sync();
    assertCleanFailure(refused, /Microsoft Graph answered 401/);
    bed.standIn.control.clearFaults();
    const rerun = await bed.sync();
    assert.equal(rerun.code, 0, rerun.stderr);
    await assertConverged(bed);
  });
});
