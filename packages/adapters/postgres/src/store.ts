import {
  type AppendRequest,
  type AppendResult,
  type CheckpointStore,
  catchUpSubscription,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type PreparedRequest,
  planAppendInOrder,
  prepareAppend,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type Runtime,
  type StoreError,
  type StreamAppendResult,
  type StreamPlan,
  type StreamSnapshot,
  storeClosed,
  storeUnavailable,
  systemRuntime,
  type ValidationError,
  validateReadAll,
  validateReadStream,
  validationError,
  wrongExpectedVersion,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import { type AppendCall, appendOneStatement, appendStatement, contentHashesByStream, toAppendOneArgs, toBatchArgs } from './appendSql.js';
import { createCheckpointStore } from './checkpoints.js';
import { isCancelled, isTransientConflict, isUniqueViolation, sqlState, toStoreError } from './errors.js';
import { createNotifier } from './notifier.js';
import { migrate, notifyChannel, quoteIdent } from './schema.js';
import { sessionTimeouts, withSessionTimeouts } from './sessionTimeouts.js';
import { DEFAULT_SCHEMA, describePostgresTarget, parsePostgresUrl, validateSchemaName } from './url.js';

/** Options of {@link createPostgresEventStore}. */
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

/** How long a committed append waits for others to share its NOTIFY (a NOTIFY is a commit of its own). */
const ANNOUNCE_DELAY_MS = 2;

/** The snapshot of a stream none of whose call's event ids is recorded (shared: never written to). */
const NOTHING_RECORDED: ReadonlyMap<string, { readonly streamVersion: number; readonly type: string }> = new Map();

/** Attempts of an append that lost a race the database detected (deadlock, unique violation). */
const MAX_ATTEMPTS = 4;

/** Most calls, and events, one group-commit round trip carries (the statement stays small). */
const MAX_BATCH_CALLS = 64;
const MAX_BATCH_EVENTS = 1000;

/** An append call waiting for its round trip. */
interface Pending extends AppendCall {
  readonly events: number;
  readonly done: (outcome: E.Either<StoreError, AppendResult>) => void;
}

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  occurred_at: string;
  prev_hash: string | null;
  hash: string | null;
}

/** One event as `readStream`'s JSON carries it: [position, version, id, type, schema version, data, metadata, occurred at, prev hash, hash]. */
type PackedEvent = [
  number,
  number,
  string,
  string,
  number,
  RecordedEvent['data'],
  RecordedEvent['metadata'],
  string,
  string | null,
  string | null,
];

const EVENT_COLUMNS =
  'global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at, prev_hash, hash';

/** The chain fields, when the row has them (every row does once migration 3 hashed the older ones). */
const chainOf = (prevHash: string | null, hash: string | null): { prevHash?: string | null; hash?: string } =>
  hash === null ? {} : { prevHash, hash };

const toRecorded = (row: EventRow): RecordedEvent => ({
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  eventId: row.event_id,
  schemaVersion: row.schema_version,
  occurredAt: row.occurred_at,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  globalPosition: Number(row.global_position),
  ...chainOf(row.prev_hash, row.hash),
});

/**
 * What the append function answers: `w` written; `v` versions per request; `p` positions; `k` already
 * recorded ids; `ph` the head hash each request chained onto; `h` the new events' hashes in call order.
 */
interface AppendAnswer {
  readonly w: boolean;
  readonly v: readonly number[];
  readonly p?: readonly number[];
  readonly ph?: readonly (string | null)[];
  readonly h?: readonly string[];
  /** [request (1-based), eventId, streamVersion, type, globalPosition, data, metadata, schemaVersion, occurredAt, streamId, prevHash, hash] */
  readonly k?: readonly (readonly [
    number,
    string,
    number,
    string,
    number,
    unknown,
    unknown,
    number,
    string,
    string,
    string | null,
    string | null,
  ])[];
}

const positiveInt = (value: unknown, field: string, fallback: number): E.Either<ValidationError, number> =>
  value === undefined
    ? E.right(fallback)
    : typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
      ? E.right(value)
      : E.left(validationError('invalid_store_options', field, `${field} must be an integer >= 1`));

interface Config {
  readonly pool: pg.PoolConfig;
  readonly schema: string;
  readonly pollIntervalMs: number;
  readonly listen: boolean;
  readonly maxConcurrentAppends: number;
}

const configure = (options: PostgresEventStoreOptions): E.Either<ValidationError, Config> => {
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

/**
 * An `EventStore` on PostgreSQL (13 or later), safe for many processes writing and reading at once.
 *
 * The factory does no I/O: the first call (or `ready()`) connects and migrates the schema. Every
 * failure is a typed `StoreError`; an unreachable server gives `store_unavailable` after the
 * connection timeout, never a hang. A configuration error (a malformed URL, a bad schema name) is
 * answered by every call as the same `ValidationError`.
 *
 * Appends are one round trip to the `<schema>.append` function (see `schema.ts`). Reads of the global
 * log only return events of transactions older than every transaction still running, so a catch-up
 * reader never skips an event that commits late (see the README's "visibility rule").
 */
export const createPostgresEventStore = (options: PostgresEventStoreOptions): PostgresEventStore => {
  const ports = { ...systemRuntime(), ...(options.runtime ?? {}) };
  const config = configure(options);
  // An invalid configuration never reaches SQL (no pool is made); the default only names the store.
  const schema = E.isRight(config) ? config.right.schema : DEFAULT_SCHEMA;
  const s = quoteIdent(schema);
  const target = E.isRight(config) ? describePostgresTarget(config.right.pool) : 'PostgreSQL';
  const pool = E.isRight(config) ? new pg.Pool(config.right.pool) : undefined;
  // Idle connections that die (server restart, network) are dropped by the pool; the next call reconnects.
  pool?.on('error', () => undefined);
  const notifier = createNotifier({
    clientConfig: E.isRight(config) ? config.right.pool : {},
    channel: notifyChannel(schema),
    pollIntervalMs: E.isRight(config) ? config.right.pollIntervalMs : 500,
    listen: E.isRight(config) ? config.right.listen : false,
  });
  const maxConcurrentAppends = E.isRight(config) ? config.right.maxConcurrentAppends : 1;
  let closed = false;
  let closing: Promise<void> | undefined;
  let migrated: Promise<E.Either<StoreError, void>> | undefined;
  const channel = notifyChannel(schema);
  /** The highest position committed by this store and not yet announced; 0 when none. */
  let unannounced = 0;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;
  let announcing: Promise<void> | undefined;

  const sendAnnouncement = (p: pg.Pool): Promise<void> => {
    announceTimer = undefined;
    // Nothing to say: return before `announcing` is set, which only the loop below may clear.
    if (unannounced <= 0) return Promise.resolve();
    const run = (async () => {
      try {
        while (unannounced > 0) {
          const upTo = unannounced;
          unannounced = 0;
          // A NOTIFY transaction gets a transaction id, so its commit would wait for a WAL flush of its
          // own, competing with the appends' flushes (W1 measured 10-20% slower). A wake-up needs no
          // durability: committed asynchronously, it is flushed along with the next append.
          // `set_config(..., true)` lasts until the end of the statement's own (implicit) transaction.
          await p.query({
            name: 'selfprov_notify_async',
            text: "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1::text, $2::text)",
            values: [channel, String(upTo)],
          });
        }
      } catch {
        // The pool is closed or the server is gone: the subscriptions' polling covers it.
        unannounced = 0;
      } finally {
        announcing = undefined;
      }
    })();
    announcing = run;
    return run;
  };

  /**
   * Wakes subscriptions of other processes once an append has committed: a NOTIFY after commit, not
   * inside the append's transaction, where it would take PostgreSQL's notification lock and so
   * serialise every commit (and its fsync) behind it. Appends committed within ANNOUNCE_DELAY_MS of
   * each other, or while a NOTIFY is in flight, share one. Best effort, as before: subscriptions also
   * poll, which covers a NOTIFY lost with a crash or a failed connection.
   */
  const announce = (p: pg.Pool, position: number) => {
    unannounced = Math.max(unannounced, position);
    if (announcing || announceTimer || closed) return;
    announceTimer = setTimeout(() => void sendAnnouncement(p), ANNOUNCE_DELAY_MS);
    announceTimer.unref?.();
  };

  /** On close: what is still unannounced goes out before the pool ends. */
  const flushAnnouncements = async (): Promise<void> => {
    if (announceTimer) {
      clearTimeout(announceTimer);
      if (pool) await sendAnnouncement(pool);
    }
    await announcing;
  };

  const ready = (): Promise<E.Either<StoreError, void>> => {
    if (E.isLeft(config)) return Promise.resolve(config);
    if (closed || !pool) return Promise.resolve(E.left(storeClosed()));
    if (!migrated) {
      const attempt = migrate(pool, schema, target).then((r) => (E.isLeft(r) ? r : E.right(undefined)));
      migrated = attempt;
      // A failed attempt (server down) is not remembered: the next call tries again.
      void attempt.then((r) => {
        if (E.isLeft(r) && migrated === attempt) migrated = undefined;
      });
    }
    return migrated;
  };

  /** Runs `body` once the store is ready; maps every exception to a typed error. */
  const run =
    <A>(body: (pool: pg.Pool) => Promise<E.Either<StoreError, A>>): TE.TaskEither<StoreError, A> =>
    async () => {
      if (closed || !pool) return E.left(E.isLeft(config) && !closed ? config.left : storeClosed());
      const r = await ready();
      if (E.isLeft(r)) return closed ? E.left(storeClosed()) : r;
      try {
        return await body(pool);
      } catch (cause) {
        return E.left(toStoreError(cause, target, closed));
      }
    };

  /**
   * One round trip of the append function for `calls` (one transaction); returns each call's
   * outcome, decided by the kernel from the function's answer, in order. Throws what `pg` throws.
   */
  const sendBatch = async (p: pg.Pool, calls: readonly AppendCall[], checkIds: boolean): Promise<E.Either<StoreError, AppendResult>[]> => {
    const { rows } = await p.query<{ r: readonly AppendAnswer[] }>({
      name: 'selfprov_append_v5',
      text: appendStatement(s),
      values: toBatchArgs(calls, checkIds) as unknown as unknown[],
    });
    const answers = rows[0]?.r;
    if (!answers || answers.length !== calls.length)
      return calls.map(() =>
        E.left(storeUnavailable('the append function answered no outcome for a call (a bug); its events may have been written', false)),
      );
    let highest = 0;
    for (const a of answers) if (a.w) for (const position of a.p ?? []) if (position > highest) highest = position;
    if (highest > 0) announce(p, highest);
    return calls.map((call, i) => interpret(call.requests, answers[i] as AppendAnswer, call.contentHashes));
  };

  /**
   * A single-event call through `append_one` (scalar parameters: cheaper to send and to parse than
   * `append`'s arrays); `undefined` when it is not such a call or the function left it to `append`.
   */
  const sendOne = async (p: pg.Pool, call: AppendCall): Promise<E.Either<StoreError, AppendResult> | undefined> => {
    const values = toAppendOneArgs(call);
    if (!values) return undefined;
    const { rows } = await p.query<{ r: readonly AppendAnswer[] | null }>({
      name: 'selfprov_append_one_v6',
      text: appendOneStatement(s),
      values,
    });
    const answer = rows[0]?.r?.[0];
    if (!answer) return undefined;
    const position = answer.p?.[0];
    if (answer.w && position !== undefined) announce(p, position);
    return interpret(call.requests, answer, call.contentHashes);
  };

  /**
   * One call on its own, retried when it lost a race the database detected. A retry checks every
   * event id first: a unique violation may mean the call's events are already recorded (a retried
   * command whose first attempt committed), and then the answer is their replay.
   */
  const appendAlone = (call: AppendCall): Promise<E.Either<StoreError, AppendResult>> =>
    run(async (p) => {
      for (let attempt = 1; ; attempt++) {
        try {
          if (attempt === 1) {
            const taken = await sendOne(p, call);
            if (taken) return taken;
          }
          return (await sendBatch(p, [call], attempt > 1))[0] as E.Either<StoreError, AppendResult>;
        } catch (cause) {
          if (closed || !isTransientConflict(cause)) throw cause;
          if (attempt >= MAX_ATTEMPTS) {
            if (isUniqueViolation(cause)) return uniqueViolationConflict(p, call.requests);
            throw cause;
          }
          if (attempt > 1) await ports.timers.sleep(5 * attempt);
        }
      }
    })();

  /**
   * Group commit: calls issued while `maxConcurrentAppends` round trips are in flight wait, and the
   * next round trip carries all of them that touch distinct streams (up to MAX_BATCH_CALLS calls or
   * MAX_BATCH_EVENTS events): one transaction and one WAL flush for many appends, each still decided
   * and answered on its own. A lone caller never waits. If the shared transaction fails for any reason
   * (a deadlock, a recorded event id, a lost connection), every call of it is run again on its own:
   * appends are idempotent by event id, so a batch that committed before its answer was lost is
   * replayed, never written twice.
   */
  let queue: Pending[] = [];
  let inFlight = 0;
  /** Streams of the calls in flight: a later call on one of them waits, so appends to a stream apply in the order issued. */
  const busy = new Map<string, number>();
  const markBusy = (batch: readonly Pending[], delta: 1 | -1) => {
    for (const call of batch)
      for (const { streamId } of call.requests) {
        const n = (busy.get(streamId) ?? 0) + delta;
        if (n === 0) busy.delete(streamId);
        else busy.set(streamId, n);
      }
  };

  /** The next round trip's calls (possibly none: every waiting call touches a stream in flight). */
  const takeBatch = (): Pending[] => {
    const only = queue.length === 1 ? (queue[0] as Pending) : undefined;
    // The usual case of a lone caller: one call waiting, nothing of it in flight.
    if (only && (busy.size === 0 || !only.requests.some((r) => busy.has(r.streamId)))) {
      queue = [];
      return [only];
    }
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    // Streams of every call looked at, taken or not: a later call on one of them keeps its place after it.
    const seen = new Set<string>(busy.keys());
    let events = 0;
    for (const [i, call] of queue.entries()) {
      if (batch.length >= MAX_BATCH_CALLS) {
        queue = [...rest, ...queue.slice(i)];
        return batch;
      }
      const free = !call.requests.some((r) => seen.has(r.streamId));
      // Guard-only calls (no events) take no locks and go alone, as do calls after one that is too big.
      const fits =
        free && (batch.length === 0 || (call.events > 0 && (batch[0] as Pending).events > 0 && events + call.events <= MAX_BATCH_EVENTS));
      if (fits) {
        batch.push(call);
        events += call.events;
      } else rest.push(call);
      for (const r of call.requests) seen.add(r.streamId);
    }
    queue = rest;
    return batch;
  };

  const runBatch = async (batch: readonly Pending[]): Promise<void> => {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only) return only.done(await appendAlone(only));
    const outcomes = await run(async (p): Promise<E.Either<StoreError, E.Either<StoreError, AppendResult>[] | undefined>> => {
      try {
        return E.right(await sendBatch(p, batch, false));
      } catch (cause) {
        // The server refused the statement (it has a SQLSTATE: a deadlock, a recorded event id...):
        // its transaction is rolled back, nothing of the batch is written, so each call is decided
        // again on its own. Not after a cancel (the statement timeout): rolled back too, but the time
        // is spent, and retrying each call one after another would make the last wait a timeout per
        // call; every call gets the store's retryable error instead. Any other failure (the client's
        // own timeout, a lost connection) leaves the transaction's fate unknown, as for a lone call:
        // every call gets the store's error, which says so.
        if (!closed && sqlState(cause) !== undefined && !isCancelled(cause)) return E.right(undefined);
        throw cause;
      }
    })();
    if (E.isLeft(outcomes)) {
      for (const call of batch) call.done(outcomes);
      return;
    }
    const answered = outcomes.right;
    if (answered) {
      for (const [i, call] of batch.entries()) call.done(answered[i] as E.Either<StoreError, AppendResult>);
      return;
    }
    // One after another, as the batch went: the concurrency limit holds, and calls on the locks that
    // failed the batch do not all wait on them at once.
    for (const call of batch) call.done(await appendAlone(call));
  };

  const pump = (): void => {
    while (inFlight < maxConcurrentAppends && queue.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      inFlight += 1;
      markBusy(batch, 1);
      void runBatch(batch)
        .catch((cause) => {
          // Cannot happen (every path answers an Either); if it does, no caller is left waiting.
          const error = storeUnavailable(`append failed: ${String(cause)}`, false);
          for (const call of batch) call.done(E.left(error));
        })
        .finally(() => {
          inFlight -= 1;
          markBusy(batch, -1);
          pump();
        });
    }
  };

  const interpret = (
    prepared: readonly PreparedRequest[],
    answer: AppendAnswer,
    contentHashes: ReadonlyMap<string, readonly string[]>,
  ): E.Either<StoreError, AppendResult> => {
    const known = answer.k ?? [];
    const snapshots: StreamSnapshot[] = new Array(prepared.length);
    for (let i = 0; i < prepared.length; i++) {
      let existing = NOTHING_RECORDED;
      for (const k of known)
        if (k[0] === i + 1) {
          if (existing === NOTHING_RECORDED) existing = new Map();
          (existing as Map<string, { streamVersion: number; type: string }>).set(k[1], { streamVersion: k[2], type: k[3] });
        }
      snapshots[i] = { version: answer.v[i] ?? -1, existing, lastHash: answer.ph?.[i] ?? null };
    }
    // The kernel decides, from the snapshot the function read under its locks, exactly as for every
    // store; its chain links must be the ones the function stored.
    const plans = planAppendInOrder(prepared, snapshots, { digest: nodeSha256Hex, contentHashes });
    // Cannot happen unless the SQL function and planAppend drift apart: say so rather than guess.
    const diverged = () =>
      E.left(
        storeUnavailable(
          `the append function ${answer.w ? 'wrote' : 'refused'} a call the kernel plans otherwise (a bug); read the streams to see the outcome`,
          false,
        ),
      );
    if (E.isLeft(plans)) return answer.w ? diverged() : plans;
    const writes = plans.right.some((p) => p.kind === 'write');
    if (writes !== answer.w) return diverged();
    // Positions are handed out in call order; the write plans below consume them in that order too.
    if (answer.w) notifier.bump();
    const positions = answer.p ?? [];
    const hashes = answer.h ?? [];
    let next = 0;
    let lastGlobalPosition = 0;
    let replay = false;
    const streams: StreamAppendResult[] = new Array(plans.right.length);
    for (let k = 0; k < plans.right.length; k++) {
      const plan = plans.right[k] as StreamPlan;
      if (plan.kind === 'check') {
        streams[k] = { streamId: plan.streamId, nextExpectedVersion: plan.version, events: [] };
      } else if (plan.kind === 'replay') {
        // Replay plans leave out the event-less requests: find the request by its stream.
        replay = true;
        const index = prepared.findIndex((r) => r.streamId === plan.streamId);
        const events = known
          .filter((row) => row[0] === index + 1)
          .sort((a, b) => a[2] - b[2])
          .map(
            (row): RecordedEvent => ({
              type: row[3],
              data: row[5] as RecordedEvent['data'],
              metadata: row[6] as RecordedEvent['metadata'],
              eventId: row[1],
              schemaVersion: row[7],
              occurredAt: row[8],
              streamId: row[9],
              streamVersion: row[2],
              globalPosition: row[4],
              ...chainOf(row[10], row[11]),
            }),
          );
        for (const e of events) if (e.globalPosition > lastGlobalPosition) lastGlobalPosition = e.globalPosition;
        streams[k] = { streamId: plan.streamId, nextExpectedVersion: answer.v[index] ?? -1, events };
      } else {
        // Write plans are one per request, in order; positions and hashes are handed out in call order.
        const request = prepared[k] as PreparedRequest;
        const events: RecordedEvent[] = new Array(request.events.length);
        for (let i = 0; i < request.events.length; i++) {
          const e = request.events[i] as PreparedRequest['events'][number];
          const link = plan.links[i];
          const globalPosition = positions[next + i] as number;
          // A literal, not a spread of `e`: this runs for every event appended.
          events[i] = {
            type: e.type,
            data: e.data,
            metadata: e.metadata,
            eventId: e.eventId,
            schemaVersion: e.schemaVersion,
            occurredAt: e.occurredAt,
            streamId: plan.streamId,
            streamVersion: plan.firstVersion + i,
            globalPosition,
            prevHash: link?.prevHash ?? null,
            hash: link?.hash as string,
          };
          // The function linked the chain itself; the kernel must agree, or the write is not reported as a success.
          if (link?.hash !== hashes[next + i])
            return E.left(
              storeUnavailable(
                'the append function chained hashes the kernel computes otherwise (a bug); `selfprov audit verify` will say where',
                false,
              ),
            );
          if (globalPosition > lastGlobalPosition) lastGlobalPosition = globalPosition;
        }
        next += events.length;
        streams[k] = { streamId: plan.streamId, nextExpectedVersion: plan.firstVersion + events.length - 1, events };
      }
    }
    return E.right({ streams, lastGlobalPosition, idempotentReplay: replay });
  };

  /** After repeated unique violations (something wrote around the locks): report the stream as moved. */
  const uniqueViolationConflict = async (p: pg.Pool, prepared: readonly PreparedRequest[]): Promise<E.Either<StoreError, never>> => {
    const request = prepared.find((r) => r.events.length > 0) ?? (prepared[0] as PreparedRequest);
    const { rows } = await p.query<{ v: string | null }>(
      `SELECT max(e.stream_version) AS v FROM ${s}.events e JOIN ${s}.streams st USING (stream_key)
        WHERE st.stream_hash = sha256(convert_to($1::text, 'UTF8'))`,
      [request.streamId],
    );
    const actual = rows[0]?.v == null ? -1 : Number(rows[0].v);
    return E.left(wrongExpectedVersion(request.streamId, request.expected, actual));
  };

  const appendMulti = (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, AppendResult> => {
    if (closed) return async () => E.left(storeClosed());
    const prepared = prepareAppend(requests, ports);
    if (E.isLeft(prepared)) return async () => prepared;
    // Hashed once, before any attempt: the content does not depend on where the events land.
    const call = { requests: prepared.right, contentHashes: contentHashesByStream(prepared.right) };
    const events = prepared.right.reduce((n, r) => n + r.events.length, 0);
    return () =>
      new Promise((done) => {
        queue.push({ requests: call.requests, contentHashes: call.contentHashes, events, done });
        pump();
      });
  };

  const readStream = (streamId: string, options?: ReadStreamOptions): TE.TaskEither<StoreError, ReadStreamResult> => {
    const valid = validateReadStream(streamId, options);
    if (closed) return async () => E.left(storeClosed());
    if (E.isLeft(valid)) return async () => valid;
    const { direction = 'forward', fromVersion, maxCount } = valid.right.options;
    const forward = direction === 'forward';
    return run(async (p) => {
      // One statement, one snapshot: the version and the events agree. No row: no such stream. The
      // events come as ONE JSON text (one parse here), not a row each: a row of eleven fields costs
      // more to decode than the same fields inside one JSON document.
      const { rows } = await p.query<{ version: string; events: string | null }>({
        name: `selfprov_read_stream_${direction}_v5`,
        text: `
          SELECT st.version, (
            SELECT json_agg(json_build_array(e.global_position, e.stream_version, e.event_id, e.type, e.schema_version,
                                             e.data, e.metadata, e.occurred_at, e.prev_hash, e.hash)
                            ORDER BY e.stream_version ${forward ? 'ASC' : 'DESC'})::text
              FROM (SELECT * FROM ${s}.events ev
                     WHERE ev.stream_key = st.stream_key AND ev.stream_version ${forward ? '>=' : '<='} $2::bigint
                     ORDER BY ev.stream_version ${forward ? 'ASC' : 'DESC'} LIMIT $3::bigint) e
            ) AS events
            FROM ${s}.streams st
           WHERE st.stream_hash = sha256(convert_to($1::text, 'UTF8'))`,
        values: [valid.right.streamId, fromVersion ?? (forward ? 0 : Number.MAX_SAFE_INTEGER), maxCount ?? null],
      });
      const row = rows[0];
      const streamId = valid.right.streamId;
      const packed = row?.events ? (JSON.parse(row.events) as PackedEvent[]) : [];
      const events = packed.map((e): RecordedEvent => {
        // Fields set one by one, not spread: this runs for every event read.
        const event: { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] } = {
          type: e[3],
          data: e[5],
          metadata: e[6],
          eventId: e[2],
          schemaVersion: e[4],
          occurredAt: e[7],
          streamId,
          streamVersion: e[1],
          globalPosition: e[0],
        };
        if (e[9] !== null) {
          event.prevHash = e[8];
          event.hash = e[9];
        }
        return event;
      });
      return E.right({ currentVersion: row ? Number(row.version) : -1, events });
    });
  };

  const readAll = (options?: ReadAllOptions): TE.TaskEither<StoreError, readonly RecordedEvent[]> => {
    const valid = validateReadAll(options);
    if (closed) return async () => E.left(storeClosed());
    if (E.isLeft(valid)) return async () => valid;
    const { after = 0, before, direction = 'forward', maxCount = 1000 } = valid.right;
    const forward = direction === 'forward';
    return run(async (p) => {
      // The visibility rule: only events of transactions older than every running one. A position
      // below them can no longer appear (positions follow transaction ids), so a reader that
      // checkpoints the last position it saw never skips an event committed late.
      const { rows } = await p.query<EventRow>({
        name: `selfprov_read_all_${direction}_${before === undefined ? 'open' : 'bounded'}`,
        text: `
          SELECT ${EVENT_COLUMNS} FROM ${s}.events
           WHERE global_position > $1::bigint ${before === undefined ? '' : 'AND global_position < $3::bigint'}
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY global_position ${forward ? 'ASC' : 'DESC'} LIMIT $2::bigint`,
        values: before === undefined ? [after, maxCount] : [after, maxCount, before],
      });
      return E.right(rows.map(toRecorded));
    });
  };

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
          await flushAnnouncements();
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
