/**
 * An in-process stand-in for a KurrentDB server behind `KurrentDbClientLike`, for the tests
 * that cannot reach a real server here. It is NOT KurrentDB: it imitates the behaviours the
 * adapter depends on, as read from the client 1.3.1 and the server sources, so the adapter's
 * own logic (planning, routing, paging, position fallback, subscriptions) can be exercised:
 * - positions are byte offsets of records: strictly increasing, not contiguous, and system
 *   records (`$stats-...`) are interleaved with user records;
 * - `$all` reads must start at a record boundary: another position is an error, or an empty
 *   answer when it lies inside the last record (as a read past the written data would be);
 * - errors are instances of the client's own classes (WrongExpectedVersionError, ...);
 * - `multiStreamAppend` (25.1) needs at least one event per stream and string metadata values;
 *   `appendRecords` (26.1) takes records plus consistency checks; both can be switched off;
 * - records written by the v2 APIs read back with `$schema.*` metadata keys added by the server.
 * Only the contract suite against a real server (KURRENTDB_URL) proves real compatibility.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type AllStreamResolvedEvent,
  ANY,
  AppendConsistencyViolationError,
  type AppendRecordInput,
  type AppendRecordsResult,
  type AppendStreamRequest,
  type AppendStreamState,
  type AppendToStreamOptions,
  type ConsistencyCheck,
  END,
  type EventData,
  FORWARDS,
  type AppendResult as KurrentAppendResult,
  type ReadAllOptions as KurrentReadAllOptions,
  type ReadStreamOptions as KurrentReadStreamOptions,
  MaxAppendSizeExceededError,
  type MultiAppendResult,
  NO_STREAM,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  type SubscribeToAllOptions,
  UnavailableError,
  UnknownError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { KurrentDbClientLike, LiveSubscriptionLike } from '../client.js';

interface SimRecord {
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | undefined;
  readonly created: Date;
}

export interface SimulatedServerOptions {
  /** Offer `appendRecords` (KurrentDB 26.1). Default true. */
  readonly appendRecords?: boolean;
  /** Offer `multiStreamAppend` (KurrentDB 25.1). Default true. */
  readonly multiStreamAppend?: boolean;
  /** Largest append in bytes of JSON (KurrentDB's MaxAppendSize). Default 4 MiB. */
  readonly maxAppendSize?: number;
  /** Write a system event after every n-th append (0: never). Default 3. */
  readonly systemEventEvery?: number;
}

export interface SimulatedServer extends KurrentDbClientLike {
  /** Every call fails with UnavailableError while true. */
  simulateOutage(down: boolean): void;
  /** Options passed to each appendToStream call, in order. */
  readonly appendOptionsSeen: AppendToStreamOptions[];
  readonly calls: { appendToStream: number; multiStreamAppend: number; appendRecords: number; readAll: number; subscribeToAll: number };
  /** Positions of every record (system ones included). */
  positions(): number[];
  /** Open `subscribeToAll` subscriptions. */
  liveSubscribers(): number;
  /** Resolves as soon as exactly `n` `subscribeToAll` subscriptions are open (at once if they already are): await it, never poll. */
  untilLiveSubscribers(n: number): Promise<void>;
  readonly disposed: boolean;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const wireExpected = (s: AppendStreamState): string =>
  s === NO_STREAM ? '-1' : s === ANY ? '-2' : s === STREAM_EXISTS ? '-4' : (s as bigint).toString(10);

export const createSimulatedServer = (options: SimulatedServerOptions = {}): SimulatedServer => {
  const log: SimRecord[] = [];
  const streams = new Map<string, SimRecord[]>();
  const live = new Set<EventEmitter>();
  const maxAppendSize = options.maxAppendSize ?? 4 * 1024 * 1024;
  const systemEvery = options.systemEventEvery ?? 3;
  const appendOptionsSeen: AppendToStreamOptions[] = [];
  const calls = { appendToStream: 0, multiStreamAppend: 0, appendRecords: 0, readAll: 0, subscribeToAll: 0 };
  const liveWaiters = new Set<{ readonly n: number; readonly resolve: () => void }>();
  /** Called after every change of `live`. */
  const liveChanged = () => {
    for (const w of [...liveWaiters])
      if (live.size === w.n) {
        liveWaiters.delete(w);
        w.resolve();
      }
  };
  let next = 4096; // the log starts with the server's own records
  let appends = 0;
  let down = false;
  let disposed = false;

  const guard = () => {
    if (down || disposed) throw new UnavailableError(undefined, '14 UNAVAILABLE: simulated outage');
  };
  const current = (streamId: string) => (streams.get(streamId)?.length ?? 0) - 1;
  const holds = (state: AppendStreamState, version: number) =>
    state === ANY ||
    (state === NO_STREAM && version === -1) ||
    (state === STREAM_EXISTS && version >= 0) ||
    (typeof state === 'bigint' && Number(state) === version);

  const resolved = (r: SimRecord): ResolvedEvent & AllStreamResolvedEvent => ({
    event: {
      streamId: r.streamId,
      id: r.id,
      revision: BigInt(r.revision),
      type: r.type,
      data: JSON.parse(r.data),
      metadata: r.metadata === undefined ? undefined : JSON.parse(r.metadata),
      isJson: true,
      created: r.created,
      position: { commit: BigInt(r.position), prepare: BigInt(r.position) },
    },
    commitPosition: BigInt(r.position),
  });

  const write = (streamId: string, e: EventData, extraMetadata: Record<string, string> = {}): SimRecord => {
    const data = JSON.stringify(e.data);
    const meta =
      e.metadata === undefined && Object.keys(extraMetadata).length === 0
        ? undefined
        : JSON.stringify({ ...(e.metadata as object), ...extraMetadata });
    const stream = streams.get(streamId) ?? [];
    const record: SimRecord = {
      position: next,
      streamId,
      revision: stream.length,
      id: e.id,
      type: e.type,
      data,
      metadata: meta,
      created: new Date(),
    };
    next += 80 + Buffer.byteLength(data) + Buffer.byteLength(meta ?? '') + Buffer.byteLength(streamId);
    log.push(record);
    stream.push(record);
    streams.set(streamId, stream);
    for (const s of live) if (!streamId.startsWith('$')) s.emit('data', resolved(record));
    return record;
  };
  const afterAppend = () => {
    appends += 1;
    if (systemEvery > 0 && appends % systemEvery === 0)
      write('$stats-127.0.0.1:2113', {
        id: randomUUID(),
        contentType: 'application/json',
        type: '$statsCollected',
        data: { n: appends },
        metadata: undefined,
      });
  };
  const checkSize = (events: readonly EventData[]) => {
    const size = events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.data)), 0);
    if (size > maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(maxAppendSize);
  };
  const stringMetadata = (e: EventData) => {
    const m = e.metadata as Record<string, unknown> | undefined;
    if (m != null && Object.values(m).some((v) => typeof v !== 'string'))
      throw new Error('multiStreamAppend requires metadata to be a plain object with string keys and string values.');
  };
  const schemaKeys = (e: EventData) => ({ '$schema.data-format': 'Json', '$schema.name': e.type });

  return {
    appendOptionsSeen,
    calls,
    get disposed() {
      return disposed;
    },
    simulateOutage: (value) => {
      down = value;
    },
    positions: () => log.map((r) => r.position),
    liveSubscribers: () => live.size,
    untilLiveSubscribers: (n) =>
      new Promise<void>((resolve) => {
        liveWaiters.add({ n, resolve });
        liveChanged();
      }),

    appendToStream: async (streamName, events, appendOptions = {}) => {
      calls.appendToStream += 1;
      appendOptionsSeen.push(appendOptions);
      await tick();
      guard();
      // The real client ignores unknown keys silently; the simulation refuses the classic mistake loudly.
      if ('expectedRevision' in appendOptions)
        throw new Error('simulated KurrentDB: "expectedRevision" is not an option of the 1.x client; use streamState');
      checkSize(events);
      const state = appendOptions.streamState ?? ANY;
      const version = current(streamName);
      const stream = streams.get(streamName) ?? [];
      // The server's own idempotency for exact expectations: the same ids already right after the expected version.
      const first = state === NO_STREAM ? 0 : typeof state === 'bigint' ? Number(state) + 1 : undefined;
      if (first !== undefined && events.length > 0 && events.every((e, i) => stream[first + i]?.id === e.id)) {
        const last = stream[first + events.length - 1] as SimRecord;
        return {
          success: true,
          nextExpectedRevision: BigInt(last.revision),
          position: { commit: BigInt(last.position), prepare: BigInt(last.position) },
        };
      }
      if (!holds(state, version))
        throw new WrongExpectedVersionError(undefined, { streamName, expected: state, current: version < 0 ? NO_STREAM : BigInt(version) });
      let last: SimRecord | undefined;
      for (const e of events) last = write(streamName, e);
      afterAppend();
      const revision = current(streamName);
      return {
        success: true,
        nextExpectedRevision: BigInt(revision),
        ...(last ? { position: { commit: BigInt(last.position), prepare: BigInt(last.position) } } : {}),
      } satisfies KurrentAppendResult;
    },

    readStream: (streamName: string, o: KurrentReadStreamOptions = {}) =>
      (async function* () {
        await tick();
        guard();
        const stream = streams.get(streamName);
        if (!stream || stream.length === 0) throw new StreamNotFoundError(undefined, streamName);
        const direction = o.direction ?? FORWARDS;
        const max = Number(o.maxCount ?? Number.MAX_SAFE_INTEGER);
        const from = o.fromRevision ?? (direction === FORWARDS ? START : END);
        let count = 0;
        if (direction === FORWARDS) {
          const start = from === START ? 0 : from === END ? stream.length : Number(from);
          for (let i = start; i < stream.length && count < max; i++, count++) yield resolved(stream[i] as SimRecord);
        } else {
          const start = from === END ? stream.length - 1 : from === START ? 0 : Math.min(Number(from), stream.length - 1);
          for (let i = start; i >= 0 && count < max; i--, count++) yield resolved(stream[i] as SimRecord);
        }
      })(),

    readAll: (o: KurrentReadAllOptions = {}) =>
      (async function* () {
        calls.readAll += 1;
        await tick();
        guard();
        const direction = o.direction ?? FORWARDS;
        const max = Number(o.maxCount ?? Number.MAX_SAFE_INTEGER);
        const from = o.fromPosition ?? (direction === FORWARDS ? START : END);
        const filter = o.filter && 'regex' in o.filter ? { on: o.filter.filterOn, re: new RegExp(o.filter.regex) } : undefined;
        const matches = (r: SimRecord) => !filter || filter.re.test(filter.on === 'streamName' ? r.streamId : r.type);
        // A read at a non-boundary near the end runs past the written data: the answer looks like the end of the log.
        const nearEnd = log[log.length - 2]?.position ?? 0;
        let index: number;
        if (from === START) index = direction === FORWARDS ? 0 : -1;
        else if (from === END) index = direction === FORWARDS ? log.length : log.length - 1;
        else {
          const at = Number(from.commit);
          const found = log.findIndex((r) => r.position === at);
          if (found >= 0) index = direction === FORWARDS ? found : found - 1;
          else if (direction === FORWARDS && at > nearEnd) index = log.length;
          else throw new UnknownError(undefined, `simulated KurrentDB: invalid log position ${at}`);
        }
        let count = 0;
        const step = direction === FORWARDS ? 1 : -1;
        for (let i = index; i >= 0 && i < log.length && count < max; i += step) {
          const r = log[i] as SimRecord;
          if (!matches(r)) continue;
          count += 1;
          yield resolved(r);
        }
      })(),

    multiStreamAppend: async (requests: AppendStreamRequest[]): Promise<MultiAppendResult> => {
      calls.multiStreamAppend += 1;
      if (options.multiStreamAppend === false) throw new UnsupportedError('multiStreamAppend', '25.1');
      await tick();
      guard();
      for (const r of requests) for (const e of r.events) stringMetadata(e);
      if (requests.some((r) => r.events.length === 0))
        throw new UnknownError(undefined, 'Stream append request must contain at least one record');
      checkSize(requests.flatMap((r) => r.events));
      for (const r of requests) {
        const version = current(r.streamName);
        if (!holds(r.expectedState, version))
          throw new WrongExpectedVersionError(undefined, {
            streamName: r.streamName,
            expected: r.expectedState,
            current: version < 0 ? NO_STREAM : BigInt(version),
          });
      }
      let last = 0;
      for (const r of requests) for (const e of r.events) last = write(r.streamName, e, schemaKeys(e)).position;
      afterAppend();
      return {
        position: BigInt(last),
        responses: requests.map((r) => ({ streamName: r.streamName, revision: BigInt(current(r.streamName)) })),
      };
    },

    appendRecords: async (records: AppendRecordInput[], checks: ConsistencyCheck[] = []): Promise<AppendRecordsResult> => {
      calls.appendRecords += 1;
      if (options.appendRecords === false) throw new UnsupportedError('appendRecords', '26.1');
      await tick();
      guard();
      for (const r of records) stringMetadata(r.record);
      if (records.length === 0) throw new UnknownError(undefined, 'Append records request must contain at least one record.');
      checkSize(records.map((r) => r.record));
      const violations = checks.flatMap((c, checkIndex) => {
        const version = current(c.streamName);
        return holds(c.expectedState, version)
          ? []
          : [
              {
                checkIndex,
                streamState: { stream: c.streamName, expectedState: wireExpected(c.expectedState), actualState: String(version) },
              },
            ];
      });
      if (violations.length > 0) throw new AppendConsistencyViolationError({} as never, { violationsList: violations } as never);
      let last = 0;
      for (const r of records) last = write(r.streamName, r.record, schemaKeys(r.record)).position;
      afterAppend();
      const names = [...new Set(records.map((r) => r.streamName))];
      return { position: BigInt(last), responses: names.map((streamName) => ({ streamName, revision: BigInt(current(streamName)) })) };
    },

    subscribeToAll: (_o?: SubscribeToAllOptions): LiveSubscriptionLike => {
      calls.subscribeToAll += 1;
      const emitter = new EventEmitter();
      if (down || disposed) setImmediate(() => emitter.emit('error', new UnavailableError(undefined, 'simulated outage')));
      else {
        live.add(emitter);
        liveChanged();
      }
      return Object.assign(emitter, {
        unsubscribe: async () => {
          live.delete(emitter);
          liveChanged();
          emitter.emit('close');
        },
      });
    },

    dispose: async () => {
      disposed = true;
      for (const s of live) s.emit('close');
      live.clear();
      liveChanged();
    },
  };
};
