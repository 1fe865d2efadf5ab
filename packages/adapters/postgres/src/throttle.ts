import type { ThrottleStore } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { quoteIdent } from './identifiers.js';
import { mapPortError, retryingConflicts } from './securityErrors.js';
import type { PostgresEventStore } from './store.js';

/**
 * A `ThrottleStore` in `<schema>.throttle_attempts` of a PostgreSQL event store (migration 2):
 * one row per recorded attempt, counted exactly as the in-memory reference store counts.
 *
 * `tryAcquire` is one call of `<schema>.throttle_acquire` (one round trip, one transaction): it
 * locks the key's row in `throttle_keys`, forgets the key's attempts at or before `at - windowMs`,
 * counts the rest and records `at` if under the limit. Acquires of one key are therefore counted one
 * at a time, from any number of processes: the limit is never overshot. `release` deletes one
 * attempt row (`FOR UPDATE SKIP LOCKED`, so two releases of one instant never pick the same row).
 * Failures are `throttle_store_unavailable` with a fixed message.
 */
export const createPostgresThrottleStore = (store: Pick<PostgresEventStore, 'schema' | 'withPool'>): ThrottleStore => {
  const s = quoteIdent(store.schema);
  const run = <A>(body: (pool: pg.Pool) => Promise<E.Either<never, E.Either<never, A>>>) =>
    mapPortError('throttle_store_unavailable', 'throttle store', store.withPool(body));
  return {
    tryAcquire: (key, at, windowMs, limit) =>
      run(async (pool) => {
        const { rows } = await retryingConflicts(() =>
          pool.query<{ acquired: boolean; live: number }>(`SELECT acquired, live FROM ${s}.throttle_acquire($1, $2, $3, $4)`, [
            key,
            at.getTime(),
            windowMs,
            // Any limit above what an int column holds is no limit in practice.
            Math.min(limit, 2_147_483_647),
          ]),
        );
        const row = rows[0];
        return E.right(E.right({ acquired: row?.acquired === true, count: Number(row?.live ?? 0) }));
      }),
    release: (key, at) =>
      run(async (pool) => {
        await retryingConflicts(() =>
          pool.query(
            `DELETE FROM ${s}.throttle_attempts WHERE id = (
               SELECT id FROM ${s}.throttle_attempts WHERE throttle_key = $1 AND at_ms = $2 LIMIT 1 FOR UPDATE SKIP LOCKED)`,
            [key, at.getTime()],
          ),
        );
        return E.right(E.right(undefined));
      }),
  };
};
