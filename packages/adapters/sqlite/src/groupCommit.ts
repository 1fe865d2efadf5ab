import type { AppendResult, StoreError } from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { AppendSignal } from './appendSignal.js';
import type { AppendTransaction, PreparedCall } from './appendTransaction.js';
import { connectionLost, toStoreError } from './errors.js';

/** A call waiting for the next (group) commit. */
export interface PendingCall {
  readonly call: PreparedCall;
  readonly resolve: (result: E.Either<StoreError, AppendResult>) => void;
}

/** Thrown inside `flush` when the connection was closed underneath the store. */
const connectionLostSignal = new Error('connection lost');

/** Appends of one process, committed alone or together (see `groupInTransaction` and `flush`). */
export interface GroupCommit {
  /** Queues a prepared call for the next flush, scheduled with `setImmediate`. */
  readonly submit: (pending: PendingCall) => void;
  /** Writes every queued call now (`close()` does, so no call is dropped). */
  readonly flush: () => void;
}

export const createGroupCommit = (
  db: Database.Database,
  { appendInTransaction, callFailed }: AppendTransaction,
  signal: AppendSignal,
): GroupCommit => {
  /**
   * Group commit: every call of the batch in ONE transaction, each in its own SAVEPOINT (better-sqlite3
   * nests transaction functions that way). A call whose plan fails (conflict, idempotency) wrote
   * nothing; a call whose writes throw is rolled back to its savepoint and gets its typed error; the
   * others go on. If SQLite aborted the whole transaction (it does on some I/O errors), the batch
   * fails as one: every call gets the error, none is committed.
   */
  const groupInTransaction = db.transaction((batch: readonly PendingCall[]): E.Either<StoreError, AppendResult>[] =>
    batch.map((pending) => {
      try {
        return appendInTransaction(pending.call);
      } catch (cause) {
        if (!db.inTransaction) throw cause;
        return E.left(callFailed(cause, pending.call));
      }
    }),
  );

  /** Calls prepared but not yet written, in call order. */
  let queue: PendingCall[] = [];
  let flushScheduled = false;

  const settle = (pending: PendingCall, result: E.Either<StoreError, AppendResult>) => {
    if (E.isRight(result) && !result.right.idempotentReplay && result.right.lastGlobalPosition > signal.head())
      signal.wrote(result.right.lastGlobalPosition);
    pending.resolve(result);
  };

  /**
   * Writes every queued call: alone in its own BEGIN IMMEDIATE transaction when it is the only one
   * (exactly the path of an isolated append), else as one group commit. Callers are answered only after
   * the COMMIT returned, so an acknowledged append is as durable as `synchronous` makes a commit.
   */
  const flush = () => {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const before = signal.head();
    if (batch.length === 1) {
      const pending = batch[0] as PendingCall;
      let result: E.Either<StoreError, AppendResult>;
      try {
        result = db.open ? appendInTransaction.immediate(pending.call) : E.left(connectionLost());
      } catch (cause) {
        result = E.left(callFailed(cause, pending.call));
      }
      settle(pending, result);
    } else {
      let results: E.Either<StoreError, AppendResult>[];
      try {
        if (!db.open) throw connectionLostSignal;
        results = groupInTransaction.immediate(batch);
      } catch (cause) {
        // BEGIN, COMMIT or the transaction as a whole failed: nothing of the batch is committed.
        const error = cause === connectionLostSignal ? connectionLost() : toStoreError(cause, db.open);
        for (const pending of batch) pending.resolve(E.left(error));
        return;
      }
      for (const [i, pending] of batch.entries()) settle(pending, results[i] as E.Either<StoreError, AppendResult>);
    }
    if (signal.head() > before) signal.wake();
  };

  return {
    submit: (pending) => {
      queue.push(pending);
      if (!flushScheduled) {
        flushScheduled = true;
        // Not a timer: the batch is whatever was appended concurrently by the time the event loop
        // turns (every appender resumed by the previous commit, every request callback of this turn).
        setImmediate(flush);
      }
    },
    flush,
  };
};
