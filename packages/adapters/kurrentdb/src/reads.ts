import {
  BACKWARDS,
  END,
  FORWARDS,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type RecordedEvent as KurrentRecordedEvent,
  type Position,
  type ReadPosition,
  START,
} from '@kurrent/kurrentdb-client';
import {
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type StoreError,
  storeClosed,
  validateReadAll,
  validateReadStream,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type KurrentDbClientLike, USER_STREAMS } from './client.js';
import { decodeRecorded } from './mapping.js';
import type { PositionIndex } from './positions.js';
import type { ServerCalls } from './serverCalls.js';

const isStreamNotFound = (error: unknown) => (error as { type?: string } | null)?.type === 'stream-not-found';
const positionOf = (p: number): Position => ({ commit: BigInt(p), prepare: BigInt(p) });

/** The store's reads, and the stream reads its appends build on. */
export interface Reads {
  /** A stream read; a missing stream reads as no events. */
  readonly readStreamRaw: (streamId: string, o: KurrentReadStreamOptions) => Promise<E.Either<StoreError, RecordedEvent[]>>;
  /** Version of the stream's last event (-1: no stream). */
  readonly headVersion: (streamId: string, requiresLeader: boolean) => Promise<E.Either<StoreError, number>>;
  readonly readAll: (options?: ReadAllOptions) => TE.TaskEither<StoreError, readonly RecordedEvent[]>;
  readonly readStream: (streamId: string, options?: ReadStreamOptions) => TE.TaskEither<StoreError, ReadStreamResult>;
}

export interface ReadsOptions {
  readonly client: KurrentDbClientLike;
  readonly call: ServerCalls['call'];
  /** Record boundaries seen so far (positions.ts): where a read of `$all` may start. */
  readonly known: PositionIndex;
  readonly isClosed: () => boolean;
}

export const createReads = ({ client, call, known, isClosed }: ReadsOptions): Reads => {
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
      if (isClosed()) return E.left(storeClosed());
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
      if (isClosed()) return E.left(storeClosed());
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

  return { readStreamRaw, headVersion, readAll, readStream };
};
