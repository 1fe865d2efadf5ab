import {
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type StoreError,
  validateReadAll,
  validateReadStream,
} from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Run } from './runner.js';
import { currentVersion, type EventRow, type Statements, toRecorded } from './statements.js';

const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/** The store's two reads: a stream, and the global log in position order. */
export interface Reads {
  readonly readStream: (streamId: string, options?: ReadStreamOptions) => TE.TaskEither<StoreError, ReadStreamResult>;
  readonly readAll: (options?: ReadAllOptions) => TE.TaskEither<StoreError, readonly RecordedEvent[]>;
}

export const createReads = (db: Database.Database, stmt: Statements, run: Run): Reads => {
  // One read transaction, so the current version and the events come from the same snapshot.
  const readStreamInTransaction = db.transaction((streamId: string, options: ReadStreamOptions): ReadStreamResult => {
    const version = currentVersion(stmt, streamId);
    if (version < 0) return { currentVersion: -1, events: [] };
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backward'
        ? stmt.streamBackward.all(streamId, options.fromVersion ?? NO_UPPER_BOUND, limit)
        : stmt.streamForward.all(streamId, options.fromVersion ?? 0, limit);
    return { currentVersion: version, events: (rows as EventRow[]).map(toRecorded) };
  });

  /**
   * Reading a stream to its end (forward, no maxCount), the common case of loading an aggregate: one
   * statement is one snapshot, and its last row IS the current version, so no transaction and no
   * version query are needed. Nothing read (a missing stream, or `fromVersion` past the end) takes the
   * transactional path.
   */
  const readStreamToEnd = (streamId: string, options: ReadStreamOptions): ReadStreamResult => {
    const rows = stmt.streamForward.all(streamId, options.fromVersion ?? 0, -1) as EventRow[];
    const lastRow = rows[rows.length - 1];
    if (lastRow === undefined) return readStreamInTransaction(streamId, options);
    return { currentVersion: lastRow[2], events: rows.map(toRecorded) };
  };

  const readAll = (options?: ReadAllOptions): TE.TaskEither<StoreError, readonly RecordedEvent[]> =>
    run(() => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const { after = 0, before = NO_UPPER_BOUND, direction = 'forward', maxCount = 1000 } = valid.right;
      const rows = (direction === 'backward' ? stmt.allBackward : stmt.allForward).all(after, before, maxCount) as EventRow[];
      return E.right(rows.map(toRecorded));
    });

  const readStream = (streamId: string, options?: ReadStreamOptions): TE.TaskEither<StoreError, ReadStreamResult> =>
    run(() => {
      const valid = validateReadStream(streamId, options);
      if (E.isLeft(valid)) return valid;
      const { streamId: id, options: o } = valid.right;
      return E.right(o.direction !== 'backward' && o.maxCount === undefined ? readStreamToEnd(id, o) : readStreamInTransaction(id, o));
    });

  return { readStream, readAll };
};
