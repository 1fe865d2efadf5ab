import * as fc from 'fast-check';
import * as assert from 'uvu/assert';
import type { ThrottleAnswer, ThrottleStore } from '../../credentials/ports.js';
import { uniqueStream } from '../events.js';
import { type SecurityStoreHarness, securitySuite, unwrap } from './support.js';

/**
 * The reference semantics, as a pure model of `createMemoryThrottleStore`: a log of attempt
 * instants per key; an acquire drops the key's instants at or before `at - windowMs`, then records
 * `at` unless `limit` (> 0) instants remain; a release forgets one instant equal to `at`.
 */
const throttleModel = () => {
  const logs = new Map<string, number[]>();
  return {
    tryAcquire: (key: string, at: number, windowMs: number, limit: number): ThrottleAnswer => {
      const live = (logs.get(key) ?? []).filter((x) => x > at - windowMs);
      const acquired = limit <= 0 || live.length < limit;
      if (acquired) live.push(at);
      logs.set(key, live);
      return { acquired, count: live.length };
    },
    release: (key: string, at: number): void => {
      const log = logs.get(key) ?? [];
      const index = log.lastIndexOf(at);
      if (index >= 0) log.splice(index, 1);
    },
  };
};

type ThrottleOp =
  | { readonly op: 'acquire'; readonly key: number; readonly at: number; readonly windowMs: number; readonly limit: number }
  | { readonly op: 'release'; readonly key: number; readonly at: number };

/**
 * The `ThrottleStore` contract: sliding windows exactly as the memory store counts them, refusal at
 * the limit, release, and concurrent acquires that never overshoot.
 */
export const defineThrottleStoreContract = (name: string, harness: SecurityStoreHarness<ThrottleStore>) => {
  const { test, t, numRuns } = securitySuite(`ThrottleStore contract: ${name}`, harness);
  const MINUTE = 60_000;
  const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
  const at = (ms: number) => new Date(T0 + ms);
  const key = () => uniqueStream('device');
  const acquire = async (s: ThrottleStore, k: string, ms: number, windowMs: number, limit: number) =>
    unwrap(await t(s.tryAcquire(k, at(ms), windowMs, limit)(), 'tryAcquire'), 'tryAcquire');
  const release = async (s: ThrottleStore, k: string, ms: number) => unwrap(await t(s.release(k, at(ms))(), 'release'), 'release');

  test('acquires up to the limit; at the limit the attempt is refused and not recorded', async ({ store }) => {
    const k = key();
    assert.equal(await acquire(store, k, 0, 15 * MINUTE, 3), { acquired: true, count: 1 });
    assert.equal(await acquire(store, k, 1000, 15 * MINUTE, 3), { acquired: true, count: 2 });
    assert.equal(await acquire(store, k, 2000, 15 * MINUTE, 3), { acquired: true, count: 3 });
    assert.equal(await acquire(store, k, 3000, 15 * MINUTE, 3), { acquired: false, count: 3 });
    assert.equal(await acquire(store, k, 4000, 15 * MINUTE, 3), { acquired: false, count: 3 });
    // Had the refused attempts been recorded, the window would still be full when the first three leave it.
    assert.equal(await acquire(store, k, 15 * MINUTE + 2000, 15 * MINUTE, 3), { acquired: true, count: 1 });
  });
  test('the window is (at - windowMs, at]: an attempt exactly windowMs old has left it', async ({ store }) => {
    const k = key();
    await acquire(store, k, 0, MINUTE, 2);
    await acquire(store, k, 10_000, MINUTE, 2);
    assert.equal(await acquire(store, k, MINUTE - 1, MINUTE, 2), { acquired: false, count: 2 });
    assert.equal(await acquire(store, k, MINUTE, MINUTE, 2), { acquired: true, count: 2 }, 'the attempt at 0 expired');
    assert.equal(await acquire(store, k, MINUTE + 10_000, MINUTE, 2), { acquired: true, count: 2 }, 'the one at 10 s too');
    assert.equal(await acquire(store, k, 10 * MINUTE, MINUTE, 2), { acquired: true, count: 1 });
  });
  test('release frees one slot recorded at that instant; unknown releases are no-ops', async ({ store }) => {
    const k = key();
    await acquire(store, k, 0, MINUTE, 3);
    await acquire(store, k, 5, MINUTE, 3);
    await acquire(store, k, 5, MINUTE, 3);
    assert.equal(await acquire(store, k, 6, MINUTE, 3), { acquired: false, count: 3 });
    await release(store, k, 5);
    assert.equal(await acquire(store, k, 7, MINUTE, 3), { acquired: true, count: 3 }, 'one of the two attempts at 5 was forgotten');
    await release(store, k, 4);
    await release(store, key(), 0);
    assert.equal(await acquire(store, k, 8, MINUTE, 3), { acquired: false, count: 3 }, 'a release at another instant frees nothing');
    await release(store, k, 0);
    await release(store, k, 5);
    await release(store, k, 7);
    assert.equal(await acquire(store, k, 9, MINUTE, 3), { acquired: true, count: 1 });
  });
  test('keys are counted separately', async ({ store }) => {
    const [a, b] = [key(), key()];
    await acquire(store, a, 0, MINUTE, 1);
    assert.equal(await acquire(store, a, 1, MINUTE, 1), { acquired: false, count: 1 });
    assert.equal(await acquire(store, b, 1, MINUTE, 1), { acquired: true, count: 1 });
  });
  test('a limit of 0 (or less) never refuses, and counts', async ({ store }) => {
    const k = key();
    for (let i = 1; i <= 5; i++) assert.equal(await acquire(store, k, i, MINUTE, 0), { acquired: true, count: i });
    assert.equal(await acquire(store, k, 6, MINUTE, -1), { acquired: true, count: 6 });
    assert.equal(await acquire(store, k, 7, MINUTE, 6), { acquired: false, count: 6 }, 'the unlimited attempts were recorded');
  });
  test('property: every answer equals the reference (memory) model, any order of instants', async ({ store }) => {
    const op: fc.Arbitrary<ThrottleOp> = fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant('acquire' as const),
          key: fc.nat({ max: 2 }),
          at: fc.nat({ max: 40 }),
          windowMs: fc.integer({ min: 1, max: 20 }),
          limit: fc.integer({ min: -1, max: 4 }),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ op: fc.constant('release' as const), key: fc.nat({ max: 2 }), at: fc.nat({ max: 40 }) }), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const keys = [key(), key(), key()];
        const model = throttleModel();
        for (const [i, o] of ops.entries()) {
          const k = keys[o.key] as string;
          if (o.op === 'release') {
            model.release(k, T0 + o.at);
            await release(store, k, o.at);
          } else {
            const expected = model.tryAcquire(k, T0 + o.at, o.windowMs, o.limit);
            assert.equal(await acquire(store, k, o.at, o.windowMs, o.limit), expected, `answer ${i} (${JSON.stringify(o)})`);
          }
        }
      }),
      { numRuns },
    );
  });
  test('concurrent acquires never overshoot the limit (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 5 }), async (s, callers, limit) => {
        const k = key();
        const runs = Array.from({ length: callers }, (_, c) =>
          s.schedule(Promise.resolve(c), `caller ${c}`).then(() => acquire(store, k, c, MINUTE, limit)),
        );
        await s.waitAll();
        const answers = await Promise.all(runs);
        const granted = answers.filter((a) => a.acquired);
        assert.is(granted.length, Math.min(callers, limit), 'exactly min(callers, limit) acquired');
        assert.equal(
          granted.map((a) => a.count).sort((x, y) => x - y),
          Array.from({ length: granted.length }, (_, i) => i + 1),
          'each grant saw the others that came before it',
        );
        for (const a of answers) if (!a.acquired) assert.is(a.count, limit);
        const next = callers < limit ? { acquired: true, count: callers + 1 } : { acquired: false, count: limit };
        assert.equal(await acquire(store, k, callers, MINUTE, limit), next, 'the store holds exactly the granted attempts');
      }),
      { numRuns },
    );
  });
  test('concurrent acquires and releases keep the count exact (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (s, callers) => {
        const k = key();
        // Each caller takes a slot at its own instant, then gives it back, as a successful attempt does.
        const runs = Array.from({ length: callers }, async (_, c) => {
          await s.schedule(Promise.resolve(c), `acquire ${c}`);
          const a = await acquire(store, k, c, MINUTE, callers);
          await s.schedule(Promise.resolve(c), `release ${c}`);
          await release(store, k, c);
          return a;
        });
        const answers = await s.waitFor(Promise.all(runs));
        assert.ok(
          answers.every((a) => a.acquired),
          'a limit equal to the callers refuses none',
        );
        assert.equal(await acquire(store, k, callers, MINUTE, 1), { acquired: true, count: 1 }, 'every slot was given back');
      }),
      { numRuns },
    );
  });
  return test;
};
