import assert from 'node:assert/strict';
import { WriteBudget } from '../../../src/connectors/entra/write-budget.ts';

describe('WriteBudget (token bucket)', () => {
  it('never lets one window carry more writes than the budget, and runs close to it', async function () {
    this.timeout(10_000);
    const limits = { writes: 200, windowSeconds: 1 };
    const budget = new WriteBudget(limits);
    const sentAt: number[] = [];
    const started = performance.now();
    for (let batch = 0; batch < 25; batch += 1) {
      await budget.acquire(20);
      for (let write = 0; write < 20; write += 1) sentAt.push(performance.now());
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    for (const [index, time] of sentAt.entries()) {
      const inWindow = sentAt.filter((other) => other >= time && other < time + limits.windowSeconds * 1000).length;
      assert.ok(inWindow <= limits.writes, `window starting at write ${index} carried ${inWindow} writes`);
    }
    const rate = sentAt.length / elapsedSeconds;
    assert.ok(rate > 0.8 * limits.writes && rate <= limits.writes * 1.05, `rate ${rate.toFixed(0)}/s against a budget of ${limits.writes}/s`);
  });

  it('serves waiters in order and lets a request larger than the bucket through with a debt', async () => {
    const budget = new WriteBudget({ writes: 40, windowSeconds: 0.2 });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((id) => budget.acquire(id === 2 ? 100 : 20).then(() => order.push(id))));
    assert.deepEqual(order, [1, 2, 3]);
  });

  it('holds everything for Retry-After after a 429', async () => {
    const budget = new WriteBudget({ writes: 1000, windowSeconds: 1 });
    budget.holdFor(0.3);
    const started = performance.now();
    await budget.acquire(1);
    assert.ok(performance.now() - started >= 290);
  });

  it('refuses an empty budget', () => {
    assert.throws(() => new WriteBudget({ writes: 0, windowSeconds: 150 }), RangeError);
  });
});
