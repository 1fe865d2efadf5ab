import {
  type AllStreamResolvedEvent,
  type AppendRecordInput,
  type AppendRecordsResult,
  type AppendStreamRequest,
  type AppendToStreamOptions,
  BACKWARDS,
  type ConsistencyCheck,
  END,
  type EventData,
  FORWARDS,
  type AppendResult as KurrentAppendResult,
  KurrentDBClient,
  type ReadAllOptions as KurrentReadAllOptions,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type RecordedEvent as KurrentRecordedEvent,
  type MultiAppendResult,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
  START,
  STREAM_STATE,
  type SubscribeToAllOptions,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import {
  type AppendRequest,
  type AppendResult,
  type ChainLink,
  catchUpSubscription,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type PreparedRequest,
  planAppend,
  prepareAppend,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type Runtime,
  type StopSignal,
  type StoreError,
  type StreamAppendResult,
  type StreamSnapshot,
  type SubscribeOptions,
  type Subscription,
  storeClosed,
  storeUnavailable,
  systemRuntime,
  type ValidationError,
  validateReadAll,
  validateReadStream,
  validationError,
  wrongExpectedVersion,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type ErrorContext, mapClientError, multiStreamUnsupported, operationTimeout } from './errors.js';
import { appendOptions, decodeRecorded, encodeEvent, fromCurrentState, toStreamState } from './mapping.js';
import { createPositionIndex } from './positions.js';
import { parseKurrentDbUrl } from './url.js';

/** The part of a `subscribeToAll` subscription this store uses (as a doorbell). */
export interface LiveSubscriptionLike {
  on(event: 'data' | 'error' | 'close', listener: () => void): unknown;
  unsubscribe(): Promise<void>;
}

/**
 * The operations of `KurrentDBClient` this store calls; a real client satisfies it. A caller
 * may hand in its own client (shared connection, credentials provider, tests).
 */
export interface KurrentDbClientLike {
  appendToStream(streamName: string, events: EventData[], options?: AppendToStreamOptions): Promise<KurrentAppendResult>;
  readStream(streamName: string, options?: KurrentReadStreamOptions): AsyncIterableIterator<ResolvedEvent>;
  readAll(options?: KurrentReadAllOptions): AsyncIterableIterator<AllStreamResolvedEvent>;
  multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult>;
  appendRecords(records: AppendRecordInput[], checks?: ConsistencyCheck[]): Promise<AppendRecordsResult>;
  subscribeToAll(options?: SubscribeToAllOptions): LiveSubscriptionLike;
  dispose(): Promise<void>;
}

/**
 * How `appendMulti` over several streams is carried out:
 * - `atomic` (default): with the server's atomic multi-stream append: `appendRecords`
 *   (KurrentDB 26.1+, writes and guards in one transaction) or `multiStreamAppend` (25.1+,
 *   only when the call has no event-less guard requests). Otherwise the call is refused with
 *   `multi_stream_unsupported` and nothing is written. Never partially applied.
 * - `atomic-writes`: like `atomic`, but when only `multiStreamAppend` (or nothing, for a single
 *   written stream) is available, guard requests are checked by reading just before the write:
 *   the writes stay atomic, a guard stream changed in between goes unnoticed.
 * - `refuse`: never uses the server's multi-stream features; every call touching several
 *   streams is refused with `multi_stream_unsupported`.
 */
export type MultiStreamMode = 'atomic' | 'atomic-writes' | 'refuse';

export const multiStreamModes: readonly MultiStreamMode[] = ['atomic', 'atomic-writes', 'refuse'];

interface CommonOptions {
  /** Clock and ids for events that carry none. Default: the system runtime. */
  readonly runtime?: Partial<Runtime>;
  /** Default `atomic`: see `MultiStreamMode`. */
  readonly multiStream?: MultiStreamMode;
  /** This store's own deadline on every server call, in ms (default 15,000): a call never hangs longer. */
  readonly operationTimeoutMs?: number;
  /** How often an idle subscription asks the server for new events (default 1,000 ms). */
  readonly pollIntervalMs?: number;
  /** Wake subscriptions on new events through a `subscribeToAll` doorbell (default true). */
  readonly liveNotifications?: boolean;
}

export type KurrentDbStoreOptions = CommonOptions &
  (
    | { readonly connectionString: string; readonly client?: undefined }
    /** Bring your own client: the store does not dispose it on `close()`. */
    | { readonly client: KurrentDbClientLike; readonly connectionString?: undefined }
  );

export interface KurrentDbEventStore extends EventStore {
  /** The server this store talks to, without credentials. */
  readonly target: string;
  readonly multiStream: MultiStreamMode;
  /** What the server was found to support so far (`undefined`: not tried yet). */
  capabilities(): { readonly appendRecords?: boolean; readonly multiStreamAppend?: boolean };
}

/** Attempts of an `any` / `exists` append that keeps losing the race for the stream's head. */
const MAX_CHAIN_ATTEMPTS = 8;

/** SHA-256 of the hash chains, native: identical to the core's pure one (tested there), faster. */

/** Only user streams: system streams (and metadata streams `$$...`) start with `$`, user stream ids never do. */
const USER_STREAMS = streamNameFilter({ regex: '^[^$]' });

const isStreamNotFound = (error: unknown) => (error as { type?: string } | null)?.type === 'stream-not-found';
const positionOf = (p: number): Position => ({ commit: BigInt(p), prepare: BigInt(p) });

const invalidOption = (field: string, message: string): ValidationError => validationError('invalid_store_option', field, message);

/**
 * An `EventStore` on KurrentDB / EventStoreDB (22.10+) through `@kurrent/kurrentdb-client`.
 * Streams map 1:1 to KurrentDB streams, event ids are KurrentDB event ids, the envelope's
 * metadata is the event metadata, and `globalPosition` is the commit position in the log:
 * strictly increasing but not contiguous (the port allows that).
 *
 * Returns a `ValidationError` for a malformed connection string or option; it does not
 * connect yet (the client connects on first use).
 */
export const createKurrentDbEventStore = (options: KurrentDbStoreOptions): E.Either<ValidationError, KurrentDbEventStore> => {
  const mode = options.multiStream ?? 'atomic';
  if (!multiStreamModes.includes(mode))
    return E.left(invalidOption('multiStream', `multiStream must be one of ${multiStreamModes.join(', ')}`));
  const timeoutMs = options.operationTimeoutMs ?? 15_000;
  const pollMs = options.pollIntervalMs ?? 1_000;
  for (const [field, value] of [
    ['operationTimeoutMs', timeoutMs],
    ['pollIntervalMs', pollMs],
  ] as const)
    if (!Number.isSafeInteger(value) || value < 1) return E.left(invalidOption(field, `${field} must be a positive integer (ms)`));

  let client: KurrentDbClientLike;
  let target: string;
  const ownsClient = options.client === undefined;
  if (options.client !== undefined) {
    client = options.client;
    target = 'a caller-supplied KurrentDB client';
  } else {
    const url = parseKurrentDbUrl(options.connectionString);
    if (E.isLeft(url)) return url;
    try {
      client = KurrentDBClient.connectionString(url.right.connectionString);
    } catch {
      // The client's own message repeats the connection string, password included: never pass it on.
      return E.left(validationError('invalid_kurrentdb_url', 'connectionString', `the KurrentDB client refused ${url.right.redacted}`));
    }
    target = url.right.redacted;
  }
  return E.right(kurrentDbStore(client, ownsClient, target, mode, timeoutMs, pollMs, options));
};

const kurrentDbStore = (
  client: KurrentDbClientLike,
  ownsClient: boolean,
  target: string,
  mode: MultiStreamMode,
  timeoutMs: number,
  pollMs: number,
  options: CommonOptions,
): KurrentDbEventStore => {
  const ports = { ...systemRuntime(), ...options.runtime };
  const live = options.liveNotifications ?? true;
  const caps: { appendRecords?: boolean; multiStreamAppend?: boolean } = {};
  const known = createPositionIndex();
  const waiters = new Set<() => void>();
  let closed = false;
  /** Highest position this store itself wrote: lets a subscription skip a wait it would otherwise sleep through. */
  let appendedUpTo = 0;

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const withDeadline = <A>(what: string, promise: Promise<A>): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => reject(operationTimeout(what, timeoutMs)), timeoutMs);
      promise.then(
        (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });

  /** One server call: refused once closed, bounded by the deadline, errors mapped to `StoreError`. */
  const call = async <A>(what: string, f: () => Promise<A>, ctx?: ErrorContext): Promise<E.Either<StoreError, A>> => {
    if (closed) return E.left(storeClosed());
    try {
      return E.right(await withDeadline(what, f()));
    } catch (error) {
      return E.left(closed ? storeClosed() : mapClientError(error, ctx));
    }
  };

  const decodeAll = (raw: readonly KurrentRecordedEvent[]): E.Either<StoreError, RecordedEvent[]> => {
    const out: RecordedEvent[] = [];
    for (const event of raw) {
      const decoded = decodeRecorded(event);
      if (E.isLeft(decoded)) return decoded;
      known.add(decoded.right.globalPosition);
      out.push(decoded.right);
    }
    return E.right(out);
  };

  /** A stream read; a missing stream reads as no events. */
  const readStreamRaw = async (streamId: string, o: KurrentReadStreamOptions): Promise<E.Either<StoreError, RecordedEvent[]>> => {
    const raw = await call(`read stream ${JSON.stringify(streamId)}`, async () => {
      const out: KurrentRecordedEvent[] = [];
      try {
        for await (const resolved of client.readStream(streamId, o)) if (resolved.event) out.push(resolved.event);
      } catch (error) {
        if (!isStreamNotFound(error)) throw error;
      }
      return out;
    });
    return E.isLeft(raw) ? raw : decodeAll(raw.right);
  };

  /** Version of the stream's last event (-1: no stream). Appends read from the leader, so they see the latest write. */
  const headVersion = async (streamId: string, requiresLeader: boolean): Promise<E.Either<StoreError, number>> => {
    const last = await readStreamRaw(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader });
    return E.isLeft(last) ? last : E.right(last.right[0]?.streamVersion ?? -1);
  };

  // ---- reading $all ------------------------------------------------------------------

  interface Batch {
    readonly events: readonly KurrentRecordedEvent[];
    /** Records the server returned (the request's maxCount was reached when equal to it). */
    readonly count: number;
  }

  const readAllBatch = (from: ReadPosition, direction: typeof FORWARDS | typeof BACKWARDS, maxCount: number) =>
    call<Batch>('read $all', async () => {
      const events: KurrentRecordedEvent[] = [];
      let count = 0;
      for await (const resolved of client.readAll({
        fromPosition: from,
        direction,
        maxCount,
        filter: USER_STREAMS,
        resolveLinkTos: false,
      })) {
        count += 1;
        if (resolved.event) events.push(resolved.event);
      }
      return { events, count };
    });

  /**
   * User events strictly after `after` (and before `before`), reading forward from `from`, a
   * record boundary at or before the first wanted event. Pages until `maxCount` or the end.
   */
  const scanForward = async (
    from: ReadPosition,
    after: number,
    before: number | undefined,
    maxCount: number,
  ): Promise<E.Either<StoreError, RecordedEvent[]>> => {
    const out: RecordedEvent[] = [];
    let start = from;
    let floor = after;
    for (;;) {
      // +1: a start position is inclusive, so the event at the checkpoint comes back and is skipped.
      const request = maxCount - out.length + 1;
      const batch = await readAllBatch(start, FORWARDS, request);
      if (E.isLeft(batch)) return batch;
      let last: Position | undefined;
      for (const event of batch.right.events) {
        if (event.position === undefined) return E.map(() => out)(decodeRecorded(event));
        const position = Number(event.position.commit);
        known.add(position);
        last = event.position;
        // The server filter already drops system streams; this check keeps that true whatever the server does.
        if (event.streamId.startsWith('$') || position <= floor) continue;
        if (before !== undefined && position >= before) return E.right(out);
        const decoded = decodeRecorded(event);
        if (E.isLeft(decoded)) return decoded;
        out.push(decoded.right);
        if (out.length >= maxCount) return E.right(out);
      }
      if (batch.right.count < request || last === undefined) return E.right(out);
      start = last;
      floor = Math.max(floor, Number(last.commit));
    }
  };

  /** User events strictly before `before` (when given) and after `after`, newest first, reading backward from `from`. */
  const scanBackward = async (
    from: ReadPosition,
    before: number | undefined,
    after: number,
    maxCount: number,
  ): Promise<E.Either<StoreError, RecordedEvent[]>> => {
    const out: RecordedEvent[] = [];
    let start = from;
    for (;;) {
      const request = maxCount - out.length + 1;
      const batch = await readAllBatch(start, BACKWARDS, request);
      if (E.isLeft(batch)) return batch;
      let last: Position | undefined;
      for (const event of batch.right.events) {
        if (event.position === undefined) return E.map(() => out)(decodeRecorded(event));
        const position = Number(event.position.commit);
        known.add(position);
        last = event.position;
        if (event.streamId.startsWith('$') || (before !== undefined && position >= before)) continue;
        if (position <= after) return E.right(out);
        const decoded = decodeRecorded(event);
        if (E.isLeft(decoded)) return decoded;
        out.push(decoded.right);
        if (out.length >= maxCount) return E.right(out);
      }
      if (batch.right.count < request || last === undefined) return E.right(out);
      start = last;
      before = Math.min(before ?? Number.POSITIVE_INFINITY, Number(last.commit));
    }
  };

  /** Position of the newest user event, 0 for none. */
  const headPosition = async (): Promise<E.Either<StoreError, number>> =>
    E.map((events: RecordedEvent[]) => events[0]?.globalPosition ?? 0)(await scanBackward(END, undefined, 0, 1));

  const readAll =
    (options?: ReadAllOptions): TE.TaskEither<StoreError, readonly RecordedEvent[]> =>
    async () => {
      if (closed) return E.left(storeClosed());
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const { after = 0, before, direction = 'forward', maxCount = 1000 } = valid.right;
      if (maxCount === 0 || (before !== undefined && before <= after + 1)) return E.right([]);
      if (direction === 'backward') {
        if (before === undefined || known.has(before))
          return scanBackward(before === undefined ? END : positionOf(before), before, after, maxCount);
        // An unknown `before` may not be a record boundary: start at the next known one (or the end) and skip.
        const next = known.ceil(before);
        return scanBackward(next === undefined ? END : positionOf(next), before, after, maxCount);
      }
      if (after === 0) return scanForward(START, 0, before, maxCount);
      if (known.has(after)) return scanForward(positionOf(after), after, before, maxCount);
      // A checkpoint from another process is normally an event position: try it as one.
      const direct = await scanForward(positionOf(after), after, before, maxCount);
      if (E.isRight(direct)) {
        if (direct.right.length > 0) return direct;
        // Empty: either nothing follows, or `after` was inside a record near the end of the log.
        const head = await headPosition();
        if (E.isLeft(head) || head.right <= after) return E.isLeft(head) ? head : direct;
      } else if (direct.left._tag === 'StoreClosed' || (direct.left._tag === 'StoreUnavailable' && direct.left.retryable)) return direct;
      // Not a record boundary: start at the nearest known boundary before it (or the start) and skip.
      const previous = known.floor(after);
      return scanForward(previous === undefined ? START : positionOf(previous), after, before, maxCount);
    };

  // ---- reading a stream -----------------------------------------------------------------

  const readStream =
    (streamId: string, options?: ReadStreamOptions): TE.TaskEither<StoreError, ReadStreamResult> =>
    async () => {
      if (closed) return E.left(storeClosed());
      const valid = validateReadStream(streamId, options);
      if (E.isLeft(valid)) return valid;
      const id = valid.right.streamId;
      const { direction = 'forward', fromVersion, maxCount } = valid.right.options;
      if (maxCount === 0) return E.map((v: number) => ({ currentVersion: v, events: [] }))(await headVersion(id, false));
      const count = maxCount ?? Number.MAX_SAFE_INTEGER;
      if (direction === 'forward') {
        const events = await readStreamRaw(id, { direction: FORWARDS, fromRevision: BigInt(fromVersion ?? 0), maxCount: count });
        if (E.isLeft(events)) return events;
        const last = events.right[events.right.length - 1];
        // Reading to the end already tells the current version; otherwise ask for it.
        if (last !== undefined && events.right.length < count) return E.right({ currentVersion: last.streamVersion, events: events.right });
        return E.map((v: number) => ({ currentVersion: v, events: events.right }))(await headVersion(id, false));
      }
      if (fromVersion === undefined) {
        const events = await readStreamRaw(id, { direction: BACKWARDS, fromRevision: END, maxCount: count });
        return E.map((list: RecordedEvent[]) => ({ currentVersion: list[0]?.streamVersion ?? -1, events: list }))(events);
      }
      const head = await headVersion(id, false);
      if (E.isLeft(head)) return head;
      if (head.right < 0) return E.right({ currentVersion: -1, events: [] });
      const events = await readStreamRaw(id, {
        direction: BACKWARDS,
        fromRevision: BigInt(Math.min(fromVersion, head.right)),
        maxCount: count,
      });
      return E.map((list: RecordedEvent[]) => ({ currentVersion: head.right, events: list }))(events);
    };

  // ---- appending ------------------------------------------------------------------------

  interface Loaded {
    readonly version: number;
    readonly events: readonly RecordedEvent[];
  }

  /**
   * What the kernel's planner needs: the version of every stream of the call, and for streams
   * written to, the whole stream (a retried append's ids may sit anywhere in it). Read from the leader.
   */
  const loadSnapshots = async (requests: readonly PreparedRequest[]): Promise<E.Either<StoreError, Map<string, Loaded>>> => {
    const loaded = await Promise.all(
      requests.map(async (r): Promise<E.Either<StoreError, readonly [string, Loaded]>> => {
        if (r.events.length === 0)
          return E.map((version: number) => [r.streamId, { version, events: [] }] as const)(await headVersion(r.streamId, true));
        const events = await readStreamRaw(r.streamId, { direction: FORWARDS, fromRevision: START, requiresLeader: true });
        return E.map(
          (list: RecordedEvent[]) => [r.streamId, { version: list[list.length - 1]?.streamVersion ?? -1, events: list }] as const,
        )(events);
      }),
    );
    const out = new Map<string, Loaded>();
    for (const entry of loaded) {
      if (E.isLeft(entry)) return entry;
      out.set(entry.right[0], entry.right[1]);
    }
    return E.right(out);
  };

  const snapshotOf = (request: PreparedRequest, loaded: Loaded): StreamSnapshot => {
    const ids = new Set(request.events.map((e) => e.eventId));
    const existing = new Map<string, { streamVersion: number; type: string }>();
    for (const e of loaded.events) if (ids.has(e.eventId)) existing.set(e.eventId, { streamVersion: e.streamVersion, type: e.type });
    return { version: loaded.version, existing, lastHash: loaded.events[loaded.events.length - 1]?.hash ?? null };
  };

  const revisionsOf = (result: MultiAppendResult): Map<string, number> => {
    const out = new Map<string, number>();
    for (const r of result.responses) out.set(r.streamName, Math.max(out.get(r.streamName) ?? -1, Number(r.revision)));
    return out;
  };

  /** Several streams in one server transaction. Resolves to each written stream's last revision. */
  const appendNative = async (
    all: readonly PreparedRequest[],
    writes: readonly PreparedRequest[],
    guards: readonly PreparedRequest[],
    ctx: ErrorContext,
    encode: (request: PreparedRequest) => EventData[],
  ): Promise<E.Either<StoreError, Map<string, number>>> => {
    if (caps.appendRecords !== false) {
      const records: AppendRecordInput[] = writes.flatMap((r) => encode(r).map((record) => ({ streamName: r.streamId, record })));
      const checks: ConsistencyCheck[] = all
        .filter((r) => r.expected !== 'any')
        .map((r) => ({ type: STREAM_STATE, streamName: r.streamId, expectedState: toStreamState(r.expected) }));
      const result = await call('append records', () => client.appendRecords(records, checks), ctx);
      if (E.isRight(result)) {
        caps.appendRecords = true;
        return E.right(revisionsOf(result.right));
      }
      if (result.left.code !== 'multi_stream_unsupported') return result;
      caps.appendRecords = false;
    }
    if (guards.length > 0 && mode === 'atomic')
      return E.left(
        multiStreamUnsupported(
          'event-less guard requests need appendRecords (KurrentDB 26.1 or later) to be checked in the same transaction',
          {
            streams: all.map((r) => r.streamId),
          },
        ),
      );
    if (caps.multiStreamAppend !== false) {
      const requests: AppendStreamRequest[] = writes.map((r) => ({
        streamName: r.streamId,
        events: encode(r),
        expectedState: toStreamState(r.expected),
      }));
      const result = await call('multi-stream append', () => client.multiStreamAppend(requests), ctx);
      if (E.isRight(result)) {
        caps.multiStreamAppend = true;
        return E.right(revisionsOf(result.right));
      }
      if (result.left.code !== 'multi_stream_unsupported') return result;
      caps.multiStreamAppend = false;
    }
    return E.left(
      multiStreamUnsupported('the server offers no atomic multi-stream append (KurrentDB 25.1 or later is needed)', {
        streams: all.map((r) => r.streamId),
      }),
    );
  };

  /** The events just written, read back from the leader: the envelope every later read returns. */
  const readBack = async (request: PreparedRequest, lastRevision: number): Promise<E.Either<StoreError, RecordedEvent[]>> => {
    const first = lastRevision - request.events.length + 1;
    const events = await readStreamRaw(request.streamId, {
      direction: FORWARDS,
      fromRevision: BigInt(Math.max(0, first)),
      maxCount: request.events.length,
      requiresLeader: true,
    });
    if (E.isLeft(events)) return events;
    const ids = events.right.map((e) => e.eventId);
    if (first < 0 || ids.length !== request.events.length || request.events.some((e, i) => e.eventId !== ids[i]))
      return E.left(
        storeUnavailable(
          `the append to stream ${JSON.stringify(request.streamId)} succeeded but its events could not be read back in place`,
          true,
        ),
      );
    return events;
  };

  const appendMulti =
    (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> =>
    async () => {
      if (closed) return E.left(storeClosed());
      const prepared = prepareAppend(requests, ports);
      if (E.isLeft(prepared)) return prepared;
      const all = prepared.right;
      const writes = all.filter((r) => r.events.length > 0);
      const guards = all.filter((r) => r.events.length === 0);
      const streams = all.map((r) => r.streamId);
      const severalStreams = writes.length > 1 || (writes.length === 1 && guards.length > 0);
      const single = !severalStreams || (writes.length === 1 && mode === 'atomic-writes');
      if (!single) {
        if (mode === 'refuse')
          return E.left(multiStreamUnsupported('multi-stream appends are switched off (multiStream: "refuse")', { streams }));
        const noRecords = caps.appendRecords === false;
        if (noRecords && guards.length > 0 && mode === 'atomic')
          return E.left(multiStreamUnsupported('event-less guard requests need appendRecords (KurrentDB 26.1 or later)', { streams }));
        if (noRecords && caps.multiStreamAppend === false)
          return E.left(
            multiStreamUnsupported('the server offers no atomic multi-stream append (KurrentDB 25.1 or later is needed)', { streams }),
          );
      }

      // A write is sent with the exact version its hashes were chained onto. When the caller's own
      // expectation was looser (`any`, `exists`), the server refusing it means another writer got in
      // first, which is not the caller's conflict: load, chain and try again.
      const loose = writes.some((r) => r.expected === 'any' || r.expected === 'exists');
      for (let attempt = 1; ; attempt++) {
        const outcome = await appendOnce(all, writes, guards, single, loose);
        if (outcome !== RACED) return outcome;
        if (attempt >= MAX_CHAIN_ATTEMPTS)
          return E.left(
            storeUnavailable(`too many concurrent appends to ${streams.map((id) => JSON.stringify(id)).join(', ')}; try again`, true),
          );
        await ports.timers.sleep(Math.floor(ports.random.bytes(1)[0] ?? 0) % (5 * attempt));
      }
    };

  /** A write refused because a stream moved since it was loaded: retried when the caller's expectation allows it. */
  const RACED = Symbol('raced');

  /** One attempt: load, plan (with the hash chain links), write with the exact loaded versions, read back. */
  const appendOnce = async (
    all: readonly PreparedRequest[],
    writes: readonly PreparedRequest[],
    guards: readonly PreparedRequest[],
    single: boolean,
    loose: boolean,
  ): Promise<E.Either<StoreError, AppendResult> | typeof RACED> => {
    const raced = (error: StoreError) => loose && error.code === 'wrong_expected_version';
    const loaded = await loadSnapshots(all);
    if (E.isLeft(loaded)) return loaded;
    const snapshots = new Map<string, StreamSnapshot>();
    for (const r of all) snapshots.set(r.streamId, snapshotOf(r, loaded.right.get(r.streamId) ?? { version: -1, events: [] }));
    const plans = planAppend(all, snapshots, { digest: nodeSha256Hex });
    if (E.isLeft(plans)) return plans;

    if (plans.right.every((p) => p.kind !== 'write')) {
      // Nothing new: every request is a guard that holds, or the whole call was already recorded.
      const results = plans.right.map((plan): StreamAppendResult => {
        const stream = loaded.right.get(plan.streamId) ?? { version: -1, events: [] };
        const events =
          plan.kind === 'replay'
            ? stream.events.filter((e) => e.streamVersion >= plan.firstVersion && e.streamVersion < plan.firstVersion + plan.count)
            : [];
        return { streamId: plan.streamId, nextExpectedVersion: stream.version, events };
      });
      const positions = results.flatMap((r) => r.events.map((e) => e.globalPosition));
      return E.right({
        streams: results,
        lastGlobalPosition: Math.max(0, ...positions),
        idempotentReplay: plans.right.some((p) => p.kind === 'replay'),
      });
    }

    const ctx: ErrorContext = { expectedFor: (id) => all.find((r) => r.streamId === id)?.expected };
    // The chain links of each written stream, and the exact version they were chained onto.
    const links = new Map<string, readonly ChainLink[]>();
    for (const plan of plans.right) if (plan.kind === 'write') links.set(plan.streamId, plan.links);
    const exact = (r: PreparedRequest): PreparedRequest => {
      const version = loaded.right.get(r.streamId)?.version ?? -1;
      return { ...r, expected: version < 0 ? 'no_stream' : version };
    };
    const encode = (r: PreparedRequest): EventData[] => r.events.map((e, i) => encodeEvent(e, links.get(r.streamId)?.[i]));
    let revisions: Map<string, number>;
    if (single) {
      const r = exact(writes[0] as PreparedRequest);
      const written = await call(
        `append to ${JSON.stringify(r.streamId)}`,
        () => client.appendToStream(r.streamId, encode(r), appendOptions(r.expected, { deadline: timeoutMs })),
        ctx,
      );
      if (E.isLeft(written)) return raced(written.left) ? RACED : written;
      // Only reached when the client was configured with throwOnAppendFailure=false.
      if (!written.right.success)
        return loose
          ? RACED
          : E.left(
              wrongExpectedVersion(
                r.streamId,
                r.expected,
                fromCurrentState(written.right.nextExpectedRevision < 0n ? 'no_stream' : written.right.nextExpectedRevision),
              ),
            );
      revisions = new Map([[r.streamId, Number(written.right.nextExpectedRevision)]]);
    } else {
      const exactWrites = writes.map(exact);
      const written = await appendNative(
        all.map((r) => (r.events.length > 0 ? exact(r) : r)),
        exactWrites,
        guards,
        ctx,
        encode,
      );
      if (E.isLeft(written)) return raced(written.left) ? RACED : written;
      revisions = written.right;
    }

    const results: StreamAppendResult[] = [];
    for (const r of all) {
      const plan = plans.right.find((p) => p.streamId === r.streamId);
      if (plan?.kind !== 'write') {
        results.push({ streamId: r.streamId, nextExpectedVersion: plan?.kind === 'check' ? plan.version : -1, events: [] });
        continue;
      }
      const last = revisions.get(r.streamId);
      if (last === undefined)
        return E.left(storeUnavailable(`the server did not report the new revision of stream ${JSON.stringify(r.streamId)}`, true));
      const events = await readBack(r, last);
      if (E.isLeft(events)) return events;
      results.push({ streamId: r.streamId, nextExpectedVersion: last, events: events.right });
    }
    const lastGlobalPosition = Math.max(0, ...results.flatMap((s) => s.events.map((e) => e.globalPosition)));
    appendedUpTo = Math.max(appendedUpTo, lastGlobalPosition);
    wake();
    return E.right({ streams: results, lastGlobalPosition, idempotentReplay: false });
  };

  // ---- subscriptions ------------------------------------------------------------------------

  let activeSubscriptions = 0;
  let doorbell: { readonly stop: () => void } | undefined;
  let doorbellRetryAt = 0;
  const now = () => ports.clock.now().getTime();

  const stopDoorbell = () => {
    const current = doorbell;
    doorbell = undefined;
    current?.stop();
  };

  /**
   * A live `subscribeToAll` from the end, used only to wake waiting subscriptions early.
   * Delivery itself always goes through `readAll`, so a lost or failed doorbell costs latency
   * (the poll interval), never an event.
   */
  const startDoorbell = () => {
    if (!live || doorbell !== undefined || closed || activeSubscriptions === 0 || now() < doorbellRetryAt) return;
    let subscription: LiveSubscriptionLike;
    try {
      subscription = client.subscribeToAll({ fromPosition: END, filter: USER_STREAMS });
    } catch {
      doorbellRetryAt = now() + 5_000;
      return;
    }
    let stopped = false;
    const entry = {
      stop: () => {
        if (stopped) return;
        stopped = true;
        subscription.unsubscribe().catch(() => undefined);
      },
    };
    const drop = () => {
      if (doorbell === entry) {
        doorbell = undefined;
        doorbellRetryAt = now() + 5_000;
      }
      entry.stop();
    };
    subscription.on('data', wake);
    subscription.on('error', drop);
    subscription.on('close', drop);
    doorbell = entry;
  };

  const lastWait = new WeakMap<StopSignal, number>();
  const waitForAppend = (position: number, stop: StopSignal): Promise<void> => {
    if (closed || stop.stopped) return Promise.resolve();
    // This store wrote past `position` since: read again at once (but only once per position, never a busy loop).
    if (appendedUpTo > position && lastWait.get(stop) !== position) {
      lastWait.set(stop, position);
      return Promise.resolve();
    }
    lastWait.set(stop, position);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        unregister();
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      const unregister = stop.onStop(done);
      waiters.add(done);
      startDoorbell();
    });
  };

  const subscribe = (subscribeOptions: SubscribeOptions): Subscription => {
    activeSubscriptions += 1;
    const onEnd = () => {
      activeSubscriptions -= 1;
      if (activeSubscriptions === 0) stopDoorbell();
    };
    return catchUpSubscription({ readAll: (o) => readAll(o), waitForAppend, onEnd }, subscribeOptions);
  };

  return {
    target,
    multiStream: mode,
    capabilities: () => ({ ...caps }),
    append: (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]) => appendMulti([{ streamId, expected, events }]),
    appendMulti,
    readStream,
    readAll,
    subscribe,
    close: async () => {
      if (closed) return;
      closed = true;
      wake();
      stopDoorbell();
      if (ownsClient) await withDeadline('close', client.dispose()).catch(() => undefined);
    },
  };
};
