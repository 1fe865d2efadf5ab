import { type Runtime, type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { sessionTimeouts, withSessionTimeouts } from './sessionTimeouts.js';
import { DEFAULT_SCHEMA, parsePostgresUrl, validateSchemaName } from './url.js';

/** Options of `createPostgresEventStore` and `openPostgresEventStore` (store.ts). */
export interface PostgresEventStoreOptions {
  /** A `postgres://` URL (see `parsePostgresUrl`) or a `pg` pool configuration. */
  readonly connectionString: string | pg.PoolConfig;
  /** Schema holding the tables; created and migrated on first use. Default `selfprov` (or the URL's `?schema=`). */
  readonly schema?: string;
  /** Clock and ids for events that carry none; timers for retry back-off. */
  readonly runtime?: Partial<Runtime>;
  /** Connections in the pool (default 10). Subscriptions use one more, shared, for LISTEN. */
  readonly poolSize?: number;
  /** Give up connecting after this long with `store_unavailable` (default 5000 ms, or the URL's `connect_timeout`). */
  readonly connectTimeoutMs?: number;
  /** Subscriptions re-read at least this often, even without a notification (default 500 ms). */
  readonly pollIntervalMs?: number;
  /** Wake subscriptions by LISTEN/NOTIFY (default true); false leaves polling only. */
  readonly listen?: boolean;
  /**
   * A statement may run this long (default 30,000 ms). The server cancels it then (its
   * `statement_timeout`, and `idle_in_transaction_session_timeout` for an open transaction): the call
   * fails with `store_unavailable` (retryable, `details.sqlState` 57014) and nothing of it is kept. A
   * server or network gone silent never hangs a caller either: without any answer one second later,
   * the client fails the call the same way (no SQLSTATE: its outcome is unknown) and drops the connection.
   */
  readonly queryTimeoutMs?: number;
  /**
   * Append round trips in flight at once (default 4, at most `poolSize`). Calls issued while that
   * many are in flight wait and share the next one (group commit): one transaction and one WAL flush
   * for many appends, each still decided on its own. 1 sends every append after the one before.
   */
  readonly maxConcurrentAppends?: number;
}

const positiveInt = (value: unknown, field: string, fallback: number): E.Either<ValidationError, number> =>
  value === undefined
    ? E.right(fallback)
    : typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
      ? E.right(value)
      : E.left(validationError('invalid_store_options', field, `${field} must be an integer >= 1`));

/** A validated configuration: what the store is built from. */
export interface Config {
  readonly pool: pg.PoolConfig;
  readonly schema: string;
  readonly pollIntervalMs: number;
  readonly listen: boolean;
  readonly maxConcurrentAppends: number;
}

/** Checks every option and derives the pool configuration; does no I/O. */
export const configure = (options: PostgresEventStoreOptions): E.Either<ValidationError, Config> => {
  const raw = options.connectionString;
  let base: pg.PoolConfig;
  let urlSchema: string | undefined;
  let urlTimeout: number | undefined;
  if (typeof raw === 'string') {
    const parsed = parsePostgresUrl(raw, 'connectionString');
    if (E.isLeft(parsed)) return parsed;
    base = parsed.right.clientConfig;
    urlSchema = parsed.right.schema;
    urlTimeout = parsed.right.connectTimeoutMs;
  } else if (typeof raw === 'object' && raw !== null) base = raw;
  else
    return E.left(
      validationError('invalid_store_options', 'connectionString', 'connectionString must be a postgres:// URL or a pool configuration'),
    );
  const schema = validateSchemaName(options.schema ?? urlSchema ?? DEFAULT_SCHEMA);
  if (E.isLeft(schema)) return schema;
  const poolSize = positiveInt(options.poolSize, 'poolSize', base.max ?? 10);
  if (E.isLeft(poolSize)) return poolSize;
  const timeout = positiveInt(options.connectTimeoutMs, 'connectTimeoutMs', base.connectionTimeoutMillis ?? urlTimeout ?? 5000);
  if (E.isLeft(timeout)) return timeout;
  const poll = positiveInt(options.pollIntervalMs, 'pollIntervalMs', 500);
  if (E.isLeft(poll)) return poll;
  const appends = positiveInt(options.maxConcurrentAppends, 'maxConcurrentAppends', Math.min(4, poolSize.right));
  if (E.isLeft(appends)) return appends;
  const queryTimeout = positiveInt(options.queryTimeoutMs, 'queryTimeoutMs', base.query_timeout ?? 30_000);
  if (E.isLeft(queryTimeout)) return queryTimeout;
  return E.right({
    // The server cancels a statement at queryTimeoutMs, the client gives up a little later (see sessionTimeouts.ts).
    pool: withSessionTimeouts(
      { application_name: 'selfprov', keepAlive: true, ...base, max: poolSize.right, connectionTimeoutMillis: timeout.right },
      sessionTimeouts(queryTimeout.right, base),
    ),
    schema: schema.right,
    pollIntervalMs: poll.right,
    maxConcurrentAppends: Math.min(appends.right, poolSize.right),
    listen: options.listen ?? true,
  });
};
