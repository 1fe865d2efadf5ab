import type pg from 'pg';

/**
 * How much longer the client waits for an answer than the server lets a statement run.
 *
 * The server's `statement_timeout` equals `queryTimeoutMs`: the server cancels a statement that runs
 * that long itself, rolls its transaction back (releasing its row locks and, through the append
 * function's exception handler, the allocation lock) and answers SQLSTATE 57014, a known outcome.
 * The client's own `query_timeout` fires this margin later, so that it only decides when no answer
 * comes at all (a server or network gone silent, the one case where an append's fate is unknown).
 * Even then the server, on its own clock, has already ended the statement by `queryTimeoutMs`.
 * One second covers a round trip and a busy event loop; if the client's timer still wins, the caller
 * gets the weaker "unknown" answer (store_unavailable without a SQLSTATE), which is never wrong.
 */
export const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/** The three timeouts (ms) every connection of a store is opened with. */
export interface SessionTimeouts {
  /** Server side, `statement_timeout`: a statement running longer is cancelled (57014). */
  readonly statementMs: number;
  /** Server side, `idle_in_transaction_session_timeout`: a transaction left open without a statement this long loses its connection (25P03). */
  readonly idleInTransactionMs: number;
  /** Client side, pg's `query_timeout`: no answer this long and the call fails, the connection is dropped. */
  readonly clientMs: number;
}

/** A positive number of milliseconds the caller's own pool configuration set, if any. */
const given = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/**
 * The session timeouts for a store whose statements may run `queryTimeoutMs`. A lower server-side
 * value already in the pool configuration is kept (it only makes the server cancel sooner); a higher
 * one is lowered, since the client would otherwise give up while the server keeps the transaction.
 */
export const sessionTimeouts = (queryTimeoutMs: number, base: pg.PoolConfig): SessionTimeouts => ({
  statementMs: Math.min(given(base.statement_timeout) ?? queryTimeoutMs, queryTimeoutMs),
  idleInTransactionMs: Math.min(given(base.idle_in_transaction_session_timeout) ?? queryTimeoutMs, queryTimeoutMs),
  clientMs: queryTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
});

/**
 * `config` with the session timeouts applied. pg sends `statement_timeout` and
 * `idle_in_transaction_session_timeout` as startup parameters, so every connection has them from its
 * first statement on: the pool's and the notifier's LISTEN connection alike (both use this config,
 * see config.ts and connection.ts), with no extra round trip.
 */
export const withSessionTimeouts = (config: pg.PoolConfig, timeouts: SessionTimeouts): pg.PoolConfig => ({
  ...config,
  statement_timeout: timeouts.statementMs,
  idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  query_timeout: timeouts.clientMs,
});
