// The SQLite event store, composed from one part per operation. Dependencies point one way:
//   store.ts (this composer)
//     -> config.ts (options), database.ts (open, WAL, migrate), groupCommit.ts (queue, flush)
//        -> appendTransaction.ts (plan and write one call), appendSignal.ts (wake-ups of subscriptions),
//        reads.ts (readStream, readAll), checkpoints.ts
//     -> shared helpers: statements.ts (prepared statements, row mapping), runner.ts, errors.ts,
//        openError.ts, schema.ts
// Between parts only types are imported (and, by database.ts, config.ts's default busy timeout);
// no part imports this file.
import {
  type AppendRequest,
  type AppendResult,
  type CheckpointStore,
  catchUpSubscription,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  prepareAppend,
  type Runtime,
  type StoreError,
  systemRuntime,
} from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { createAppendSignal } from './appendSignal.js';
import { createAppendTransaction } from './appendTransaction.js';
import { createCheckpointStore } from './checkpoints.js';
import { checkOptions, DEFAULT_POLL_INTERVAL_MS, type SqliteEventStoreOptions } from './config.js';
import { openDatabase } from './database.js';
import { createGroupCommit } from './groupCommit.js';
import { storeOpenError } from './openError.js';
import { createReads } from './reads.js';
import { createRunner } from './runner.js';
import { prepareStatements } from './statements.js';

export type { SqliteEventStoreOptions } from './config.js';

/** The SQLite event store: the EventStore port, plus projection checkpoints kept in the same file. */
export interface SqliteEventStore extends EventStore {
  /** Projection checkpoints (and snapshots) stored beside the events. */
  readonly checkpoints: CheckpointStore;
  /** The database file, as given. */
  readonly path: string;
  /**
   * The underlying better-sqlite3 connection, for diagnostics (`PRAGMA integrity_check`), online
   * backups (`database.backup(...)`) and failure tests. Writing to its tables bypasses every guarantee.
   */
  readonly database: Database.Database;
}

/**
 * Opens (creating and migrating if needed) a SQLite event store.
 *
 * @returns the store, or a typed error: `invalid_store_options`, or `store_unavailable` when the file
 * cannot be created or opened, is not a database, or was written by a newer version of this adapter.
 */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): E.Either<StoreError, SqliteEventStore> => {
  const valid = checkOptions(options);
  if (E.isLeft(valid)) return valid;
  const ports = { ...systemRuntime(), ...options.runtime };
  const db = openDatabase(options, ports.clock);
  if (E.isLeft(db)) return db;
  return E.right(storeOn(db.right, options.path, ports, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS));
};

/** {@link openSqliteEventStore} for callers who prefer exceptions: throws a `StoreOpenError` (openError.ts). */
export const openSqliteEventStoreOrThrow = (options: SqliteEventStoreOptions): SqliteEventStore => {
  const opened = openSqliteEventStore(options);
  if (E.isLeft(opened)) throw storeOpenError(opened.left);
  return opened.right;
};

/**
 * Opens (creating and migrating if needed) a SQLite event store; throws when it cannot be opened.
 * The same as {@link openSqliteEventStoreOrThrow}; prefer {@link openSqliteEventStore} to get a typed error instead.
 */
export const createSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore => openSqliteEventStoreOrThrow(options);

const storeOn = (db: Database.Database, path: string, ports: Runtime, pollIntervalMs: number): SqliteEventStore => {
  const stmt = prepareStatements(db);
  let closed = false;
  const isClosed = () => closed;
  const run = createRunner(db, isClosed);
  const signal = createAppendSignal(pollIntervalMs, isClosed);
  const groupCommit = createGroupCommit(db, createAppendTransaction(db, stmt), signal);

  const appendMulti = (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> =>
    run(() => {
      // Validated and copied now, in the caller's turn: later changes to its objects change nothing.
      const prepared = prepareAppend(requests, ports);
      if (E.isLeft(prepared)) return prepared;
      const chosenIds = requests.map((r) => r.events.some((e) => e?.eventId !== undefined));
      return new Promise<E.Either<StoreError, AppendResult>>((resolve) => {
        groupCommit.submit({ call: { requests: prepared.right, chosenIds }, resolve });
      });
    });

  const { readStream, readAll } = createReads(db, stmt, run);
  const checkpoints: CheckpointStore = createCheckpointStore(stmt, run, ports.clock);

  return {
    path,
    database: db,
    checkpoints,
    append: (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]) => appendMulti([{ streamId, expected, events }]),
    appendMulti,
    readStream,
    readAll,
    subscribe: (options) => catchUpSubscription({ readAll, waitForAppend: signal.waitForAppend }, options),
    close: async () => {
      if (closed) return;
      closed = true;
      // Calls made before close() are written (or get their error), never silently dropped.
      groupCommit.flush();
      signal.wake();
      if (db.open) db.close();
    },
  };
};
