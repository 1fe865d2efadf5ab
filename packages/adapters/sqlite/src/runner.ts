import { type StoreError, storeClosed } from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { connectionLost, toStoreError } from './errors.js';

/** Runs `body` unless the store is closed or its connection lost; maps every exception `body` throws to a typed error. */
export type Run = <A>(body: () => E.Either<StoreError, A> | Promise<E.Either<StoreError, A>>) => TE.TaskEither<StoreError, A>;

export const createRunner =
  (db: Database.Database, isClosed: () => boolean): Run =>
  <A>(body: () => E.Either<StoreError, A> | Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
  async () => {
    if (isClosed()) return E.left(storeClosed());
    if (!db.open) return E.left(connectionLost());
    try {
      return body();
    } catch (cause) {
      return E.left(toStoreError(cause, db.open));
    }
  };
