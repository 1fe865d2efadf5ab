import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { JsonValue } from '../json.js';
import { type Runtime, systemRuntime } from '../runtime/ports.js';
import type { Sha256Hex } from '../sha256.js';
import { planAppendInOrder, type StreamPlan, type StreamSnapshot } from './appendPlan.js';
import type { ExpectedVersion, NewEvent, RecordedEvent } from './envelope.js';
import { type StoreError, storeClosed, storeUnavailable } from './errors.js';
import type { ChainLink } from './hashChain.js';
import type { AppendRequest, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, StreamAppendResult } from './port.js';
import { sliceStream } from './reading.js';
import { catchUpSubscription } from './subscription.js';
import { type PreparedEvent, type PreparedRequest, prepareAppend, validateReadAll, validateReadStream } from './validation.js';

interface StreamState {
  readonly events: RecordedEvent[];
  /** `hash` of the last event (`null`: none yet), kept here so that planning an append touches no event. */
  lastHash: string | null;
  /**
   * Event id -> event, built on the first id lookup in a stream longer than `SCAN_LIMIT`, then kept
   * up to date. Most streams never need it: only caller-chosen ids are looked up.
   */
  byId?: Map<string, RecordedEvent>;
}

/** What planning needs of a stream, and the stream itself (`undefined`: none yet) for the write. */
interface MemorySnapshot extends StreamSnapshot {
  readonly stream: StreamState | undefined;
}

/** Streams up to this length are searched for an event id by a scan. */
const SCAN_LIMIT = 16;

const findEvent = (state: StreamState, eventId: string): RecordedEvent | undefined => {
  const { events } = state;
  if (state.byId === undefined && events.length > SCAN_LIMIT) state.byId = new Map(events.map((e) => [e.eventId, e]));
  if (state.byId) return state.byId.get(eventId);
  for (let i = 0; i < events.length; i++) if ((events[i] as RecordedEvent).eventId === eventId) return events[i];
  return undefined;
};

const indexEvent = (state: StreamState, event: RecordedEvent): void => {
  state.byId?.set(event.eventId, event);
};

/**
 * Freezes JSON data that `prepareAppend` freshly copied (so nothing else holds it): readers share
 * the stored objects, and must not be able to change the log.
 */
const freezeJson = (value: JsonValue): void => {
  if (typeof value !== 'object' || value === null) return;
  Object.freeze(value);
  if (Array.isArray(value)) for (const v of value) freezeJson(v);
  else for (const k in value) freezeJson((value as { readonly [key: string]: JsonValue })[k] as JsonValue);
};

/** Builds the recorded event, frozen through: envelope, metadata (and its actor) and data. */
const record = (
  e: PreparedEvent,
  streamId: string,
  streamVersion: number,
  globalPosition: number,
  link: ChainLink | undefined,
): RecordedEvent => {
  freezeJson(e.data);
  Object.freeze(e.metadata.actor);
  Object.freeze(e.metadata);
  return Object.freeze({
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    eventId: e.eventId,
    schemaVersion: e.schemaVersion,
    occurredAt: e.occurredAt,
    streamId,
    streamVersion,
    globalPosition,
    prevHash: link?.prevHash ?? null,
    hash: link?.hash as string,
  });
};

const NO_EVENTS: ReadonlyMap<string, { streamVersion: number; type: string }> = new Map();

/** Options of {@link createMemoryEventStore}. */
export interface MemoryEventStoreOptions {
  /**
   * SHA-256 of the hash chains (default: the core's pure one). Hosts with a native one (Node's
   * `node:crypto`, `@selfprov/node`'s `nodeSha256Hex`) pass it for speed: the hashes are identical.
   */
  readonly digest?: Sha256Hex;
}

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
export const createMemoryEventStore = (runtime: Partial<Runtime> = {}, options: MemoryEventStoreOptions = {}): MemoryEventStore => {
  const ports = { ...systemRuntime(), ...runtime };
  const planOptions = options.digest ? { digest: options.digest } : {};
  const all: RecordedEvent[] = [];
  const streams = new Map<string, StreamState>();
  const waiters = new Set<() => void>();
  let closed = false;
  let down = false;

  const wake = () => {
    if (waiters.size > 0) for (const w of [...waiters]) w();
  };
  const unavailable = (): StoreError | undefined =>
    closed ? storeClosed() : down ? storeUnavailable('the in-memory store is simulating an outage') : undefined;
  const run =
    <A>(body: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
    async () => {
      const problem = unavailable();
      return problem ? E.left(problem) : body();
    };

  // Everything between prepareAppend and the return is synchronous: nothing can interleave, so
  // the whole call is atomic. The work per append is O(events of the call), whatever the number of
  // streams (one hash lookup per stream, an id scan only within short streams).
  const appendMulti = (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> =>
    run<AppendResult>(() => {
      const prepared = prepareAppend(requests, ports);
      if (E.isLeft(prepared)) return prepared;
      const accepted = prepared.right;
      // Each request's stream, looked up once: the write below reuses it.
      const snapshots: MemorySnapshot[] = new Array(accepted.length);
      for (let i = 0; i < accepted.length; i++) {
        const request = accepted[i] as PreparedRequest;
        const given = (requests[i] as AppendRequest).events;
        const stream = streams.get(request.streamId);
        let existing = NO_EVENTS;
        // Only ids the caller chose can make an append a replay: ids this store just generated are new.
        if (stream !== undefined)
          for (let j = 0; j < request.events.length; j++) {
            if (given[j]?.eventId === undefined) continue;
            const e = request.events[j] as PreparedEvent;
            const found = findEvent(stream, e.eventId);
            if (found) {
              if (existing === NO_EVENTS) existing = new Map();
              (existing as Map<string, RecordedEvent>).set(e.eventId, found);
            }
          }
        snapshots[i] =
          stream === undefined
            ? { version: -1, existing, lastHash: null, stream }
            : { version: stream.events.length - 1, existing, lastHash: stream.lastHash, stream };
      }
      const plans = planAppendInOrder(accepted, snapshots, planOptions);
      if (E.isLeft(plans)) return plans;
      // Arrays of their final length: `[]` grows a backing store of 17 slots on the first push.
      const results: StreamAppendResult[] = new Array(plans.right.length);
      // A call is a replay as a whole or not at all (planAppend): its first plan says which.
      const replay = plans.right[0]?.kind === 'replay';
      let lastGlobalPosition = 0;
      for (let k = 0; k < plans.right.length; k++) {
        const plan = plans.right[k] as StreamPlan;
        if (plan.kind === 'replay') {
          const stream = streams.get(plan.streamId);
          const events = stream?.events.slice(plan.firstVersion, plan.firstVersion + plan.count) ?? [];
          for (const e of events) lastGlobalPosition = Math.max(lastGlobalPosition, e.globalPosition);
          results[k] = { streamId: plan.streamId, nextExpectedVersion: (stream?.events.length ?? 0) - 1, events };
        } else if (plan.kind === 'check') {
          results[k] = { streamId: plan.streamId, nextExpectedVersion: plan.version, events: [] };
        } else {
          // planAppend answers a write with one plan per request, in order: plan k is request k.
          const request = accepted[k] as PreparedRequest;
          let state = (snapshots[k] as MemorySnapshot).stream;
          if (state === undefined) {
            state = { events: [], lastHash: null };
            streams.set(plan.streamId, state);
          }
          const recorded: RecordedEvent[] = new Array(request.events.length);
          for (let j = 0; j < request.events.length; j++) {
            const r = record(request.events[j] as PreparedEvent, plan.streamId, plan.firstVersion + j, all.length + 1, plan.links[j]);
            all.push(r);
            state.events.push(r);
            indexEvent(state, r);
            recorded[j] = r;
            lastGlobalPosition = r.globalPosition;
          }
          state.lastHash = (recorded[recorded.length - 1] as RecordedEvent).hash ?? null;
          results[k] = { streamId: plan.streamId, nextExpectedVersion: state.events.length - 1, events: recorded };
        }
      }
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
