import { type StoreError, storeClosed } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { type ErrorContext, mapClientError, operationTimeout } from './errors.js';

/** How the store calls the server: never once closed, never longer than its deadline, errors typed. */
export interface ServerCalls {
  /** `promise`, or a rejection with `operationTimeout` after the deadline. */
  readonly withDeadline: <A>(what: string, promise: Promise<A>) => Promise<A>;
  /** One server call: refused once closed, bounded by the deadline, errors mapped to `StoreError` (errors.ts). */
  readonly call: <A>(what: string, f: () => Promise<A>, ctx?: ErrorContext) => Promise<E.Either<StoreError, A>>;
}

export const createServerCalls = (timeoutMs: number, isClosed: () => boolean): ServerCalls => {
  const withDeadline = <A>(what: string, promise: Promise<A>): Promise<A> =>
    new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => reject(operationTimeout(what, timeoutMs)), timeoutMs);
      promise.then(
        (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });

  /** One server call: refused once closed, bounded by the deadline, errors mapped to `StoreError`. */
  const call = async <A>(what: string, f: () => Promise<A>, ctx?: ErrorContext): Promise<E.Either<StoreError, A>> => {
    if (isClosed()) return E.left(storeClosed());
    try {
      return E.right(await withDeadline(what, f()));
    } catch (error) {
      return E.left(isClosed() ? storeClosed() : mapClientError(error, ctx));
    }
  };

  return { withDeadline, call };
};
