import {
  type AppendResult,
  type PreparedRequest,
  planAppendInOrder,
  type RecordedEvent,
  type StoreError,
  type StreamAppendResult,
  type StreamPlan,
  type StreamSnapshot,
  storeUnavailable,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { chainOf } from './chainFields.js';

/** The snapshot of a stream none of whose call's event ids is recorded (shared: never written to). */
const NOTHING_RECORDED: ReadonlyMap<string, { readonly streamVersion: number; readonly type: string }> = new Map();

/**
 * What the append function answers: `w` written; `v` versions per request; `p` positions; `k` already
 * recorded ids; `ph` the head hash each request chained onto; `h` the new events' hashes in call order.
 */
export interface AppendAnswer {
  readonly w: boolean;
  readonly v: readonly number[];
  readonly p?: readonly number[];
  readonly ph?: readonly (string | null)[];
  readonly h?: readonly string[];
  /** [request (1-based), eventId, streamVersion, type, globalPosition, data, metadata, schemaVersion, occurredAt, streamId, prevHash, hash] */
  readonly k?: readonly (readonly [
    number,
    string,
    number,
    string,
    number,
    unknown,
    unknown,
    number,
    string,
    string,
    string | null,
    string | null,
  ])[];
}

/**
 * One call's outcome from the append function's answer: the kernel plans the call again from the
 * snapshot the function read under its locks, and must agree with what the function did.
 * `onWritten` runs once the plan agrees that the function wrote (the store's own wake-up of its
 * subscriptions), before the chain links are compared.
 */
export const interpretAppendAnswer = (
  prepared: readonly PreparedRequest[],
  answer: AppendAnswer,
  contentHashes: ReadonlyMap<string, readonly string[]>,
  onWritten: () => void,
): E.Either<StoreError, AppendResult> => {
  const known = answer.k ?? [];
  const snapshots: StreamSnapshot[] = new Array(prepared.length);
  for (let i = 0; i < prepared.length; i++) {
    let existing = NOTHING_RECORDED;
    for (const k of known)
      if (k[0] === i + 1) {
        if (existing === NOTHING_RECORDED) existing = new Map();
        (existing as Map<string, { streamVersion: number; type: string }>).set(k[1], { streamVersion: k[2], type: k[3] });
      }
    snapshots[i] = { version: answer.v[i] ?? -1, existing, lastHash: answer.ph?.[i] ?? null };
  }
  // The kernel decides, from the snapshot the function read under its locks, exactly as for every
  // store; its chain links must be the ones the function stored.
  const plans = planAppendInOrder(prepared, snapshots, { digest: nodeSha256Hex, contentHashes });
  // Cannot happen unless the SQL function and planAppend drift apart: say so rather than guess.
  const diverged = () =>
    E.left(
      storeUnavailable(
        `the append function ${answer.w ? 'wrote' : 'refused'} a call the kernel plans otherwise (a bug); read the streams to see the outcome`,
        false,
      ),
    );
  if (E.isLeft(plans)) return answer.w ? diverged() : plans;
  const writes = plans.right.some((p) => p.kind === 'write');
  if (writes !== answer.w) return diverged();
  // Positions are handed out in call order; the write plans below consume them in that order too.
  if (answer.w) onWritten();
  const positions = answer.p ?? [];
  const hashes = answer.h ?? [];
  let next = 0;
  let lastGlobalPosition = 0;
  let replay = false;
  const streams: StreamAppendResult[] = new Array(plans.right.length);
  for (let k = 0; k < plans.right.length; k++) {
    const plan = plans.right[k] as StreamPlan;
    if (plan.kind === 'check') {
      streams[k] = { streamId: plan.streamId, nextExpectedVersion: plan.version, events: [] };
    } else if (plan.kind === 'replay') {
      // Replay plans leave out the event-less requests: find the request by its stream.
      replay = true;
      const index = prepared.findIndex((r) => r.streamId === plan.streamId);
      const events = known
        .filter((row) => row[0] === index + 1)
        .sort((a, b) => a[2] - b[2])
        .map(
          (row): RecordedEvent => ({
            type: row[3],
            data: row[5] as RecordedEvent['data'],
            metadata: row[6] as RecordedEvent['metadata'],
            eventId: row[1],
            schemaVersion: row[7],
            occurredAt: row[8],
            streamId: row[9],
            streamVersion: row[2],
            globalPosition: row[4],
            ...chainOf(row[10], row[11]),
          }),
        );
      for (const e of events) if (e.globalPosition > lastGlobalPosition) lastGlobalPosition = e.globalPosition;
      streams[k] = { streamId: plan.streamId, nextExpectedVersion: answer.v[index] ?? -1, events };
    } else {
      // Write plans are one per request, in order; positions and hashes are handed out in call order.
      const request = prepared[k] as PreparedRequest;
      const events: RecordedEvent[] = new Array(request.events.length);
      for (let i = 0; i < request.events.length; i++) {
        const e = request.events[i] as PreparedRequest['events'][number];
        const link = plan.links[i];
        const globalPosition = positions[next + i] as number;
        // A literal, not a spread of `e`: this runs for every event appended.
        events[i] = {
          type: e.type,
          data: e.data,
          metadata: e.metadata,
          eventId: e.eventId,
          schemaVersion: e.schemaVersion,
          occurredAt: e.occurredAt,
          streamId: plan.streamId,
          streamVersion: plan.firstVersion + i,
          globalPosition,
          prevHash: link?.prevHash ?? null,
          hash: link?.hash as string,
        };
        // The function linked the chain itself; the kernel must agree, or the write is not reported as a success.
        if (link?.hash !== hashes[next + i])
          return E.left(
            storeUnavailable(
              'the append function chained hashes the kernel computes otherwise (a bug); `selfprov audit verify` will say where',
              false,
            ),
          );
        if (globalPosition > lastGlobalPosition) lastGlobalPosition = globalPosition;
      }
      next += events.length;
      streams[k] = { streamId: plan.streamId, nextExpectedVersion: plan.firstVersion + events.length - 1, events };
    }
  }
  return E.right({ streams, lastGlobalPosition, idempotentReplay: replay });
};
