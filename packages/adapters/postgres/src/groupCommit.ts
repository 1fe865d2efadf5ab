import { type AppendResult, type StoreError, storeUnavailable } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRoundTrips } from './appendRoundTrips.js';
import type { AppendCall } from './appendSql.js';
import type { Run } from './connection.js';
import { isCancelled, sqlState } from './errors.js';

/** Most calls, and events, one group-commit round trip carries (the statement stays small). */
const MAX_BATCH_CALLS = 64;
const MAX_BATCH_EVENTS = 1000;

/** An append call waiting for its round trip. */
export interface Pending extends AppendCall {
  readonly events: number;
  readonly done: (outcome: E.Either<StoreError, AppendResult>) => void;
}

/** Takes append calls and sends them, alone or together (see below). */
export interface GroupCommit {
  /** Queues `call`; its `done` is answered once its round trip has decided it. */
  readonly submit: (call: Pending) => void;
}

export interface GroupCommitOptions {
  /** Round trips in flight at once (config.ts). */
  readonly maxConcurrentAppends: number;
  readonly run: Run;
  readonly sendBatch: AppendRoundTrips['sendBatch'];
  readonly appendAlone: AppendRoundTrips['appendAlone'];
  readonly isClosed: () => boolean;
}

export const createGroupCommit = ({ maxConcurrentAppends, run, sendBatch, appendAlone, isClosed }: GroupCommitOptions): GroupCommit => {
  /**
   * Group commit: calls issued while `maxConcurrentAppends` round trips are in flight wait, and the
   * next round trip carries all of them that touch distinct streams (up to MAX_BATCH_CALLS calls or
   * MAX_BATCH_EVENTS events): one transaction and one WAL flush for many appends, each still decided
   * and answered on its own. A lone caller never waits. If the shared transaction fails, what each call
   * gets depends on what the failure says about it (runBatch):
   * - the server refused the statement with an error carrying a SQLSTATE (a deadlock, a recorded
   *   event id...): rolled back, nothing of it written, so every call of it is run again on its own,
   *   one after another (appends are idempotent by event id: a call whose events are recorded gets
   *   their replay);
   * - the server cancelled it (57014, the statement timeout): rolled back too, but not rerun: every
   *   call gets the store's retryable `store_unavailable` (details.sqlState 57014);
   * - no answer from the server (the client's own timeout, a connection lost without a server error):
   *   its fate is unknown, as for a lone call, so every call gets `store_unavailable` without a
   *   SQLSTATE; a retry with the same event ids answers what really happened (a replay if it
   *   committed), never writing twice;
   * - the store was closed meanwhile: every call gets `store_closed`.
   */
  let queue: Pending[] = [];
  let inFlight = 0;
  /** Streams of the calls in flight: a later call on one of them waits, so appends to a stream apply in the order issued. */
  const busy = new Map<string, number>();
  const markBusy = (batch: readonly Pending[], delta: 1 | -1) => {
    for (const call of batch)
      for (const { streamId } of call.requests) {
        const n = (busy.get(streamId) ?? 0) + delta;
        if (n === 0) busy.delete(streamId);
        else busy.set(streamId, n);
      }
  };

  /** The next round trip's calls (possibly none: every waiting call touches a stream in flight). */
  const takeBatch = (): Pending[] => {
    const only = queue.length === 1 ? (queue[0] as Pending) : undefined;
    // The usual case of a lone caller: one call waiting, nothing of it in flight.
    if (only && (busy.size === 0 || !only.requests.some((r) => busy.has(r.streamId)))) {
      queue = [];
      return [only];
    }
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    // Streams of every call looked at, taken or not: a later call on one of them keeps its place after it.
    const seen = new Set<string>(busy.keys());
    let events = 0;
    for (const [i, call] of queue.entries()) {
      if (batch.length >= MAX_BATCH_CALLS) {
        queue = [...rest, ...queue.slice(i)];
        return batch;
      }
      const free = !call.requests.some((r) => seen.has(r.streamId));
      // Guard-only calls (no events) take no locks and go alone, as do calls after one that is too big.
      const fits =
        free && (batch.length === 0 || (call.events > 0 && (batch[0] as Pending).events > 0 && events + call.events <= MAX_BATCH_EVENTS));
      if (fits) {
        batch.push(call);
        events += call.events;
      } else rest.push(call);
      for (const r of call.requests) seen.add(r.streamId);
    }
    queue = rest;
    return batch;
  };

  const runBatch = async (batch: readonly Pending[]): Promise<void> => {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only) return only.done(await appendAlone(only));
    const outcomes = await run(async (p): Promise<E.Either<StoreError, E.Either<StoreError, AppendResult>[] | undefined>> => {
      try {
        return E.right(await sendBatch(p, batch, false));
      } catch (cause) {
        // The server refused the statement (it has a SQLSTATE: a deadlock, a recorded event id...):
        // its transaction is rolled back, nothing of the batch is written, so each call is decided
        // again on its own. Not after a cancel (the statement timeout): rolled back too, but the time
        // is spent, and retrying each call one after another would make the last wait a timeout per
        // call; every call gets the store's retryable error instead. Any other failure (the client's
        // own timeout, a lost connection) leaves the transaction's fate unknown, as for a lone call:
        // every call gets the store's error, which says so.
        if (!isClosed() && sqlState(cause) !== undefined && !isCancelled(cause)) return E.right(undefined);
        throw cause;
      }
    })();
    if (E.isLeft(outcomes)) {
      for (const call of batch) call.done(outcomes);
      return;
    }
    const answered = outcomes.right;
    if (answered) {
      for (const [i, call] of batch.entries()) call.done(answered[i] as E.Either<StoreError, AppendResult>);
      return;
    }
    // One after another, as the batch went: the concurrency limit holds, and calls on the locks that
    // failed the batch do not all wait on them at once.
    for (const call of batch) call.done(await appendAlone(call));
  };

  const pump = (): void => {
    while (inFlight < maxConcurrentAppends && queue.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      inFlight += 1;
      markBusy(batch, 1);
      void runBatch(batch)
        .catch((cause) => {
          // Cannot happen (every path answers an Either); if it does, no caller is left waiting.
          const error = storeUnavailable(`append failed: ${String(cause)}`, false);
          for (const call of batch) call.done(E.left(error));
        })
        .finally(() => {
          inFlight -= 1;
          markBusy(batch, -1);
          pump();
        });
    }
  };

  return {
    submit: (call) => {
      queue.push(call);
      pump();
    },
  };
};
