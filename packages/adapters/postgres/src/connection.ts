import { type StoreError, storeClosed, type ValidationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import type { Config } from './config.js';
import { toStoreError } from './errors.js';
import { migrate } from './schema.js';
import { describePostgresTarget } from './url.js';

/** Runs `body` once the store is ready; maps every exception to a typed error. */
export type Run = <A>(body: (pool: pg.Pool) => Promise<E.Either<StoreError, A>>) => TE.TaskEither<StoreError, A>;

/** The store's pool, connected and migrated on first use. */
export interface Connection {
  /** None for an invalid configuration: it never reaches SQL. */
  readonly pool: pg.Pool | undefined;
  /** Connects and applies pending migrations, once; a failed attempt is tried again by the next call. */
  readonly ready: () => Promise<E.Either<StoreError, void>>;
  readonly run: Run;
}

export const createConnection = (config: E.Either<ValidationError, Config>, schema: string, isClosed: () => boolean): Connection => {
  const target = E.isRight(config) ? describePostgresTarget(config.right.pool) : 'PostgreSQL';
  const pool = E.isRight(config) ? new pg.Pool(config.right.pool) : undefined;
  // Idle connections that die (server restart, network) are dropped by the pool; the next call reconnects.
  pool?.on('error', () => undefined);
  let migrated: Promise<E.Either<StoreError, void>> | undefined;
  const ready = (): Promise<E.Either<StoreError, void>> => {
    if (E.isLeft(config)) return Promise.resolve(config);
    if (isClosed() || !pool) return Promise.resolve(E.left(storeClosed()));
    if (!migrated) {
      const attempt = migrate(pool, schema, target).then((r) => (E.isLeft(r) ? r : E.right(undefined)));
      migrated = attempt;
      // A failed attempt (server down) is not remembered: the next call tries again.
      void attempt.then((r) => {
        if (E.isLeft(r) && migrated === attempt) migrated = undefined;
      });
    }
    return migrated;
  };

  /** Runs `body` once the store is ready; maps every exception to a typed error. */
  const run =
    <A>(body: (pool: pg.Pool) => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
    async () => {
      if (isClosed() || !pool) return E.left(E.isLeft(config) && !isClosed() ? config.left : storeClosed());
      const r = await ready();
      if (E.isLeft(r)) return isClosed() ? E.left(storeClosed()) : r;
      try {
        return await body(pool);
      } catch (cause) {
        return E.left(toStoreError(cause, target, isClosed()));
      }
    };
  return { pool, ready, run };
};
