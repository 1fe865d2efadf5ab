import { type Runtime, type StoreError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

/** Options of `openSqliteEventStore`, `openSqliteEventStoreOrThrow` and `createSqliteEventStore` (store.ts). */
export interface SqliteEventStoreOptions {
  /** Database file (parent directories are created), or `:memory:`. See `parseSqliteUrl` for `sqlite:` URLs. */
  readonly path: string;
  /** Clock and id ports used to fill in `occurredAt` and `eventId`; default the system's. */
  readonly runtime?: Partial<Runtime>;
  /** How long a writer waits for another process's write lock before `store_unavailable` (retryable). Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** How often an idle subscription looks for other processes' appends. Default 50 ms. In-process appends wake it at once. */
  readonly pollIntervalMs?: number;
  /**
   * `normal` (default): in WAL mode a commit is written to the WAL file before the append is
   * acknowledged, so it survives a crash or SIGKILL of the process; the last commits before an OS
   * crash or power cut may be lost (the file stays consistent). `full`: the WAL is also fsync'd on
   * every commit, so acknowledged appends survive a power cut too, at the cost of one fsync per append.
   */
  readonly synchronous?: 'normal' | 'full';
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
export const DEFAULT_POLL_INTERVAL_MS = 50;

/** Checks the options before anything touches the file system. */
export const checkOptions = (options: SqliteEventStoreOptions): E.Either<StoreError, void> => {
  if (typeof options?.path !== 'string' || options.path.length === 0)
    return E.left(validationError('invalid_store_options', 'path', 'path must be a non-empty string'));
  for (const [key, min] of [
    ['busyTimeoutMs', 0],
    ['pollIntervalMs', 1],
  ] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < min))
      return E.left(validationError('invalid_store_options', key, `${key} must be an integer >= ${min}`));
  }
  if (options.synchronous !== undefined && options.synchronous !== 'normal' && options.synchronous !== 'full')
    return E.left(validationError('invalid_store_options', 'synchronous', 'synchronous must be "normal" or "full"'));
  return E.right(undefined);
};
