import { type StoreError, type StoreUnavailable, storeUnavailable } from '@selfprov/core';

/** The SQLite result code of a better-sqlite3 error (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`...), if it is one. */
export const sqliteCode = (cause: unknown): string | undefined => {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
};

/** A UNIQUE / PRIMARY KEY / CHECK / trigger constraint refused a write. */
export const isConstraintViolation = (cause: unknown): boolean => sqliteCode(cause)?.startsWith('SQLITE_CONSTRAINT') === true;

const unavailable = (message: string, retryable: boolean, code?: string): StoreUnavailable =>
  code === undefined ? storeUnavailable(message, retryable) : { ...storeUnavailable(message, retryable), details: { sqliteCode: code } };

/** The typed error for a connection that was closed underneath the store (not by its `close()`). */
export const connectionLost = (): StoreUnavailable => unavailable('the SQLite database connection is not open', false);

/**
 * Maps whatever better-sqlite3 threw to a typed `StoreError`. The store never lets an exception
 * escape a TaskEither. Constraint violations during an append are mapped by the append itself
 * (to `wrong_expected_version`), because only it knows the streams involved.
 */
export const toStoreError = (cause: unknown, connectionOpen: boolean): StoreError => {
  if (!connectionOpen) return connectionLost();
  const code = sqliteCode(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (code === undefined) return unavailable(`the SQLite store failed: ${detail}`, false);
  const family = code.replace(/^(SQLITE_[A-Z]+).*$/, '$1');
  switch (family) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return unavailable('the SQLite database is locked by another writer and the busy timeout elapsed; try again', true, code);
    case 'SQLITE_FULL':
      return unavailable('the disk holding the SQLite database is full', true, code);
    case 'SQLITE_IOERR':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PROTOCOL':
      return unavailable(`the SQLite database could not be read or written: ${detail}`, true, code);
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return unavailable(`the SQLite database is not writable: ${detail}`, false, code);
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return unavailable(`the SQLite file is corrupt or not a database: ${detail}`, false, code);
    default:
      return unavailable(`the SQLite store failed (${code}): ${detail}`, false, code);
  }
};
