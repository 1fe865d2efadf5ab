import { randomBytes } from 'node:crypto';
import { type Clock, type KeyStore, type RandomSource, type StoreError, systemRuntime } from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { connectionLost, toStoreError } from './errors.js';
import { lazily } from './securityErrors.js';

/** Length of a personal-data key: AES-256. */
const KEY_BYTES = 32;

/** Options of {@link createSqliteKeyStore}. */
export interface SqliteKeyStoreOptions {
  /** Where new keys come from; default node:crypto's `randomBytes`. Must be cryptographically strong. */
  readonly random?: RandomSource;
  /** Stamps `created_at` and `erased_at`; default the system clock. */
  readonly clock?: Clock;
}

const nodeRandom: RandomSource = { bytes: (length) => new Uint8Array(randomBytes(length)) };

/**
 * A `KeyStore` (crypto-shredding keys of personal data) in the SQLite event store's file
 * (migration 5): `personal_data_keys(subject, key)` and `erased_subjects(subject, erased_at)`.
 *
 * - `keyFor(subject, true)` creates the key in ONE `BEGIN IMMEDIATE` transaction that first looks
 *   for a key and for an erasure, so processes racing for one subject all get the same key, and an
 *   erased subject never gets a new one.
 * - `erase` deletes the key row and records the erasure in one transaction. The factory turns on
 *   `PRAGMA secure_delete` for the connection, so SQLite overwrites the deleted key with zeros in
 *   the page; see the README for the WAL and backups, which may still hold older copies.
 *
 * @param db the connection of a migrated store (`SqliteEventStore.database`).
 */
export const createSqliteKeyStore = (db: Database.Database, options: SqliteKeyStoreOptions = {}): KeyStore => {
  const random = options.random ?? nodeRandom;
  const clock = options.clock ?? systemRuntime().clock;
  // Per connection: every erasure through this connection zeroes the freed bytes. Set now if the
  // connection is open, and again before first use (a factory never throws).
  const secureDelete = () => db.pragma('secure_delete = ON');
  try {
    if (db.open) secureDelete();
  } catch {
    // Reported by the first operation instead.
  }
  const stmt = lazily(() => {
    secureDelete();
    return {
      key: db.prepare('SELECT key FROM personal_data_keys WHERE subject = ?').pluck(),
      erased: db.prepare('SELECT 1 FROM erased_subjects WHERE subject = ?').pluck(),
      insert: db.prepare('INSERT INTO personal_data_keys (subject, key, created_at) VALUES (?, ?, ?)'),
      remove: db.prepare('DELETE FROM personal_data_keys WHERE subject = ?'),
      remember: db.prepare('INSERT INTO erased_subjects (subject, erased_at) VALUES (?, ?) ON CONFLICT (subject) DO NOTHING'),
    };
  });

  const run =
    <A>(body: () => A): TE.TaskEither<StoreError, A> =>
    async () => {
      if (!db.open) return E.left(connectionLost());
      try {
        return E.right(body());
      } catch (cause) {
        return E.left(toStoreError(cause, db.open));
      }
    };

  // A copy as a plain Uint8Array: callers get bytes, not a Buffer tied to the driver.
  const read = (subject: string): Uint8Array | undefined => {
    const stored = stmt().key.get(subject) as Buffer | undefined;
    return stored === undefined ? undefined : new Uint8Array(stored);
  };

  const createInTransaction = lazily(() =>
    db.transaction((subject: string): Uint8Array | undefined => {
      const existing = read(subject);
      if (existing !== undefined || stmt().erased.get(subject) !== undefined) return existing;
      const key = random.bytes(KEY_BYTES);
      if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw new Error(`the random source gave no ${KEY_BYTES}-byte key`);
      stmt().insert.run(subject, Buffer.from(key.buffer, key.byteOffset, key.byteLength), clock.now().toISOString());
      return new Uint8Array(key);
    }),
  );

  const eraseInTransaction = lazily(() =>
    db.transaction((subject: string): boolean => {
      const removed = stmt().remove.run(subject).changes > 0;
      stmt().remember.run(subject, clock.now().toISOString());
      return removed;
    }),
  );

  return {
    // The common case (the key exists) is a plain read that takes no write lock.
    keyFor: (subject, create) => run(() => read(subject) ?? (create ? createInTransaction().immediate(subject) : undefined)),
    erase: (subject) => run(() => eraseInTransaction().immediate(subject)),
    isErased: (subject) => run(() => stmt().erased.get(subject) !== undefined),
  };
};
