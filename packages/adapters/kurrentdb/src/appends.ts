import { type EventData, FORWARDS, START } from '@kurrent/kurrentdb-client';
import {
  type AppendRequest,
  type AppendResult,
  type ChainLink,
  type PreparedRequest,
  planAppend,
  prepareAppend,
  type RecordedEvent,
  type Runtime,
  type StoreError,
  type StreamAppendResult,
  type StreamSnapshot,
  storeClosed,
  storeUnavailable,
  wrongExpectedVersion,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { KurrentDbClientLike } from './client.js';
import type { MultiStreamMode } from './config.js';
import { type ErrorContext, multiStreamUnsupported } from './errors.js';
import { appendOptions, encodeEvent, fromCurrentState } from './mapping.js';
import type { Capabilities, MultiStreamAppend } from './multiStreamAppend.js';
import type { Reads } from './reads.js';
import type { ServerCalls } from './serverCalls.js';

/** Attempts of an `any` / `exists` append that keeps losing the race for the stream's head. */
const MAX_CHAIN_ATTEMPTS = 8;

export interface AppendsOptions {
  readonly client: KurrentDbClientLike;
  readonly call: ServerCalls['call'];
  readonly readStreamRaw: Reads['readStreamRaw'];
  readonly headVersion: Reads['headVersion'];
  /** Several streams in one server transaction (multiStreamAppend.ts). */
  readonly appendNative: MultiStreamAppend;
  readonly caps: Capabilities;
  readonly mode: MultiStreamMode;
  readonly timeoutMs: number;
  /** Clock and ids for events that carry none; timers and randomness for the retry back-off. */
  readonly runtime: Runtime;
  /** After a write: the highest position it reached (wakes this store's subscriptions). */
  readonly onAppended: (lastGlobalPosition: number) => void;
  readonly isClosed: () => boolean;
}

/**
 * `appendMulti`: the kernel plans every call from the streams read from the leader; a single written
 * stream goes through `appendToStream`, several (or guards) through the server's atomic multi-stream
 * append as the mode and the server allow (see `MultiStreamMode` in config.ts).
 */
export const createAppendMulti = ({
  client,
  call,
  readStreamRaw,
  headVersion,
  appendNative,
  caps,
  mode,
  timeoutMs,
  runtime,
  onAppended,
  isClosed,
}: AppendsOptions): ((requests: readonly AppendRequest[]) => TE.TaskEither<StoreError, AppendResult>) => {
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
      if (isClosed()) return E.left(storeClosed());
      const prepared = prepareAppend(requests, runtime);
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
        await runtime.timers.sleep(Math.floor(runtime.random.bytes(1)[0] ?? 0) % (5 * attempt));
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
    // SHA-256 of the hash chains, native: identical to the core's pure one (tested there), faster.
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
    onAppended(lastGlobalPosition);
    return E.right({ streams: results, lastGlobalPosition, idempotentReplay: false });
  };

  return appendMulti;
};
