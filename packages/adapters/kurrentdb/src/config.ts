import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { type Runtime, type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { KurrentDbClientLike } from './client.js';
import { parseKurrentDbUrl } from './url.js';

/**
 * How `appendMulti` over several streams is carried out:
 * - `atomic` (default): with the server's atomic multi-stream append: `appendRecords`
 *   (KurrentDB 26.1+, writes and guards in one transaction) or `multiStreamAppend` (25.1+,
 *   only when the call has no event-less guard requests). Otherwise the call is refused with
 *   `multi_stream_unsupported` and nothing is written. Never partially applied.
 * - `atomic-writes`: like `atomic`, but when only `multiStreamAppend` (or nothing, for a single
 *   written stream) is available, guard requests are checked by reading just before the write:
 *   the writes stay atomic, a guard stream changed in between goes unnoticed.
 * - `refuse`: never uses the server's multi-stream features; every call touching several
 *   streams is refused with `multi_stream_unsupported`.
 */
export type MultiStreamMode = 'atomic' | 'atomic-writes' | 'refuse';

export const multiStreamModes: readonly MultiStreamMode[] = ['atomic', 'atomic-writes', 'refuse'];
export interface CommonOptions {
  /** Clock and ids for events that carry none. Default: the system runtime. */
  readonly runtime?: Partial<Runtime>;
  /** Default `atomic`: see `MultiStreamMode`. */
  readonly multiStream?: MultiStreamMode;
  /** This store's own deadline on every server call, in ms (default 15,000): a call never hangs longer. */
  readonly operationTimeoutMs?: number;
  /** How often an idle subscription asks the server for new events (default 1,000 ms). */
  readonly pollIntervalMs?: number;
  /** Wake subscriptions on new events through a `subscribeToAll` doorbell (default true). */
  readonly liveNotifications?: boolean;
}

export type KurrentDbStoreOptions = CommonOptions &
  (
    | { readonly connectionString: string; readonly client?: undefined }
    /** Bring your own client: the store does not dispose it on `close()`. */
    | { readonly client: KurrentDbClientLike; readonly connectionString?: undefined }
  );

const invalidOption = (field: string, message: string): ValidationError => validationError('invalid_store_option', field, message);

/** Validated options, and the client the store talks through. */
export interface Settings {
  readonly client: KurrentDbClientLike;
  /** The store made the client, so `close()` disposes it. */
  readonly ownsClient: boolean;
  /** The server, without credentials. */
  readonly target: string;
  readonly mode: MultiStreamMode;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

/**
 * Checks every option and makes the client from the connection string (or takes the caller's).
 * Does no I/O: the client connects on first use.
 */
export const configure = (options: KurrentDbStoreOptions): E.Either<ValidationError, Settings> => {
  const mode = options.multiStream ?? 'atomic';
  if (!multiStreamModes.includes(mode))
    return E.left(invalidOption('multiStream', `multiStream must be one of ${multiStreamModes.join(', ')}`));
  const timeoutMs = options.operationTimeoutMs ?? 15_000;
  const pollMs = options.pollIntervalMs ?? 1_000;
  for (const [field, value] of [
    ['operationTimeoutMs', timeoutMs],
    ['pollIntervalMs', pollMs],
  ] as const)
    if (!Number.isSafeInteger(value) || value < 1) return E.left(invalidOption(field, `${field} must be a positive integer (ms)`));

  let client: KurrentDbClientLike;
  let target: string;
  const ownsClient = options.client === undefined;
  if (options.client !== undefined) {
    client = options.client;
    target = 'a caller-supplied KurrentDB client';
  } else {
    const url = parseKurrentDbUrl(options.connectionString);
    if (E.isLeft(url)) return url;
    try {
      client = KurrentDBClient.connectionString(url.right.connectionString);
    } catch {
      // The client's own message repeats the connection string, password included: never pass it on.
      return E.left(validationError('invalid_kurrentdb_url', 'connectionString', `the KurrentDB client refused ${url.right.redacted}`));
    }
    target = url.right.redacted;
  }
  return E.right({ client, ownsClient, target, mode, timeoutMs, pollMs });
};
