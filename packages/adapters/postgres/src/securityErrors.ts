import { type CredentialPortError, type CredentialPortErrorCode, credentialPortError, type StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { isTransientConflict } from './errors.js';

/** Attempts of a statement that lost a race the database detected (40001, 40P01): each loss means another call went through. */
export const SECURITY_ATTEMPTS = 5;

/**
 * Runs `statement` again while it fails with a transient conflict (a serialization failure under
 * REPEATABLE READ or SERIALIZABLE, a deadlock victim); other errors are thrown to the caller.
 */
export const retryingConflicts = async <A>(statement: () => Promise<A>): Promise<A> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (cause) {
      if (attempt >= SECURITY_ATTEMPTS || !isTransientConflict(cause)) throw cause;
    }
  }
};

/**
 * A `StoreError` of the event store's pool (`withPool`) as the credential port's error: a fixed
 * message, never the server's text (it could quote a bound value), with `retryable` and the SQLSTATE.
 */
export const asCredentialPortError = (
  code: Extract<CredentialPortErrorCode, 'credential_store_unavailable' | 'throttle_store_unavailable'>,
  what: string,
  error: StoreError,
): CredentialPortError => {
  if (error._tag === 'StoreClosed') return credentialPortError(code, `the PostgreSQL ${what} is closed`, { retryable: false });
  const retryable = error._tag === 'StoreUnavailable' && error.retryable;
  const state = (error.details as { sqlState?: unknown } | undefined)?.sqlState;
  return credentialPortError(
    code,
    retryable ? `the PostgreSQL ${what} is unavailable; try again` : `the PostgreSQL ${what} failed`,
    typeof state === 'string' ? { retryable, sqlState: state } : { retryable },
  );
};

/** Maps the left side of a `withPool` task to the credential port's error. */
export const mapPortError =
  <A>(
    code: Extract<CredentialPortErrorCode, 'credential_store_unavailable' | 'throttle_store_unavailable'>,
    what: string,
    task: TE.TaskEither<StoreError, E.Either<CredentialPortError, A>>,
  ): TE.TaskEither<CredentialPortError, A> =>
  async () => {
    const r = await task();
    return E.isLeft(r) ? E.left(asCredentialPortError(code, what, r.left)) : r.right;
  };
