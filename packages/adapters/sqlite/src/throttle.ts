import type { CredentialPortError, ThrottleAnswer, ThrottleStore } from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily, securityPortError } from './securityErrors.js';

/**
 * A `ThrottleStore` in the `throttle_attempts` table of a SQLite event store's file (migration 4):
 * one row per recorded attempt, counted exactly as the in-memory reference store counts.
 *
 * `tryAcquire` is ONE `BEGIN IMMEDIATE` transaction (forget the key's attempts at or before
 * `at - windowMs`, count the rest, record `at` if under the limit), so concurrent attempts from any
 * number of processes sharing the file never overshoot the limit. A key's stale rows are pruned
 * when the key is next used. Failures are `throttle_store_unavailable` with a fixed message.
 *
 * @param db the connection of a migrated store (`SqliteEventStore.database`).
 */
export const createSqliteThrottleStore = (db: Database.Database): ThrottleStore => {
  const stmt = lazily(() => ({
    prune: db.prepare('DELETE FROM throttle_attempts WHERE throttle_key = ? AND at_ms <= ?'),
    count: db.prepare('SELECT count(*) FROM throttle_attempts WHERE throttle_key = ?').pluck(),
    insert: db.prepare('INSERT INTO throttle_attempts (throttle_key, at_ms) VALUES (?, ?)'),
    release: db.prepare(
      'DELETE FROM throttle_attempts WHERE id = (SELECT id FROM throttle_attempts WHERE throttle_key = ? AND at_ms = ? LIMIT 1)',
    ),
  }));

  const run =
    <A>(body: () => A): TE.TaskEither<CredentialPortError, A> =>
    async () => {
      try {
        if (!db.open) throw new Error('closed');
        return E.right(body());
      } catch (cause) {
        return E.left(securityPortError('throttle_store_unavailable', 'throttle store', cause, db));
      }
    };

  const acquireInTransaction = lazily(() =>
    db.transaction((key: string, now: number, windowMs: number, limit: number): ThrottleAnswer => {
      stmt().prune.run(key, now - windowMs);
      const live = stmt().count.get(key) as number;
      const acquired = limit <= 0 || live < limit;
      if (acquired) stmt().insert.run(key, now);
      return { acquired, count: acquired ? live + 1 : live };
    }),
  );

  return {
    tryAcquire: (key, at, windowMs, limit) => run(() => acquireInTransaction().immediate(key, at.getTime(), windowMs, limit)),
    release: (key, at) =>
      run(() => {
        stmt().release.run(key, at.getTime());
      }),
  };
};
