import { type StoreError, type StoreUnavailable, storeClosed, storeUnavailable } from '@selfprov/core';

/** The SQLSTATE of an error the server sent (`23505`, `40P01`...), if it is one. */
export const sqlState = (cause: unknown): string | undefined => {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** A unique constraint refused a write: the store's last line of defence against a lost race. */
export const isUniqueViolation = (cause: unknown): boolean => sqlState(cause) === '23505';

/** Failures that a fresh attempt of the same transaction resolves (a lost race, a deadlock victim). */
export const isTransientConflict = (cause: unknown): boolean => {
  const code = sqlState(cause);
  return code === '40001' || code === '40P01' || code === '23505';
};

/**
 * The server cancelled the statement (57014: its `statement_timeout`, see sessionTimeouts.ts, or a
 * cancel request), as an error: its transaction was rolled back. PostgreSQL stops the statement
 * timer before it commits and holds interrupts while committing, so a commit is never answered so.
 */
export const isCancelled = (cause: unknown): boolean => sqlState(cause) === '57014';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const CONNECTION_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection timeout',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Query read timeout',
];

const unavailable = (message: string, retryable: boolean, code?: string): StoreUnavailable =>
  code === undefined ? storeUnavailable(message, retryable) : { ...storeUnavailable(message, retryable), details: { sqlState: code } };

/**
 * Maps whatever `pg` threw to a typed `StoreError`; nothing escapes a TaskEither. Messages name the
 * server (`host:port/db`) but never the connection string, which may hold a password.
 */
export const toStoreError = (cause: unknown, target: string, closed: boolean): StoreError => {
  if (closed) return storeClosed();
  const code = sqlState(cause);
  const text = cause instanceof Error ? cause.message : String(cause);
  if (code !== undefined) {
    const cls = code.slice(0, 2);
    if (cls === '08') return unavailable(`the connection to PostgreSQL at ${target} failed: ${text}`, true, code);
    if (code === '57P01' || code === '57P02' || code === '57P03')
      return unavailable(`PostgreSQL at ${target} is shutting down or starting up: ${text}`, true, code);
    if (cls === '53') return unavailable(`PostgreSQL at ${target} is out of resources: ${text}`, true, code);
    if (code === '40001' || code === '40P01') return unavailable(`a concurrent transaction interfered; try again: ${text}`, true, code);
    if (code === '57014')
      return unavailable(`the statement was cancelled or timed out on the server, its transaction rolled back: ${text}`, true, code);
    // The server closed a connection left idle too long, inside a transaction (rolled back) or not.
    if (code === '25P03' || code === '57P05') return unavailable(`PostgreSQL at ${target} closed an idle connection: ${text}`, true, code);
    if (cls === '28') return unavailable(`PostgreSQL at ${target} refused the credentials`, false, code);
    if (code === '3D000') return unavailable(`the database of ${target} does not exist`, false, code);
    if (code === '25006') return unavailable(`PostgreSQL at ${target} is read-only (a standby?)`, false, code);
    if (code === '3F000' || code === '42P01' || code === '42883')
      return unavailable(`the event store schema at ${target} is missing or damaged: ${text}`, false, code);
    if (code === '42501') return unavailable(`the database user lacks a privilege the event store needs: ${text}`, false, code);
    return unavailable(`PostgreSQL at ${target} failed (${code}): ${text}`, false, code);
  }
  const errno = (cause as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && NETWORK.has(errno)) return unavailable(`PostgreSQL at ${target} is unreachable (${errno})`, true);
  if (CONNECTION_MESSAGES.some((m) => text.includes(m))) return unavailable(`PostgreSQL at ${target} is unreachable: ${text}`, true);
  if (text.includes('Cannot use a pool after calling end'))
    return unavailable('the connection pool was shut down underneath the store', false);
  return unavailable(`the PostgreSQL store failed: ${text}`, false);
};
