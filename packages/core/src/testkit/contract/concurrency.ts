import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';
import { testEvents, uniqueStream } from '../events.js';
import { assertChained, type ContractKit, types, unwrap } from './support.js';

/** Concurrent writers under the fast-check scheduler: one winner per expectation, nothing lost or doubled. */
export const concurrencyCases = ({ test, numRuns, t, append, read }: ContractKit) => {
  test('concurrent appends with the same expectation: exactly one wins (fast-check scheduler)', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), fc.boolean(), async (s, writers, fresh) => {
        const id = uniqueStream();
        if (!fresh) unwrap(await append(store, id, 'no_stream', testEvents(1)), 'seed');
        const expected = fresh ? ('no_stream' as const) : 0;
        const runs = Array.from({ length: writers }, (_, w) =>
          s.schedule(Promise.resolve(w), `writer ${w}`).then(() => append(store, id, expected, testEvents(2, `W${w}-`))),
        );
        await s.waitAll();
        const results = await Promise.all(runs);
        const winners = results.filter(E.isRight);
        assert.is(winners.length, 1, 'exactly one writer wins');
        for (const r of results) if (E.isLeft(r)) assert.is(r.left.code, 'wrong_expected_version');
        const winner = results.findIndex(E.isRight);
        const events = (await read(store, id)).events;
        assert.equal(types(events.slice(fresh ? 0 : 1)), [`W${winner}-0`, `W${winner}-1`]);
      }),
      { numRuns },
    );
  });
  test('concurrent appends with any: all land, versions contiguous, none lost or doubled', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 8 }), async (s, writers) => {
        const id = uniqueStream();
        const runs = Array.from({ length: writers }, (_, w) =>
          s.schedule(Promise.resolve(w)).then(() => append(store, id, 'any', testEvents(2, `W${w}-`))),
        );
        await s.waitAll();
        for (const r of await Promise.all(runs)) unwrap(r, 'append');
        const events = (await read(store, id)).events;
        assert.is(events.length, writers * 2);
        assert.equal(
          events.map((e) => e.streamVersion),
          Array.from({ length: writers * 2 }, (_, i) => i),
        );
        assert.is(new Set(events.map((e) => e.eventId)).size, writers * 2);
        // A writer's two events stay adjacent: each append is atomic.
        for (let i = 0; i < events.length; i += 2) assert.is(events[i]?.type.replace(/0$/, '1'), events[i + 1]?.type);
        assertChained(events, 'concurrent appends');
      }),
      { numRuns },
    );
  });
  test('concurrent overlapping multi-stream appends: all-or-nothing, one winner per stream', async ({ store }) => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 5 }), async (s, writers) => {
        const shared = uniqueStream();
        const own = Array.from({ length: writers }, () => uniqueStream());
        const runs = own.map((mine, w) =>
          s.schedule(Promise.resolve(w)).then(() =>
            t(
              store.appendMulti([
                { streamId: mine, expected: 'no_stream', events: testEvents(1, `W${w}-`) },
                { streamId: shared, expected: 'no_stream', events: testEvents(1, `W${w}-`) },
              ])(),
            ),
          ),
        );
        await s.waitAll();
        const results = await Promise.all(runs);
        assert.is(results.filter(E.isRight).length, 1);
        for (const [w, r] of results.entries()) {
          const mine = (await read(store, own[w] as string)).currentVersion;
          assert.is(mine, E.isRight(r) ? 0 : -1, `writer ${w}: its own stream is written iff it won`);
        }
      }),
      { numRuns },
    );
  });
};
