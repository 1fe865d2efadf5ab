import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type Runtime, systemRuntime } from '../runtime/ports.js';
import { planAppend, type StreamSnapshot } from './appendPlan.js';
import type { ExpectedVersion, NewEvent, RecordedEvent } from './envelope.js';
import { type StoreError, storeClosed, storeUnavailable } from './errors.js';
import type { AppendRequest, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, StreamAppendResult } from './port.js';
import { sliceStream } from './reading.js';
import { catchUpSubscription } from './subscription.js';
import { prepareAppend, validateReadAll, validateReadStream } from './validation.js';

interface StreamState {
  readonly events: RecordedEvent[];
  readonly byId: Map<string, RecordedEvent>;
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

/** The in-memory store: tests, examples, and the `memory:` store URL. */
export interface MemoryEventStore extends EventStore {
  /** Makes every operation fail with `store_unavailable` until called with `false`: for failure tests. */
  simulateOutage(down: boolean): void;
}

/**
 * An EventStore kept in process memory. It honours the whole contract
 * (atomic multi-stream appends, idempotency, catch-up subscriptions); state is
 * lost when the process ends.
 */
export const createMemoryEventStore = (runtime: Partial<Runtime> = {}): MemoryEventStore => {
  const ports = { ...systemRuntime(), ...runtime };
  const all: RecordedEvent[] = [];
  const streams = new Map<string, StreamState>();
  const waiters = new Set<() => void>();
  let closed = false;
  let down = false;

  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const unavailable = (): StoreError | undefined =>
    closed ? storeClosed() : down ? storeUnavailable('the in-memory store is simulating an outage') : undefined;
  const run =
    <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
    async () => {
      const problem = unavailable();
      return problem ? E.left(problem) : body();
    };

  const appendMulti = (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> =>
    run<AppendResult>(() => {
      const prepared = prepareAppend(requests, ports);
      if (E.isLeft(prepared)) return prepared;
      const snapshots = new Map<string, StreamSnapshot>();
      for (const request of prepared.right) {
        const stream = streams.get(request.streamId);
        const existing = new Map<string, { streamVersion: number; type: string }>();
        for (const e of request.events) {
          const found = stream?.byId.get(e.eventId);
          if (found) existing.set(e.eventId, found);
        }
        snapshots.set(request.streamId, { version: (stream?.events.length ?? 0) - 1, existing });
      }
      const plans = planAppend(prepared.right, snapshots);
      if (E.isLeft(plans)) return plans;
      const results: StreamAppendResult[] = [];
      const replay = plans.right.some((p) => p.kind === 'replay');
      for (const plan of plans.right) {
        const stream = streams.get(plan.streamId);
        if (plan.kind === 'replay') {
          const events = stream?.events.slice(plan.firstVersion, plan.firstVersion + plan.count) ?? [];
          results.push({ streamId: plan.streamId, nextExpectedVersion: (stream?.events.length ?? 0) - 1, events });
        } else if (plan.kind === 'check') {
          results.push({ streamId: plan.streamId, nextExpectedVersion: plan.version, events: [] });
        } else {
          // Nothing can interleave here (single-threaded, no await), so the whole call is atomic.
          const request = prepared.right.find((r) => r.streamId === plan.streamId);
          const state: StreamState = stream ?? { events: [], byId: new Map() };
          const recorded = (request?.events ?? []).map((e, i) =>
            deepFreeze<RecordedEvent>({
              ...e,
              streamId: plan.streamId,
              streamVersion: plan.firstVersion + i,
              globalPosition: all.length + 1 + i,
            }),
          );
          for (const r of recorded) {
            all.push(r);
            state.events.push(r);
            state.byId.set(r.eventId, r);
          }
          streams.set(plan.streamId, state);
          results.push({ streamId: plan.streamId, nextExpectedVersion: state.events.length - 1, events: recorded });
        }
      }
      const lastGlobalPosition = Math.max(0, ...results.flatMap((r) => r.events.map((e) => e.globalPosition)));
      if (!replay) wake();
      return E.right({ streams: results, lastGlobalPosition, idempotentReplay: replay });
    });

  const readAll = (options?: ReadAllOptions): TE.TaskEither<StoreError, readonly RecordedEvent[]> =>
    run(() => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const { after = 0, before, direction = 'forward', maxCount = 1000 } = valid.right;
      if (direction === 'forward') {
        const end = before === undefined ? all.length : Math.min(all.length, before - 1);
        return E.right(all.slice(after, Math.max(after, Math.min(end, after + maxCount))));
      }
      const end = Math.min(all.length, before === undefined ? all.length : before - 1);
      const start = Math.max(after, end - maxCount);
      return E.right(all.slice(start, end).reverse());
    });

  return {
    append: (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]) => appendMulti([{ streamId, expected, events }]),
    appendMulti,
    readStream: (streamId: string, options?: ReadStreamOptions) =>
      run(() => {
        const valid = validateReadStream(streamId, options);
        if (E.isLeft(valid)) return valid;
        const events = streams.get(valid.right.streamId)?.events ?? [];
        return E.right({ currentVersion: events.length - 1, events: sliceStream(events, valid.right.options) });
      }),
    readAll,
    subscribe: (options) =>
      catchUpSubscription(
        {
          readAll,
          waitForAppend: (position, stop) =>
            position < all.length || closed || stop.stopped
              ? Promise.resolve()
              : new Promise<void>((resolve) => {
                  const done = () => {
                    waiters.delete(done);
                    unregister();
                    resolve();
                  };
                  const unregister = stop.onStop(done);
                  waiters.add(done);
                }),
        },
        options,
      ),
    close: async () => {
      closed = true;
      wake();
    },
    simulateOutage: (value: boolean) => {
      down = value;
      wake();
    },
  };
};
