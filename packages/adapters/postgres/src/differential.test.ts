import {
  type AppendRequest,
  type AppendResult,
  createMemoryEventStore,
  type EventStore,
  type ExpectedVersion,
  manualClock,
  type RecordedEvent,
  type StoreError,
} from '@selfprov/core';
import { checkBurstsMatchSequential, testEvent } from '@selfprov/core/testkit';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';

// Model-based check: random sequences of appends (stale, exact and symbolic expectations, re-used and
// duplicated event ids, multi-stream calls, event-less guards) give the same answer from PostgreSQL as
// from the in-memory reference store, and leave the same streams and the same global order.

const test = suite<{ db: TestDatabase; store: PostgresEventStore }>('differential: postgres vs memory');
useTestDatabase(test);

test.before(async (ctx) => {
  ctx.store = createPostgresEventStore({
    connectionString: ctx.db.config,
    schema: ctx.db.freshSchema('diff'),
    runtime: { clock: manualClock('2026-02-02T02:02:02.000Z') },
  });
});
test.after(async (ctx) => {
  await ctx.store.close();
  await ctx.db.dropSchema(ctx.store.schema);
});

interface Part {
  stream: number;
  expected: ExpectedVersion;
  events: { id: number; type: string }[];
}

const part: fc.Arbitrary<Part> = fc.record({
  stream: fc.integer({ min: 0, max: 2 }),
  expected: fc.oneof(fc.constantFrom<ExpectedVersion>('no_stream', 'exists', 'any'), fc.integer({ min: 0, max: 5 })),
  events: fc.array(fc.record({ id: fc.integer({ min: 0, max: 7 }), type: fc.constantFrom('A', 'B') }), { maxLength: 3 }),
});
const op = fc.array(part, { minLength: 1, maxLength: 3 });

/** Everything of an outcome except global positions, which may differ (PostgreSQL positions can have gaps). */
const normalise = (r: E.Either<StoreError, AppendResult>) =>
  E.isLeft(r)
    ? { error: r.left }
    : {
        replay: r.right.idempotentReplay,
        wrote: r.right.lastGlobalPosition > 0,
        streams: r.right.streams.map((s) => ({ ...s, events: s.events.map(({ globalPosition: _, ...e }) => e) })),
      };

const withoutPositions = (events: readonly RecordedEvent[]) => events.map(({ globalPosition: _, ...e }) => e);

test('the same random append sequences give the same results and the same log', async ({ store }) => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.uuid(), { minLength: 8, maxLength: 8 }),
      fc.array(op, { minLength: 1, maxLength: 12 }),
      async (ids, ops) => {
        run += 1;
        const memory: EventStore = createMemoryEventStore({ clock: manualClock('2026-02-02T02:02:02.000Z') });
        const names = [0, 1, 2].map((i) => `diff-${run}-${i}-${Math.random().toString(36).slice(2, 7)}`);
        for (const parts of ops) {
          const requests: AppendRequest[] = parts.map((p) => ({
            streamId: names[p.stream] as string,
            expected: p.expected,
            events: p.events.map((e) => testEvent(e.type, { id: e.id }, { eventId: ids[e.id] as string })),
          }));
          const [expected, actual] = [await memory.appendMulti(requests)(), await store.appendMulti(requests)()];
          assert.equal(normalise(actual), normalise(expected), JSON.stringify(parts));
        }
        for (const name of names) {
          const [m, p] = [await memory.readStream(name)(), await store.readStream(name)()];
          assert.ok(E.isRight(m) && E.isRight(p));
          if (E.isRight(m) && E.isRight(p)) {
            assert.is(p.right.currentVersion, m.right.currentVersion);
            assert.equal(withoutPositions(p.right.events), withoutPositions(m.right.events));
          }
        }
        const mine = (r: E.Either<StoreError, readonly RecordedEvent[]>) =>
          E.isRight(r) ? r.right.filter((e) => names.includes(e.streamId)).map((e) => e.eventId + e.streamId) : [];
        assert.equal(mine(await store.readAll({ maxCount: 100_000 })()), mine(await memory.readAll({ maxCount: 100_000 })()));
        await memory.close();
      },
    ),
    { numRuns: 40 },
  );
});

test('the same random calls issued all at once (grouped into shared transactions) give the results of issuing them one by one', async ({
  store,
}) => {
  await checkBurstsMatchSequential(store, { numRuns: 60 });
});

test.run();
