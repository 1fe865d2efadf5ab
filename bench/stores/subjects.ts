/**
 * The stores under test, each behind the `Subject` interface of workloads.ts:
 * selfprov (memory, SQLite, PostgreSQL), Emmett (memory, SQLite, PostgreSQL) and the raw floor
 * (plain better-sqlite3 / pg inserts of the same rows into the same table shape).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { nodeSha256Hex } from '../../packages/adapters/node/src/index.js';
import { createSqliteEventStore, migrations, type SqliteEventStore } from '../../packages/adapters/sqlite/src/index.js';
import { createMemoryEventStore, type EventStore, type StoreError } from '../../packages/core/src/index.js';
import { type PgPool, pg } from './postgres.js';
import { type BenchEvent, evolveTally, initialTally, type Subject, type Tally } from './workloads.js';

// fp-ts is not a dependency of the bench folder: the Either shape is checked by its tag.
type Either<L, R> = { readonly _tag: 'Left'; readonly left: L } | { readonly _tag: 'Right'; readonly right: R };
const E = {
  isLeft: <L, R>(e: Either<L, R>): e is { readonly _tag: 'Left'; readonly left: L } => e._tag === 'Left',
};

const fail = (error: StoreError): never => {
  throw new Error(`${error.code}: ${error.message}`);
};

// ---------------------------------------------------------------- selfprov

/** Any selfprov `EventStore` as a subject: `append` with the expected version, `readStream` + fold, `readAll` pages. */
export const selfprovSubject = (store: EventStore): Subject => ({
  appendOne: async (stream, version, event) => {
    const r = await store.append(stream, version === 0 ? 'no_stream' : version - 1, [event])();
    if (E.isLeft(r)) fail(r.left);
  },
  appendBatch: async (stream, events) => {
    const r = await store.append(stream, 'no_stream', events)();
    if (E.isLeft(r)) fail(r.left);
  },
  aggregate: async (stream) => {
    const r = await store.readStream(stream)();
    if (E.isLeft(r)) return fail(r.left);
    let state = initialTally();
    for (const e of r.right.events) state = evolveTally(state, e);
    return state;
  },
  readAll: async (pageSize) => {
    let after = 0;
    let count = 0;
    for (;;) {
      const r = await store.readAll({ after, maxCount: pageSize })();
      if (E.isLeft(r)) return fail(r.left);
      const page = r.right;
      const last = page[page.length - 1];
      if (last === undefined) return count;
      count += page.length;
      after = last.globalPosition;
    }
  },
  close: () => store.close(),
});

// The node:crypto digest, as `openStore('memory:')` uses: the pure-JS SHA-256 default is about 2x slower.
export const selfprovMemory = (): Subject => selfprovSubject(createMemoryEventStore({}, { digest: nodeSha256Hex }));

export const selfprovSqlite = (path: string, synchronous: 'full' | 'normal'): Subject =>
  selfprovSubject(createSqliteEventStore({ path, synchronous }));

/** Loaded lazily: the PostgreSQL adapter may not be finished when the bench runs. */
export const selfprovPostgres = async (connectionString: string): Promise<Subject> => {
  const { createPostgresEventStore } = (await import('../../packages/adapters/postgres/src/index.js')) as {
    createPostgresEventStore: (options: { connectionString: string }) => EventStore & {
      ready(): () => Promise<Either<StoreError, void>>;
    };
  };
  const store = createPostgresEventStore({ connectionString });
  const ready = await store.ready()();
  if (E.isLeft(ready)) fail(ready.left);
  return selfprovSubject(store);
};

// ---------------------------------------------------------------- Emmett

interface EmmettEventStore {
  appendToStream(stream: string, events: BenchEvent[], options?: { expectedStreamVersion?: bigint | string }): Promise<unknown>;
  aggregateStream(
    stream: string,
    options: { evolve: (state: Tally, event: { data: unknown }) => Tally; initialState: () => Tally },
  ): Promise<{ state: Tally }>;
  close?(): Promise<void>;
}

interface EmmettBatch {
  readonly currentGlobalPosition: bigint;
  readonly messages: readonly unknown[];
}

/**
 * Emmett's SQLite connection prints every failed transaction with console.log; while an Emmett store
 * is open, console.log is muted (the bench counts the failures itself) and restored when the last one closes.
 */
let muted = 0;
const originalLog = console.log;
const mute = () => {
  if (muted++ === 0) console.log = () => undefined;
};
const unmute = () => {
  if (--muted === 0) console.log = originalLog;
};

const emmettSubject = (
  store: EmmettEventStore,
  streamDoesNotExist: string,
  readAll?: (pageSize: number, capMs: number) => Promise<number>,
  close?: () => Promise<void>,
  appender?: (index: number) => Subject,
): Subject => ({
  appendOne: async (stream, version, event) => {
    await store.appendToStream(stream, [event], { expectedStreamVersion: version === 0 ? streamDoesNotExist : BigInt(version) });
  },
  appendBatch: async (stream, events) => {
    await store.appendToStream(stream, [...events], { expectedStreamVersion: streamDoesNotExist });
  },
  aggregate: async (stream) => (await store.aggregateStream(stream, { evolve: evolveTally, initialState: initialTally })).state,
  ...(readAll ? { readAll } : {}),
  ...(appender ? { appender } : {}),
  close: async () => {
    await close?.();
    await store.close?.();
  },
});

/** Pages through `read(after)` until it returns nothing, or `capMs` has passed. */
const pageThrough = async (read: (after: bigint) => Promise<EmmettBatch>, capMs: number): Promise<number> => {
  let after = 0n;
  let count = 0;
  const start = performance.now();
  for (;;) {
    if (performance.now() - start >= capMs) return count;
    const batch = await read(after);
    if (batch.messages.length === 0) return count;
    count += batch.messages.length;
    after = batch.currentGlobalPosition;
  }
};

/** Emmett's in-memory store (`getInMemoryEventStore`). It has no global read. */
export const emmettMemory = (require: NodeJS.Require): Subject => {
  const emmett = require('@event-driven-io/emmett') as {
    getInMemoryEventStore(): EmmettEventStore;
    STREAM_DOES_NOT_EXIST: string;
  };
  return emmettSubject(emmett.getInMemoryEventStore(), emmett.STREAM_DOES_NOT_EXIST);
};

/** Emmett's SQLite store (node-sqlite3, WAL, SQLite's default synchronous); global reads through its `readMessagesBatch`. */
export const emmettSqlite = (require: NodeJS.Require, fileName: string): Subject => {
  const emmett = require('@event-driven-io/emmett') as { STREAM_DOES_NOT_EXIST: string };
  const sqlite = require('@event-driven-io/emmett-sqlite') as {
    getSQLiteEventStore(options: { fileName: string }): EmmettEventStore;
    sqliteConnection(options: { fileName: string }): { close(): void };
    readMessagesBatch(connection: unknown, options: { after: bigint; batchSize: number }): Promise<EmmettBatch>;
  };
  mute();
  const appenders = new Map<number, Subject>();
  return emmettSubject(
    sqlite.getSQLiteEventStore({ fileName }),
    emmett.STREAM_DOES_NOT_EXIST,
    async (pageSize, capMs) => {
      const connection = sqlite.sqliteConnection({ fileName });
      try {
        return await pageThrough((after) => sqlite.readMessagesBatch(connection, { after, batchSize: pageSize }), capMs);
      } finally {
        connection.close();
      }
    },
    async () => unmute(),
    (index) => {
      const found = appenders.get(index);
      if (found) return found;
      const own = emmettSubject(sqlite.getSQLiteEventStore({ fileName }), emmett.STREAM_DOES_NOT_EXIST);
      appenders.set(index, own);
      return own;
    },
  );
};

/** What sqlite3 (Emmett's driver) reports for `PRAGMA synchronous` on a WAL connection: 2 = FULL, 1 = NORMAL. */
export const emmettSqliteSynchronous = (require: NodeJS.Require, fileName: string): Promise<number> => {
  const sqlite3 = require('sqlite3') as {
    Database: new (
      file: string,
    ) => {
      run(sql: string, cb: (err: Error | null) => void): void;
      get(sql: string, cb: (err: Error | null, row: { synchronous: number }) => void): void;
      close(): void;
    };
  };
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(fileName);
    db.run('PRAGMA journal_mode = WAL', (err) => {
      if (err) return reject(err);
      db.get('PRAGMA synchronous', (e, row) => {
        db.close();
        if (e) reject(e);
        else resolve(row.synchronous);
      });
    });
  });
};

/** Emmett's PostgreSQL store; global reads through its `readMessagesBatch` on a dumbo pool. */
export const emmettPostgres = async (require: NodeJS.Require, connectionString: string): Promise<Subject> => {
  const emmett = require('@event-driven-io/emmett') as { STREAM_DOES_NOT_EXIST: string };
  const postgres = require('@event-driven-io/emmett-postgresql') as {
    getPostgreSQLEventStore(connectionString: string): EmmettEventStore & { schema: { migrate(): Promise<unknown> } };
    readMessagesBatch(execute: unknown, options: { after: bigint; batchSize: number }): Promise<EmmettBatch>;
  };
  const { dumbo } = require('@event-driven-io/dumbo') as {
    dumbo(options: { connectionString: string }): { execute: unknown; close(): Promise<void> };
  };
  const store = postgres.getPostgreSQLEventStore(connectionString);
  await store.schema.migrate();
  const pool = dumbo({ connectionString });
  return emmettSubject(
    store,
    emmett.STREAM_DOES_NOT_EXIST,
    (pageSize, capMs) => pageThrough((after) => postgres.readMessagesBatch(pool.execute, { after, batchSize: pageSize }), capMs),
    () => pool.close(),
  );
};

// ---------------------------------------------------------------- raw floor

type Db = SqliteEventStore['database'];
const BetterSqlite = createRequire(new URL('../../packages/adapters/sqlite/package.json', import.meta.url))('better-sqlite3') as new (
  path: string,
) => Db;

/**
 * Plain better-sqlite3: the same table as the selfprov store (its own migrations), WAL, the given
 * synchronous level, one BEGIN IMMEDIATE transaction per call, a prepared INSERT per row. No reads, no
 * checks: the floor any SQLite event store pays for durable inserts of these rows.
 */
export const rawSqlite = (path: string, synchronous: 'full' | 'normal'): Subject => {
  const db = new BetterSqlite(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  for (const m of migrations) db.exec(m.sql);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const row = (stream: string, version: number, e: BenchEvent) =>
    insert.run(stream, version, randomUUID(), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), 1, new Date().toISOString());
  const one = db.transaction(row);
  const many = db.transaction((stream: string, events: readonly BenchEvent[]) => {
    for (let i = 0; i < events.length; i++) row(stream, i, events[i] as BenchEvent);
  });
  const byStream = db.prepare('SELECT data, metadata FROM events WHERE stream_id = ? ORDER BY stream_version').raw();
  const page = db
    .prepare(
      'SELECT position, stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at FROM events WHERE position > ? ORDER BY position LIMIT ?',
    )
    .raw();
  return {
    appendOne: async (stream, version, event) => {
      one.immediate(stream, version, event);
    },
    appendBatch: async (stream, events) => {
      many.immediate(stream, events);
    },
    aggregate: async (stream) => {
      let state = initialTally();
      for (const [data, metadata] of byStream.all(stream) as [string, string][]) {
        JSON.parse(metadata);
        state = evolveTally(state, { data: JSON.parse(data) });
      }
      return state;
    },
    readAll: async (pageSize) => {
      let after = 0;
      let count = 0;
      for (;;) {
        const rows = page.all(after, pageSize) as unknown[][];
        if (rows.length === 0) return count;
        for (const r of rows) {
          JSON.parse(r[5] as string);
          JSON.parse(r[6] as string);
        }
        count += rows.length;
        after = (rows[rows.length - 1] as unknown[])[0] as number;
      }
    },
    close: async () => {
      db.close();
    },
  };
};

/**
 * Plain pg: one table with a unique (stream, version), one INSERT per row in autocommit (one round
 * trip, one durable commit), batches as one INSERT ... SELECT FROM unnest(arrays). Pool of 10, as the
 * selfprov store.
 */
export const rawPostgres = async (connectionString: string): Promise<Subject> => {
  const pool: PgPool = new pg.Pool({ connectionString, max: 10 });
  pool.on('error', () => undefined);
  await pool.query(`CREATE TABLE events (
    global_position bigserial PRIMARY KEY,
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    event_id uuid NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    schema_version integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    UNIQUE (stream_id, stream_version))`);
  const columns = 'stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at';
  return {
    appendOne: async (stream, version, e) => {
      await pool.query(`INSERT INTO events (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
        stream,
        version,
        randomUUID(),
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
        1,
        new Date().toISOString(),
      ]);
    },
    appendBatch: async (stream, events) => {
      const now = new Date().toISOString();
      await pool.query(
        `INSERT INTO events (${columns})
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[], $7::int[], $8::timestamptz[])`,
        [
          events.map(() => stream),
          events.map((_, i) => i),
          events.map(() => randomUUID()),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata)),
          events.map(() => 1),
          events.map(() => now),
        ],
      );
    },
    aggregate: async (stream) => {
      const { rows } = await pool.query<{ data: unknown }>(
        'SELECT data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version',
        [stream],
      );
      let state = initialTally();
      for (const r of rows) state = evolveTally(state, r);
      return state;
    },
    readAll: async (pageSize) => {
      let after = 0;
      let count = 0;
      for (;;) {
        const { rows } = await pool.query<{ global_position: string }>(
          `SELECT global_position, ${columns} FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
          [after, pageSize],
        );
        const last = rows[rows.length - 1];
        if (last === undefined) return count;
        count += rows.length;
        after = Number(last.global_position);
      }
    },
    close: () => pool.end(),
  };
};
