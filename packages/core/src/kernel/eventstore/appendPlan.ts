import * as E from 'fp-ts/lib/Either.js';
import { type Sha256Hex, sha256Hex } from '../sha256.js';
import type { ExpectedVersion } from './envelope.js';
import { type IdempotencyConflict, idempotencyConflict, type WrongExpectedVersion, wrongExpectedVersion } from './errors.js';
import { type ChainLink, contentText, linkChain } from './hashChain.js';
import type { PreparedEvent, PreparedRequest } from './validation.js';

/** What an adapter knows of a stream when it plans an append (read inside its transaction). */
export interface StreamSnapshot {
  /** Version of the last event, -1 when the stream does not exist. */
  readonly version: number;
  /** Where the request's event ids already stand in this stream, if anywhere. */
  readonly existing: ReadonlyMap<string, { readonly streamVersion: number; readonly type: string }>;
  /**
   * `hash` of the stream's last event: the new events chain onto it. `null` (or absent) when
   * the stream is empty, or its last event carries no hash (written by a foreign tool).
   */
  readonly lastHash?: string | null;
}

/** The outcome for one stream of an append call. */
export type StreamPlan =
  | {
      readonly kind: 'write';
      readonly streamId: string;
      readonly firstVersion: number;
      /** `prevHash` and `hash` of each new event, in order: what the adapter stores with it. */
      readonly links: readonly ChainLink[];
    }
  | { readonly kind: 'check'; readonly streamId: string; readonly version: number }
  | { readonly kind: 'replay'; readonly streamId: string; readonly firstVersion: number; readonly count: number };

export const expectationHolds = (expected: ExpectedVersion, version: number): boolean =>
  expected === 'any' || (expected === 'no_stream' && version === -1) || (expected === 'exists' && version >= 0) || expected === version;

/**
 * Whether the request's events are already recorded: `undefined` when none of
 * their ids is known, a replay plan when all are, in order and of the same types.
 */
const NOT_RECORDED: E.Either<never, undefined> = E.right(undefined);

const matchRecorded = (request: PreparedRequest, snapshot: StreamSnapshot): E.Either<IdempotencyConflict, StreamPlan | undefined> => {
  if (snapshot.existing.size === 0) return NOT_RECORDED; // the common case, without allocating
  const { streamId, events } = request;
  const known = events.filter((e) => snapshot.existing.has(e.eventId));
  if (known.length === 0) return NOT_RECORDED;
  const first = snapshot.existing.get(events[0]?.eventId ?? '');
  if (known.length !== events.length || first === undefined)
    return E.left(idempotencyConflict(streamId, known[0]?.eventId ?? '', 'some of the events are already recorded, others are not'));
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const at = e && snapshot.existing.get(e.eventId);
    if (!e || !at || at.streamVersion !== first.streamVersion + i || at.type !== e.type)
      return E.left(idempotencyConflict(streamId, e?.eventId ?? '', 'already recorded with a different type or position'));
  }
  return E.right({ kind: 'replay', streamId, firstVersion: first.streamVersion, count: events.length });
};

/** The snapshot of a stream the adapter did not read: it does not exist. */
const NO_SNAPSHOT: StreamSnapshot = { version: -1, existing: new Map() };

/** How {@link planAppend} hashes: both optional. */
export interface PlanOptions {
  /** SHA-256 to use (default: the core's pure one). Adapters may pass a native one: results are identical. */
  readonly digest?: Sha256Hex;
  /** Content hashes the adapter already computed (by stream id, one per event, from {@link contentHashesOf}). */
  readonly contentHashes?: ReadonlyMap<string, readonly string[]>;
}

/** The content hash of each event of a prepared request (see `hashChain.ts`). */
export const contentHashesOf = (request: PreparedRequest, digest: Sha256Hex = sha256Hex): string[] => {
  const { streamId, events } = request;
  const hashes: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) hashes[i] = digest(contentText(streamId, events[i] as PreparedEvent));
  return hashes;
};

/**
 * Plans a whole (multi-stream) append from what the adapter read inside its
 * transaction. Idempotency comes first: a retry of an append that already
 * succeeded carries stale expectations and must still get the original result,
 * so either every stream with events is a replay, or none is and every
 * expectation is checked. Write plans carry the hash chain links of the new
 * events, chained onto each snapshot's `lastHash`: the one place every adapter
 * gets its hashes from.
 */
export const planAppend = (
  requests: readonly PreparedRequest[],
  snapshots: ReadonlyMap<string, StreamSnapshot>,
  options: PlanOptions = {},
): E.Either<WrongExpectedVersion | IdempotencyConflict, readonly StreamPlan[]> => {
  const inOrder: StreamSnapshot[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) inOrder[i] = snapshots.get((requests[i] as PreparedRequest).streamId) ?? NO_SNAPSHOT;
  return planAppendInOrder(requests, inOrder, options);
};

/**
 * {@link planAppend} with the snapshots in request order (`snapshots[i]` is request `i`'s stream),
 * for an adapter that reads the streams in that order: it builds no map. The requests come from
 * `prepareAppend`, so no stream appears twice.
 */
export const planAppendInOrder = (
  requests: readonly PreparedRequest[],
  snapshots: readonly StreamSnapshot[],
  options: PlanOptions = {},
): E.Either<WrongExpectedVersion | IdempotencyConflict, readonly StreamPlan[]> => {
  const digest = options.digest ?? sha256Hex;
  // Allocation-free where the common call (one stream, new events, no replay) allows it: this runs
  // for every append of every adapter.
  let replays: StreamPlan[] | undefined;
  let withEvents = 0;
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i] as PreparedRequest;
    if (request.events.length === 0) continue;
    withEvents += 1;
    const match = matchRecorded(request, snapshots[i] ?? NO_SNAPSHOT);
    if (E.isLeft(match)) return match;
    if (match.right === undefined) continue;
    replays ??= [];
    replays.push(match.right);
  }
  if (replays !== undefined) {
    if (replays.length === withEvents) return E.right(replays);
    const replayed = replays;
    const fresh = requests.find((r) => r.events.length > 0 && !replayed.some((p) => p.streamId === r.streamId));
    return E.left(
      idempotencyConflict(
        fresh?.streamId ?? '',
        fresh?.events[0]?.eventId ?? '',
        'part of this multi-stream append is already recorded, part is not',
      ),
    );
  }
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i] as PreparedRequest;
    const { version } = snapshots[i] ?? NO_SNAPSHOT;
    if (!expectationHolds(request.expected, version)) return E.left(wrongExpectedVersion(request.streamId, request.expected, version));
  }
  // Hashes only once every expectation is known to hold: a refused call costs no hashing.
  const plans: StreamPlan[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i] as PreparedRequest;
    const snapshot = snapshots[i] ?? NO_SNAPSHOT;
    const { version } = snapshot;
    if (request.events.length === 0) {
      plans[i] = { kind: 'check', streamId: request.streamId, version };
      continue;
    }
    const contents = options.contentHashes?.get(request.streamId) ?? contentHashesOf(request, digest);
    const links = linkChain(version + 1, version < 0 ? null : (snapshot.lastHash ?? null), contents, digest);
    plans[i] = { kind: 'write', streamId: request.streamId, firstVersion: version + 1, links };
  }
  return E.right(plans);
};
