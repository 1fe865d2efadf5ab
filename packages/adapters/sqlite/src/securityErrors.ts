import { type CredentialPortError, type CredentialPortErrorCode, credentialPortError } from '@selfprov/core';
import type Database from 'better-sqlite3';
import { sqliteCode, toStoreError } from './errors.js';

/**
 * The typed error of a failed credential or throttle operation. The message is fixed: the
 * exception text is dropped on purpose, as the port requires (it could quote a bound value).
 */
export const securityPortError = (
  code: Extract<CredentialPortErrorCode, 'credential_store_unavailable' | 'throttle_store_unavailable'>,
  what: string,
  cause: unknown,
  db: Database.Database,
): CredentialPortError => {
  if (!db.open)
    return credentialPortError(code, `the SQLite ${what} is unavailable: its database connection is closed`, { retryable: false });
  const mapped = toStoreError(cause, true);
  const sqlite = sqliteCode(cause);
  const retryable = mapped._tag === 'StoreUnavailable' && mapped.retryable;
  const busy = sqlite !== undefined && /^SQLITE_(BUSY|LOCKED)/.test(sqlite);
  const message = busy
    ? `the SQLite ${what} is locked by another writer and the busy timeout elapsed; try again`
    : `the SQLite ${what} failed${sqlite === undefined ? '' : ` (${sqlite})`}`;
  return credentialPortError(code, message, sqlite === undefined ? { retryable } : { retryable, sqliteCode: sqlite });
};

/**
 * Prepares statements on first use, so that a factory never throws: a database without the
 * tables (not migrated) or already closed fails the first operation with a typed error instead.
 */
export const lazily = <A>(make: () => A): (() => A) => {
  let made: A | undefined;
  return () => {
    made ??= make();
    return made;
  };
};
