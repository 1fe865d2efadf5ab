import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock, StoreError } from '@selfprov/core';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { DEFAULT_BUSY_TIMEOUT_MS, type SqliteEventStoreOptions } from './config.js';
import { sqliteCode, toStoreError } from './errors.js';
import { migrateSchema } from './schema.js';

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Switches the file to WAL. Changing the journal mode needs a moment of exclusive access, and when
 * several processes open a NEW file at once SQLite may answer busy without calling the busy handler,
 * so retry until the busy timeout.
 */
const enableWal = (db: Database.Database, busyTimeoutMs: number): string => {
  const deadline = performance.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return String(db.pragma('journal_mode = WAL', { simple: true }));
    } catch (cause) {
      const code = sqliteCode(cause) ?? '';
      if (!/^SQLITE_(BUSY|LOCKED)/.test(code) || performance.now() > deadline) throw cause;
      sleepSync(Math.min(50, 2 ** attempt));
    }
  }
};

/**
 * Opens the file of validated `options` (creating parent directories), switches it to WAL, sets
 * `synchronous` and migrates the schema; `clock` stamps the migrations. A failure closes what was opened.
 */
export const openDatabase = (options: SqliteEventStoreOptions, clock: Clock): E.Either<StoreError, Database.Database> => {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: Database.Database;
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(resolve(options.path)), { recursive: true });
    db = new Database(options.path, { timeout: busyTimeoutMs });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return E.left(toStoreError(sqliteCode(cause) ? cause : new Error(`cannot open ${options.path}: ${why}`), true));
  }
  try {
    const mode = enableWal(db, busyTimeoutMs);
    if (options.path !== ':memory:' && mode !== 'wal')
      throw new Error(`cannot switch ${options.path} to WAL journal mode (got ${mode}); is it on a network file system?`);
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    const migrated = migrateSchema(db, clock.now().toISOString());
    if (E.isLeft(migrated)) {
      db.close();
      return migrated;
    }
  } catch (cause) {
    const error = toStoreError(cause, true);
    db.close();
    return E.left(error);
  }
  return E.right(db);
};
