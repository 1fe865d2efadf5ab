import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type AppendRequest,
  type AppendResult,
  type Checkpoint,
  type CheckpointStore,
  catchUpSubscription,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  expectationHolds,
  type JsonValue,
  type NewEvent,
  type PreparedRequest,
  planAppend,
  prepareAppend,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type Runtime,
  type StoreError,
  type StreamAppendResult,
  type StreamSnapshot,
  storeClosed,
  systemRuntime,
  validateJson,
  validateReadAll,
  validateReadStream,
  validationError,
  wrongExpectedVersion,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { connectionLost, isConstraintViolation, sqliteCode, toStoreError } from './errors.js';
import { migrateSchema } from './schema.js';

/** Options of {@link createSqliteEventStore}. */
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

/** The SQLite event store: the EventStore port, plus projection checkpoints kept in the same file. */
export interface SqliteEventStore extends EventStore {
  /** Projection checkpoints (and snapshots) stored beside the events. */
  readonly checkpoints: CheckpointStore;
  /** The database file, as given. */
  readonly path: string;
  /**
   * The underlying better-sqlite3 connection, for diagnostics (`PRAGMA integrity_check`), online
   * backups (`database.backup(...)`) and failure tests. Writing to its tables bypasses every guarantee.
   */
  readonly database: Database.Database;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_POLL_INTERVAL_MS = 50;
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;
const COLUMNS = 'position, stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at, prev_hash, hash';

type EventRow = [number, string, number, string, string, string, string, number, string, string | null, string | null];

/** One append call, validated: its requests and, per request, whether the caller chose any event id. */
interface PreparedCall {
  readonly requests: readonly PreparedRequest[];
  readonly chosenIds: readonly boolean[];
}

/** A call waiting for the next (group) commit. */
interface PendingCall {
  readonly call: PreparedCall;
  readonly resolve: (result: E.Either<StoreError, AppendResult>) => void;
}

const NO_EVENTS: ReadonlyMap<string, { streamVersion: number; type: string }> = new Map();
/** Thrown inside `flush` when the connection was closed underneath the store. */
const connectionLostSignal = new Error('connection lost');

const toRecorded = (row: EventRow): RecordedEvent => ({
  type: row[4],
  data: JSON.parse(row[5]) as JsonValue,
  metadata: JSON.parse(row[6]) as EventMetadata,
  eventId: row[3],
  schemaVersion: row[7],
  occurredAt: row[8],
  streamId: row[1],
  streamVersion: row[2],
  globalPosition: row[0],
  // Every row has its chain once migration 6 ran; the fields are left out rather than faked otherwise.
  ...(row[10] === null ? {} : { prevHash: row[9], hash: row[10] }),
});

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Switches the file to WAL. Changing the journal mode needs a moment of exclusive access, and when
 * several processes open a NEW file at once SQLite may answer busy without calling the busy handler,
 * so retry until the busy timeout.
 */
const enableWal = (db: Database.Database, busyTimeoutMs: number): string => {
  const deadline = performance.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return String(db.pragma('journal_mode = WAL', { simple: true }));
    } catch (cause) {
      const code = sqliteCode(cause) ?? '';
      if (!/^SQLITE_(BUSY|LOCKED)/.test(code) || performance.now() > deadline) throw cause;
      sleepSync(Math.min(50, 2 ** attempt));
    }
  }
};

const checkOptions = (options: SqliteEventStoreOptions): E.Either<StoreError, void> => {
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

/**
 * Opens (creating and migrating if needed) a SQLite event store.
 *
 * @returns the store, or a typed error: `invalid_store_options`, or `store_unavailable` when the file
 * cannot be created or opened, is not a database, or was written by a newer version of this adapter.
 */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): E.Either<StoreError, SqliteEventStore> => {
  const valid = checkOptions(options);
  if (E.isLeft(valid)) return valid;
  const ports = { ...systemRuntime(), ...options.runtime };
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: Database.Database;
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(resolve(options.path)), { recursive: true });
    db = new Database(options.path, { timeout: busyTimeoutMs });
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    return E.left(toStoreError(sqliteCode(cause) ? cause : new Error(`cannot open ${options.path}: ${why}`), true));
  }
  try {
    const mode = enableWal(db, busyTimeoutMs);
    if (options.path !== ':memory:' && mode !== 'wal')
      throw new Error(`cannot switch ${options.path} to WAL journal mode (got ${mode}); is it on a network file system?`);
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    const migrated = migrateSchema(db, ports.clock.now().toISOString());
    if (E.isLeft(migrated)) {
      db.close();
      return migrated;
    }
  } catch (cause) {
    const error = toStoreError(cause, true);
    db.close();
    return E.left(error);
  }
  return E.right(storeOn(db, options.path, ports, options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS));
};

/**
 * Opens (creating and migrating if needed) a SQLite event store; throws when it cannot be opened.
 * Prefer {@link openSqliteEventStore} to get a typed error instead.
 */
export const createSqliteEventStore = (options: SqliteEventStoreOptions): SqliteEventStore => {
  const opened = openSqliteEventStore(options);
  if (E.isLeft(opened)) throw Object.assign(new Error(opened.left.message), { code: opened.left.code, storeError: opened.left });
  return opened.right;
};

const storeOn = (db: Database.Database, path: string, ports: Runtime, pollIntervalMs: number): SqliteEventStore => {
  // Prepared once: the hot paths only bind and step.
  const stmt = {
    version: db.prepare('SELECT stream_version FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').pluck(),
    head: db.prepare('SELECT stream_version, hash FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').raw(),
    findEvent: db.prepare('SELECT stream_version, type FROM events WHERE stream_id = ? AND event_id = ?').raw(),
    insert: db.prepare(
      'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    streamForward: db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`)
      .raw(),
    streamBackward: db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?`)
      .raw(),
    allForward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position LIMIT ?`).raw(),
    allBackward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position DESC LIMIT ?`).raw(),
    loadCheckpoint: db.prepare('SELECT version, position, state FROM checkpoints WHERE projection = ?').raw(),
    saveCheckpoint: db.prepare(
      `INSERT INTO checkpoints (projection, version, position, state, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position,
         state = excluded.state, updated_at = excluded.updated_at`,
    ),
  };

  let closed = false;
  /** Highest position this process has written: lets a subscription skip the wait after its own appends. */
  let head = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  const run =
    <A>(body: () => E.Either<StoreError, A> | Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
    async () => {
      if (closed) return E.left(storeClosed());
      if (!db.open) return E.left(connectionLost());
      try {
        return body();
      } catch (cause) {
        return E.left(toStoreError(cause, db.open));
      }
    };

  const currentVersion = (streamId: string): number => (stmt.version.get(streamId) as number | undefined) ?? -1;

  /** The stream whose insert was running when an exception interrupted an append: names the conflict. */
  let writing: string | undefined;

  /**
   * Plans and writes one append call. Runs inside BEGIN IMMEDIATE (alone) or inside a SAVEPOINT of a
   * group commit's transaction: nothing can change between the read and the write.
   */
  const appendInTransaction = db.transaction((call: PreparedCall): E.Either<StoreError, AppendResult> => {
    writing = undefined;
    const { requests, chosenIds } = call;
    const snapshots = new Map<string, StreamSnapshot>();
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i] as PreparedRequest;
      const head = stmt.head.get(request.streamId) as [number, string | null] | undefined;
      const version = head?.[0] ?? -1;
      let existing = NO_EVENTS;
      // Only ids the caller chose can make the call a replay; ids generated by this store are new (and the
      // UNIQUE (stream_id, event_id) constraint stands behind that). A new stream holds no id at all.
      if (version >= 0 && chosenIds[i])
        for (const e of request.events) {
          const row = stmt.findEvent.get(request.streamId, e.eventId) as [number, string] | undefined;
          if (row) {
            if (existing === NO_EVENTS) existing = new Map();
            (existing as Map<string, { streamVersion: number; type: string }>).set(e.eventId, { streamVersion: row[0], type: row[1] });
          }
        }
      snapshots.set(request.streamId, { version, existing, lastHash: head?.[1] ?? null });
    }
    const plans = planAppend(requests, snapshots, { digest: nodeSha256Hex });
    if (E.isLeft(plans)) return plans;
    const results: StreamAppendResult[] = [];
    let last = 0;
    let replay = false;
    for (const plan of plans.right) {
      const version = snapshots.get(plan.streamId)?.version ?? -1;
      if (plan.kind === 'check') {
        results.push({ streamId: plan.streamId, nextExpectedVersion: plan.version, events: [] });
      } else if (plan.kind === 'replay') {
        replay = true;
        const events = (stmt.streamForward.all(plan.streamId, plan.firstVersion, plan.count) as EventRow[]).map(toRecorded);
        for (const e of events) last = Math.max(last, e.globalPosition);
        results.push({ streamId: plan.streamId, nextExpectedVersion: version, events });
      } else {
        const { streamId, firstVersion, links } = plan;
        const source = requests.length === 1 ? requests[0] : requests.find((r) => r.streamId === streamId);
        writing = streamId;
        const events: RecordedEvent[] = [];
        for (const e of source?.events ?? []) {
          const link = links[events.length];
          const prevHash = link?.prevHash ?? null;
          const hash = link?.hash as string;
          const streamVersion = firstVersion + events.length;
          const globalPosition = Number(
            stmt.insert.run(
              streamId,
              streamVersion,
              e.eventId,
              e.type,
              JSON.stringify(e.data),
              JSON.stringify(e.metadata),
              e.schemaVersion,
              e.occurredAt,
              prevHash,
              hash,
            ).lastInsertRowid,
          );
          if (globalPosition > last) last = globalPosition;
          // A literal, not a spread of `e`: this runs once per event, and spreading is several times slower.
          events.push({
            type: e.type,
            data: e.data,
            metadata: e.metadata,
            eventId: e.eventId,
            schemaVersion: e.schemaVersion,
            occurredAt: e.occurredAt,
            streamId,
            streamVersion,
            globalPosition,
            prevHash,
            hash,
          });
        }
        results.push({ streamId, nextExpectedVersion: firstVersion + events.length - 1, events });
      }
    }
    return E.right({ streams: results, lastGlobalPosition: last, idempotentReplay: replay });
  });

  /**
   * A unique constraint fired although the plan said the write was safe: another writer must have
   * got in (only possible if someone bypasses BEGIN IMMEDIATE). The call's writes are rolled back;
   * report the conflict as the typed error a writer retries on, never as a crash.
   */
  const conflictAfterViolation = (requests: readonly PreparedRequest[]): StoreError => {
    const versions = requests.map((r) => ({ request: r, version: currentVersion(r.streamId) }));
    const broken =
      versions.find(({ request }) => request.streamId === writing) ??
      versions.find(({ request, version }) => !expectationHolds(request.expected, version)) ??
      versions.find(({ request }) => request.events.length > 0) ??
      versions[0];
    const expected: ExpectedVersion = broken?.request.expected ?? 'any';
    return wrongExpectedVersion(broken?.request.streamId ?? '', expected, broken?.version ?? -1);
  };

  /** The typed error for an exception thrown by one call's writes (after they were rolled back). */
  const callFailed = (cause: unknown, call: PreparedCall): StoreError =>
    isConstraintViolation(cause) && db.open ? conflictAfterViolation(call.requests) : toStoreError(cause, db.open);

  /**
   * Group commit: every call of the batch in ONE transaction, each in its own SAVEPOINT (better-sqlite3
   * nests transaction functions that way). A call whose plan fails (conflict, idempotency) wrote
   * nothing; a call whose writes throw is rolled back to its savepoint and gets its typed error; the
   * others go on. If SQLite aborted the whole transaction (it does on some I/O errors), the batch
   * fails as one: every call gets the error, none is committed.
   */
  const groupInTransaction = db.transaction((batch: readonly PendingCall[]): E.Either<StoreError, AppendResult>[] =>
    batch.map((pending) => {
      try {
        return appendInTransaction(pending.call);
      } catch (cause) {
        if (!db.inTransaction) throw cause;
        return E.left(callFailed(cause, pending.call));
      }
    }),
  );

  /** Calls prepared but not yet written, in call order. */
  let queue: PendingCall[] = [];
  let flushScheduled = false;

  const settle = (pending: PendingCall, result: E.Either<StoreError, AppendResult>) => {
    if (E.isRight(result) && !result.right.idempotentReplay && result.right.lastGlobalPosition > head)
      head = result.right.lastGlobalPosition;
    pending.resolve(result);
  };

  /**
   * Writes every queued call: alone in its own BEGIN IMMEDIATE transaction when it is the only one
   * (exactly the path of an isolated append), else as one group commit. Callers are answered only after
   * the COMMIT returned, so an acknowledged append is as durable as `synchronous` makes a commit.
   */
  const flush = () => {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const before = head;
    if (batch.length === 1) {
      const pending = batch[0] as PendingCall;
      let result: E.Either<StoreError, AppendResult>;
      try {
        result = db.open ? appendInTransaction.immediate(pending.call) : E.left(connectionLost());
      } catch (cause) {
        result = E.left(callFailed(cause, pending.call));
      }
      settle(pending, result);
    } else {
      let results: E.Either<StoreError, AppendResult>[];
      try {
        if (!db.open) throw connectionLostSignal;
        results = groupInTransaction.immediate(batch);
      } catch (cause) {
        // BEGIN, COMMIT or the transaction as a whole failed: nothing of the batch is committed.
        const error = cause === connectionLostSignal ? connectionLost() : toStoreError(cause, db.open);
        for (const pending of batch) pending.resolve(E.left(error));
        return;
      }
      for (const [i, pending] of batch.entries()) settle(pending, results[i] as E.Either<StoreError, AppendResult>);
    }
    if (head > before) wake();
  };

  const appendMulti = (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> =>
    run(() => {
      // Validated and copied now, in the caller's turn: later changes to its objects change nothing.
      const prepared = prepareAppend(requests, ports);
      if (E.isLeft(prepared)) return prepared;
      const chosenIds = requests.map((r) => r.events.some((e) => e?.eventId !== undefined));
      return new Promise<E.Either<StoreError, AppendResult>>((resolve) => {
        queue.push({ call: { requests: prepared.right, chosenIds }, resolve });
        if (!flushScheduled) {
          flushScheduled = true;
          // Not a timer: the batch is whatever was appended concurrently by the time the event loop
          // turns (every appender resumed by the previous commit, every request callback of this turn).
          setImmediate(flush);
        }
      });
    });

  // One read transaction, so the current version and the events come from the same snapshot.
  const readStreamInTransaction = db.transaction((streamId: string, options: ReadStreamOptions): ReadStreamResult => {
    const version = currentVersion(streamId);
    if (version < 0) return { currentVersion: -1, events: [] };
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backward'
        ? stmt.streamBackward.all(streamId, options.fromVersion ?? NO_UPPER_BOUND, limit)
        : stmt.streamForward.all(streamId, options.fromVersion ?? 0, limit);
    return { currentVersion: version, events: (rows as EventRow[]).map(toRecorded) };
  });

  /**
   * Reading a stream to its end (forward, no maxCount), the common case of loading an aggregate: one
   * statement is one snapshot, and its last row IS the current version, so no transaction and no
   * version query are needed. Nothing read (a missing stream, or `fromVersion` past the end) takes the
   * transactional path.
   */
  const readStreamToEnd = (streamId: string, options: ReadStreamOptions): ReadStreamResult => {
    const rows = stmt.streamForward.all(streamId, options.fromVersion ?? 0, -1) as EventRow[];
    const lastRow = rows[rows.length - 1];
    if (lastRow === undefined) return readStreamInTransaction(streamId, options);
    return { currentVersion: lastRow[2], events: rows.map(toRecorded) };
  };

  const readAll = (options?: ReadAllOptions): TE.TaskEither<StoreError, readonly RecordedEvent[]> =>
    run(() => {
      const valid = validateReadAll(options);
      if (E.isLeft(valid)) return valid;
      const { after = 0, before = NO_UPPER_BOUND, direction = 'forward', maxCount = 1000 } = valid.right;
      const rows = (direction === 'backward' ? stmt.allBackward : stmt.allForward).all(after, before, maxCount) as EventRow[];
      return E.right(rows.map(toRecorded));
    });

  const checkpoints: CheckpointStore = {
    load: (projection) =>
      run(() => {
        if (typeof projection !== 'string' || projection.length === 0)
          return E.left(validationError('invalid_checkpoint', 'projection', 'projection must be a non-empty string'));
        const row = stmt.loadCheckpoint.get(projection) as [number, number, string | null] | undefined;
        if (row === undefined) return E.right(undefined);
        const [version, position, state] = row;
        const checkpoint: Checkpoint =
          state === null ? { projection, version, position } : { projection, version, position, state: JSON.parse(state) as JsonValue };
        return E.right(checkpoint);
      }),
    save: (checkpoint) =>
      run(() => {
        const c = (checkpoint ?? {}) as Partial<Checkpoint>;
        if (typeof c.projection !== 'string' || c.projection.length === 0)
          return E.left(validationError('invalid_checkpoint', 'projection', 'projection must be a non-empty string'));
        if (!Number.isSafeInteger(c.version)) return E.left(validationError('invalid_checkpoint', 'version', 'version must be an integer'));
        if (!Number.isSafeInteger(c.position) || (c.position as number) < 0)
          return E.left(validationError('invalid_checkpoint', 'position', 'position must be an integer >= 0'));
        let state: string | null = null;
        if (c.state !== undefined) {
          const json = validateJson(c.state, 'state');
          if (E.isLeft(json)) return json;
          state = JSON.stringify(json.right);
        }
        stmt.saveCheckpoint.run(c.projection, c.version, c.position, state, ports.clock.now().toISOString());
        return E.right(undefined);
      }),
  };

  return {
    path,
    database: db,
    checkpoints,
    append: (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]) => appendMulti([{ streamId, expected, events }]),
    appendMulti,
    readStream: (streamId, options) =>
      run(() => {
        const valid = validateReadStream(streamId, options);
        if (E.isLeft(valid)) return valid;
        const { streamId: id, options: o } = valid.right;
        return E.right(o.direction !== 'backward' && o.maxCount === undefined ? readStreamToEnd(id, o) : readStreamInTransaction(id, o));
      }),
    readAll,
    subscribe: (options) =>
      catchUpSubscription(
        {
          readAll,
          // Woken at once by this process's appends; other processes' appends are found by polling.
          // Positions commit in order (one writer at a time), so reading `position > checkpoint` never skips one.
          waitForAppend: (position, stop) =>
            closed || stop.stopped || head > position
              ? Promise.resolve()
              : new Promise<void>((resolve) => {
                  const done = () => {
                    clearTimeout(timer);
                    waiters.delete(done);
                    unregister();
                    resolve();
                  };
                  const timer = setTimeout(done, pollIntervalMs);
                  const unregister = stop.onStop(done);
                  waiters.add(done);
                }),
        },
        options,
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      // Calls made before close() are written (or get their error), never silently dropped.
      flush();
      wake();
      if (db.open) db.close();
    },
  };
};
