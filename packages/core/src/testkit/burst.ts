import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';
import type { ExpectedVersion, RecordedEvent } from '../kernel/eventstore/envelope.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import { createMemoryEventStore } from '../kernel/eventstore/memory.js';
import type { AppendRequest, AppendResult, EventStore } from '../kernel/eventstore/port.js';
import { manualClock } from '../kernel/runtime/ports.js';
import { testEvent } from './events.js';

/** One request of a generated call: a stream (of three), an expectation, events with ids drawn from eight. */
interface Part {
  readonly stream: number;
  readonly expected: ExpectedVersion;
  readonly events: readonly { readonly id: number; readonly type: string }[];
}

const part: fc.Arbitrary<Part> = fc.record({
  stream: fc.integer({ min: 0, max: 2 }),
  expected: fc.oneof(fc.constantFrom<ExpectedVersion>('no_stream', 'exists', 'any'), fc.integer({ min: 0, max: 5 })),
  events: fc.array(fc.record({ id: fc.integer({ min: 0, max: 7 }), type: fc.constantFrom('A', 'B') }), { maxLength: 3 }),
});

/** Everything of an outcome but global positions (stores may leave gaps). */
const normalise = (r: E.Either<StoreError, AppendResult>) =>
  E.isLeft(r)
    ? { error: r.left }
    : {
        replay: r.right.idempotentReplay,
        wrote: r.right.lastGlobalPosition > 0,
        streams: r.right.streams.map((s) => ({ ...s, events: s.events.map(({ globalPosition: _, ...e }) => e) })),
      };

const withoutPositions = (events: readonly RecordedEvent[]) => events.map(({ globalPosition: _, ...e }) => e);

/** Options of {@link checkBurstsMatchSequential}. */
export interface BurstCheckOptions {
  /** fast-check runs (default 40). */
  readonly numRuns?: number;
  /** The clock `store` stamps events with: the reference store uses the same instant. Default 2026-02-02T02:02:02.000Z. */
  readonly instant?: string;
}

/**
 * Property check for stores that batch concurrent calls (group commit): random calls (stale, exact
 * and symbolic expectations, re-used and duplicated event ids, multi-stream calls, event-less
 * guards) issued ALL AT ONCE to `store` give each call the answer it gets when the same calls are
 * issued one by one, in the same order, to the in-memory reference store, and leave the same
 * streams. It holds only for a store that applies calls on one stream in the order they were
 * issued (the SQLite and PostgreSQL stores promise it); `store` must stamp events with a manual
 * clock at `instant`.
 */
export const checkBurstsMatchSequential = async (store: EventStore, options: BurstCheckOptions = {}): Promise<void> => {
  const instant = options.instant ?? '2026-02-02T02:02:02.000Z';
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.uuid(), { minLength: 8, maxLength: 8 }),
      fc.array(fc.array(part, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 16 }),
      async (ids, calls) => {
        run += 1;
        const reference = createMemoryEventStore({ clock: manualClock(instant) });
        const names = [0, 1, 2].map((i) => `burst-${run}-${i}-${Math.random().toString(36).slice(2, 7)}`);
        const requests = calls.map((parts): AppendRequest[] =>
          parts.map((p) => ({
            streamId: names[p.stream] as string,
            expected: p.expected,
            events: p.events.map((e) => testEvent(e.type, { id: e.id }, { eventId: ids[e.id] as string })),
          })),
        );
        const actual = await Promise.all(requests.map((r) => store.appendMulti(r)()));
        for (const [i, r] of requests.entries()) {
          const expected = await reference.appendMulti(r)();
          assert.equal(normalise(actual[i] as E.Either<StoreError, AppendResult>), normalise(expected), JSON.stringify(calls[i]));
        }
        for (const name of names) {
          const [m, s] = [await reference.readStream(name)(), await store.readStream(name)()];
          assert.ok(E.isRight(m) && E.isRight(s), `read ${name}`);
          if (E.isRight(m) && E.isRight(s)) {
            assert.is(s.right.currentVersion, m.right.currentVersion, `${name}: version`);
            assert.equal(withoutPositions(s.right.events), withoutPositions(m.right.events), `${name}: events`);
          }
        }
        await reference.close();
      },
    ),
    { numRuns: options.numRuns ?? 40 },
  );
};
