import { convertToCommandError, isCommandError } from '@kurrent/kurrentdb-client';
import {
  type ExpectedVersion,
  type StoreError,
  storeUnavailable,
  type ValidationError,
  validationError,
  wrongExpectedVersion,
} from '@selfprov/core';
import { fromCurrentState, fromStreamState } from './mapping.js';
import { redactCredentials } from './url.js';

const TIMEOUT = Symbol('selfprov.kurrentdb.timeout');

/** What this adapter's own deadline around every server call rejects with. */
export const operationTimeout = (operation: string, ms: number): Error =>
  Object.assign(new Error(`${operation}: no answer from KurrentDB within ${ms} ms`), { [TIMEOUT]: true });

const isOperationTimeout = (error: unknown): error is Error => error instanceof Error && TIMEOUT in error;

/**
 * A multi-stream append this store will not perform atomically (the server lacks the
 * feature, or the store was configured with `multiStream: 'refuse'`). Nothing was written.
 */
export const multiStreamUnsupported = (reason: string, details: Record<string, unknown> = {}): ValidationError =>
  validationError(
    'multi_stream_unsupported',
    'requests',
    `this KurrentDB store cannot append to several streams atomically: ${reason}`,
    details,
  );

const clean = (message: unknown): string =>
  redactCredentials(typeof message === 'string' && message.length > 0 ? message : 'no details').slice(0, 300);

/** What is known about the call that failed, to name the caller's own expectation in a conflict. */
export interface ErrorContext {
  /** The expectation the caller gave for a stream (the server only knows what it was sent). */
  readonly expectedFor?: (streamId: string) => ExpectedVersion | undefined;
}

interface ClientErrorFields {
  readonly type?: string;
  readonly message?: string;
  readonly streamName?: string;
  readonly stream?: string;
  readonly expectedState?: Parameters<typeof fromStreamState>[0];
  readonly actualState?: Parameters<typeof fromCurrentState>[0];
  readonly violations?: readonly {
    readonly streamName: string;
    readonly expectedState: Parameters<typeof fromStreamState>[0];
    readonly actualState: Parameters<typeof fromCurrentState>[0];
  }[];
  readonly maxAppendSize?: number;
  readonly maxSize?: number;
}

const conflict = (
  streamId: string,
  expected: Parameters<typeof fromStreamState>[0],
  actual: Parameters<typeof fromCurrentState>[0],
  ctx: ErrorContext,
) => wrongExpectedVersion(streamId, ctx.expectedFor?.(streamId) ?? fromStreamState(expected), fromCurrentState(actual));

/**
 * Any error thrown by `@kurrent/kurrentdb-client` (or by the gRPC layer under it) as the
 * port's `StoreError`:
 * - `WrongExpectedVersionError` -> `WrongExpectedVersion` (expected from `expectedState`, or the
 *   caller's own expectation when known; actual from `actualState`, -1 for no stream);
 *   `AppendConsistencyViolationError` likewise from its first violation;
 * - unavailable, deadline exceeded, timeout, not leader, cancelled, discovery failure ->
 *   `store_unavailable`, retryable;
 * - access denied, deleted/tombstoned stream, anything unknown -> `store_unavailable`, not retryable;
 * - append size limits -> `payload_too_large` (a `ValidationError` on `events`).
 * Messages never carry credentials.
 */
export const mapClientError = (error: unknown, ctx: ErrorContext = {}): StoreError => {
  if (isOperationTimeout(error))
    return storeUnavailable(
      `${error.message}; an append may or may not have been applied (retrying is safe: appends are idempotent by event id)`,
      true,
    );
  const converted = error instanceof Error && !isCommandError(error) ? convertToCommandError(error) : error;
  const e = (typeof converted === 'object' && converted !== null ? converted : {}) as ClientErrorFields;
  const message = clean(e.message ?? (typeof error === 'string' ? error : undefined));
  switch (e.type) {
    case 'wrong-expected-version':
      return conflict(e.streamName ?? '', e.expectedState, e.actualState, ctx);
    case 'append-consistency-violation': {
      const first = e.violations?.[0];
      if (first) return conflict(first.streamName, first.expectedState, first.actualState, ctx);
      return storeUnavailable(`KurrentDB refused the append (consistency violation): ${message}`, false);
    }
    case 'unavailable':
    case 'deadline-exceeded':
    case 'timeout':
    case 'not-leader':
    case 'cancelled':
      return storeUnavailable(`KurrentDB is unavailable (${e.type}): ${message}`, true);
    case 'access-denied':
      return storeUnavailable('KurrentDB denied access: check the credentials of the connection string', false);
    case 'stream-deleted':
    case 'stream-tombstoned':
      return storeUnavailable(`stream ${JSON.stringify(e.streamName ?? e.stream ?? '')} is deleted in KurrentDB`, false);
    case 'maximum-append-size-exceeded':
    case 'transaction-max-size-exceeded':
    case 'append-record-size-exceeded': {
      const limit = e.maxAppendSize ?? e.maxSize;
      return validationError(
        'payload_too_large',
        'events',
        `the events exceed KurrentDB's append size limit${limit === undefined ? '' : ` of ${limit} bytes`} (server option MaxAppendSize)`,
        limit === undefined ? undefined : { limit },
      );
    }
    case 'unsupported':
      return multiStreamUnsupported(message);
    default:
      break;
  }
  // Errors the client does not classify: discovery and connection failures are worth a retry.
  if (/Failed to discover|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|No connection established/i.test(message))
    return storeUnavailable(`KurrentDB is unreachable: ${message}`, true);
  return storeUnavailable(`KurrentDB error: ${message}`, false);
};
