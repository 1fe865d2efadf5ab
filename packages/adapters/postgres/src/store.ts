// The PostgreSQL event store, composed from one part per operation. Dependencies point one way:
//   store.ts (this composer)
//     -> config.ts (options), connection.ts (pool, migrate once, run), announcer.ts (after-commit NOTIFY),
//        reads.ts (readStream, readAll), groupCommit.ts (queue, batches), appendRoundTrips.ts (the
//        append functions' round trips), appendResult.ts (the kernel's reading of an answer)
//     -> shared helpers: appendSql.ts, chainFields.ts, checkpoints.ts, errors.ts, identifiers.ts,
//        notifier.ts, openError.ts, schema.ts, url.ts
// The parts get what they share (run, isClosed, announce...) from this file as arguments. Between
// parts only types are imported (groupCommit.ts -> appendRoundTrips.ts -> appendResult.ts, and the
// Config and Run types); no part imports this file.
import {
  type AppendRequest,
  type AppendResult,
  type CheckpointStore,
  catchUpSubscription,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  prepareAppend,
  type StoreError,
  storeClosed,
  systemRuntime,
  type ValidationError,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type pg from 'pg';
import { createAnnouncer } from './announcer.js';
import { interpretAppendAnswer } from './appendResult.js';
import { createAppendRoundTrips } from './appendRoundTrips.js';
import { contentHashesByStream } from './appendSql.js';
import { createCheckpointStore } from './checkpoints.js';
import { type Config, configure, type PostgresEventStoreOptions } from './config.js';
import { createConnection } from './connection.js';
import { createGroupCommit } from './groupCommit.js';
import { notifyChannel, quoteIdent } from './identifiers.js';
import { createNotifier } from './notifier.js';
import { storeOpenError } from './openError.js';
import { createReads } from './reads.js';
import { DEFAULT_SCHEMA } from './url.js';

export type { PostgresEventStoreOptions } from './config.js';

/** The PostgreSQL event store: the `EventStore` port plus checkpoints kept in the same database. */
export interface PostgresEventStore extends EventStore {
  /** Projection checkpoints in `<schema>.checkpoints`. */
  readonly checkpoints: CheckpointStore;
  readonly schema: string;
  /** Connects and applies pending migrations (done lazily by the first call otherwise). */
  ready(): TE.TaskEither<StoreError, void>;
  /**
   * Runs `body` with the store's pool once the schema is migrated; a thrown error becomes a typed
   * `StoreError`, and a closed store answers `store_closed`. For companion stores kept in the same
   * schema (credentials, throttle, keys: see `postgresSecurityStores`); never write the event tables with it.
   */
  withPool<A>(body: (pool: pg.Pool) => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A>;
}

/**
 * An `EventStore` on PostgreSQL (13 or later), safe for many processes writing and reading at once.
 *
 * The factory does no I/O: the first call (or `ready()`) connects and migrates the schema. Every
 * failure is a typed `StoreError`; an unreachable server gives `store_unavailable` after the
 * connection timeout, never a hang. A configuration error (a malformed URL, a bad schema name) is
 * answered by every call as the same `ValidationError`.
 *
 * Appends are one round trip to the `<schema>.append` function (see `appendFunction.ts`). Reads of the global
 * log only return events of transactions older than every transaction still running, so a catch-up
 * reader never skips an event that commits late (see the README's "visibility rule").
 */
export const createPostgresEventStore = (options: PostgresEventStoreOptions): PostgresEventStore => storeOn(options, configure(options));

/**
 * The same store, with a configuration error (a malformed URL, a bad schema name or option) as a
 * typed value instead of a store answering it to every call. Does no I/O either: the first call (or
 * `ready()`) connects and migrates, and server failures come back from the calls, typed.
 */
export const openPostgresEventStore = (options: PostgresEventStoreOptions): E.Either<ValidationError, PostgresEventStore> => {
  const config = configure(options);
  return E.isLeft(config) ? config : E.right(storeOn(options, config));
};

/** {@link openPostgresEventStore} for callers who prefer exceptions: throws a `StoreOpenError` (openError.ts). */
export const openPostgresEventStoreOrThrow = (options: PostgresEventStoreOptions): PostgresEventStore => {
  const opened = openPostgresEventStore(options);
  if (E.isLeft(opened)) throw storeOpenError(opened.left);
  return opened.right;
};

const storeOn = (options: PostgresEventStoreOptions, config: E.Either<ValidationError, Config>): PostgresEventStore => {
  const ports = { ...systemRuntime(), ...(options.runtime ?? {}) };
  // An invalid configuration never reaches SQL (no pool is made); the default only names the store.
  const schema = E.isRight(config) ? config.right.schema : DEFAULT_SCHEMA;
  const s = quoteIdent(schema);
  let closed = false;
  const isClosed = () => closed;
  const { pool, ready, run } = createConnection(config, schema, isClosed);
  const notifier = createNotifier({
    clientConfig: E.isRight(config) ? config.right.pool : {},
    channel: notifyChannel(schema),
    pollIntervalMs: E.isRight(config) ? config.right.pollIntervalMs : 500,
    listen: E.isRight(config) ? config.right.listen : false,
  });
  const maxConcurrentAppends = E.isRight(config) ? config.right.maxConcurrentAppends : 1;
  let closing: Promise<void> | undefined;
  const announcer = createAnnouncer({ channel: notifyChannel(schema), pool, isClosed });
  const { sendBatch, appendAlone } = createAppendRoundTrips({
    s,
    run,
    announce: announcer.announce,
    interpret: (prepared, answer, contentHashes) => interpretAppendAnswer(prepared, answer, contentHashes, () => notifier.bump()),
    timers: ports.timers,
    isClosed,
  });
  const groupCommit = createGroupCommit({ maxConcurrentAppends, run, sendBatch, appendAlone, isClosed });

  const appendMulti = (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> => {
    if (closed) return async () => E.left(storeClosed());
    const prepared = prepareAppend(requests, ports);
    if (E.isLeft(prepared)) return async () => prepared;
    // Hashed once, before any attempt: the content does not depend on where the events land.
    const call = { requests: prepared.right, contentHashes: contentHashesByStream(prepared.right) };
    const events = prepared.right.reduce((n, r) => n + r.events.length, 0);
    return () =>
      new Promise((done) => {
        groupCommit.submit({ requests: call.requests, contentHashes: call.contentHashes, events, done });
      });
  };

  const { readStream, readAll } = createReads({ s, run, isClosed });

  const checkpoints = createCheckpointStore({ schema: s, run });

  return {
    schema,
    checkpoints,
    ready: () => async () => (closed ? E.left(storeClosed()) : ready()),
    withPool: run,
    append: (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]) => appendMulti([{ streamId, expected, events }]),
    appendMulti,
    readStream,
    readAll,
    subscribe: (subscribeOptions) => {
      let seen = notifier.generation();
      notifier.acquire();
      return catchUpSubscription(
        {
          readAll: (o) => {
            // Noted before the read: a wake-up during the read makes the next wait return at once.
            seen = notifier.generation();
            return readAll(o);
          },
          waitForAppend: (_position, stop) => notifier.wait(seen, stop),
          onEnd: () => notifier.release(),
        },
        subscribeOptions,
      );
    },
    close: () => {
      if (!closing) {
        closed = true;
        closing = (async () => {
          await announcer.flush();
          await notifier.close();
          // The pool waits for in-flight statements (bounded by the query timeout); do not make close() wait that long.
          const ended = pool?.end().catch(() => undefined);
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
          clearTimeout(timer);
        })();
      }
      return closing;
    },
  };
};
