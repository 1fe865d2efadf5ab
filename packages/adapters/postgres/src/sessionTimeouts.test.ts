import { createHash } from 'node:crypto';
import type { StoreError } from '@selfprov/core';
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, type PostgresEventStoreOptions } from './index.js';
import { CLIENT_TIMEOUT_MARGIN_MS } from './sessionTimeouts.js';
import { type RelayedConnection, startProxy } from './testing/proxy.js';
import { migrateFirst, untilReady } from './testing/schemaSetup.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';
import { eventually, WAIT_DEADLINE_MS } from './testing/wait.js';

// The server ends what the client gives up on: every store connection (the pool's and the LISTEN
// connection) carries a statement_timeout and an idle_in_transaction_session_timeout of queryTimeoutMs
// (sessionTimeouts.ts), so nothing a timed-out statement held outlives it, and the store carries on
// with the next call. Each test's schema is migrated first at the default timeouts (schemaSetup.ts):
// the stores below, with timeouts of a second or so, only check it.

const test = suite<{ db: TestDatabase; schema: string; holder: pg.Client }>('session timeouts');
useTestDatabase(test);

test.before.each(async (ctx) => {
  ctx.schema = ctx.db.freshSchema('tmo');
  await migrateFirst(ctx.db, ctx.schema);
  ctx.holder = new pg.Client(ctx.db.config);
  await ctx.holder.connect();
});
test.after.each(async (ctx) => {
  await ctx.holder.end().catch(() => undefined);
  await ctx.db.dropSchema(ctx.schema);
});

const errorOf = <A>(r: E.Either<StoreError, A>): StoreError => {
  if (E.isRight(r)) assert.unreachable('expected an error');
  return (r as E.Left<StoreError>).left;
};

const ok = <A>(r: E.Either<StoreError, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

/** What two distinct connections of the store's pool report (SHOW formats as the server does: 1500ms, 30s). */
const settingsOf = async (options: PostgresEventStoreOptions) => {
  const store = createPostgresEventStore(options);
  try {
    await untilReady(store);
    return ok(
      await store.withPool(async (pool) => {
        const clients = [await pool.connect(), await pool.connect()];
        try {
          const shown = [];
          for (const c of clients) {
            const statement = (await c.query('SHOW statement_timeout')).rows[0].statement_timeout as string;
            const idle = (await c.query('SHOW idle_in_transaction_session_timeout')).rows[0].idle_in_transaction_session_timeout as string;
            shown.push({ statement, idle });
          }
          return E.right(shown);
        } finally {
          for (const c of clients) c.release();
        }
      })(),
    );
  } finally {
    await store.close();
  }
};

test('every pool connection carries statement_timeout and idle_in_transaction_session_timeout of queryTimeoutMs', async ({
  db,
  schema,
}) => {
  const both = (statement: string, idle = statement) => [
    { statement, idle },
    { statement, idle },
  ];
  assert.equal(await settingsOf({ connectionString: db.config, schema, queryTimeoutMs: 1500 }), both('1500ms'));
  assert.equal(await settingsOf({ connectionString: db.config, schema }), both('30s'), 'the default, 30,000 ms');
  assert.equal(await settingsOf({ connectionString: db.url, schema, queryTimeoutMs: 2500 }), both('2500ms'), 'from a URL too');
  // A pool configuration's own lower value is kept; a higher one is lowered to queryTimeoutMs.
  assert.equal(
    await settingsOf({ connectionString: { ...db.config, statement_timeout: 700 }, schema, queryTimeoutMs: 1500 }),
    both('700ms', '1500ms'),
  );
  assert.equal(
    await settingsOf({
      connectionString: { ...db.config, statement_timeout: 60_000, idle_in_transaction_session_timeout: 90_000 },
      schema,
      queryTimeoutMs: 1500,
    }),
    both('1500ms'),
  );
});

test('the LISTEN connection carries the same timeouts: it is opened with the startup parameters the server applies to the pool connections', async ({
  db,
  schema,
}) => {
  // The LISTEN connection runs none of the store's queries, so it cannot be asked (SHOW); what it
  // carries is what it was opened with. The store reaches the server through a relay that records
  // each connection's startup message; a connection is matched to its server backend by the relay's
  // port, which the server sees as the client's (inet_client_port(), pg_stat_activity.client_port).
  const proxy = await startProxy(db.host, db.port);
  const applicationName = `listen-${schema}`;
  const store = createPostgresEventStore({
    connectionString: { ...db.config, host: '127.0.0.1', port: proxy.port, application_name: applicationName },
    schema,
    queryTimeoutMs: 1500,
  });
  const sent = (port: number | undefined) => {
    const relayed: RelayedConnection | undefined = proxy.connections().find((c) => c.serverSidePort === port);
    return { statement: relayed?.startup?.statement_timeout, idle: relayed?.startup?.idle_in_transaction_session_timeout };
  };
  try {
    await untilReady(store);
    // A pool connection: the startup parameters it was opened with are the session's settings.
    const pooled = ok(
      await store.withPool(async (pool) => {
        const c = await pool.connect();
        try {
          const { rows } = await c.query(
            `SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle,
                    inet_client_port() AS port`,
          );
          return E.right(rows[0] as { statement: string; idle: string; port: number });
        } finally {
          c.release();
        }
      })(),
    );
    assert.equal({ statement: pooled.statement, idle: pooled.idle }, { statement: '1500ms', idle: '1500ms' }, 'what the server applied');
    assert.equal(sent(pooled.port), { statement: '1500', idle: '1500' }, 'what the pool connection was opened with');
    // The LISTEN connection, opened by the first subscription.
    const sub = store.subscribe({ onEvent: () => undefined });
    try {
      let listenPort: number | undefined;
      await eventually(async () => {
        const { rows } = await db.admin.query(
          `SELECT client_port FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`,
          [applicationName],
        );
        listenPort = rows[0]?.client_port ?? undefined;
        return listenPort !== undefined;
      }, 'the LISTEN connection');
      assert.ok(listenPort !== pooled.port, 'a connection of its own');
      assert.equal(sent(listenPort), { statement: '1500', idle: '1500' }, 'what the LISTEN connection was opened with');
    } finally {
      await sub.close();
    }
  } finally {
    await store.close();
    await proxy.close();
  }
});

test('a statement held past queryTimeoutMs is ended by the server: its locks go with it and the next append succeeds', async ({
  db,
  schema,
  holder,
}) => {
  // Its own application_name: the store's backends can be told apart from everything else afterwards,
  // without having to catch the call while it waits (the server may cancel it before any look).
  const applicationName = `held-${schema}`;
  const store = createPostgresEventStore({
    connectionString: { ...db.config, application_name: applicationName },
    schema,
    queryTimeoutMs: 800,
  });
  try {
    await untilReady(store);
    // The append function locks streams in the order of their ids' hashes (appendFunction.ts): the
    // call below locks `first`, then waits for `second`, held by another transaction.
    const hash = (id: string) => createHash('sha256').update(id).digest('hex');
    const [first, second] = ['alpha', 'beta'].sort((a, b) => (hash(a) < hash(b) ? -1 : 1)) as [string, string];
    ok(await store.append(first, 'no_stream', testEvents(1))());
    ok(await store.append(second, 'no_stream', testEvents(1))());
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "${schema}".streams WHERE stream_id = $1 FOR UPDATE`, [second]);

    const call = store.appendMulti([
      { streamId: first, expected: 'any', events: testEvents(1) },
      { streamId: second, expected: 'any', events: testEvents(1) },
    ])();
    const e = errorOf(await call);
    assert.is(e.code, 'store_unavailable');
    assert.is(e._tag === 'StoreUnavailable' && e.retryable, true);
    assert.is(e.details?.sqlState, '57014', 'cancelled by the server, not abandoned by the client');
    assert.match(e.message, /statement timeout/);

    // Its transaction ended with the answer (PostgreSQL aborts it as it reports the error, so this holds
    // at once or within milliseconds): no backend of the store is still in a statement or a transaction.
    // The deadline, the client's margin plus the usual slack, is only reached by a failing test.
    await eventually(
      async () =>
        (await db.admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, [applicationName]))
          .rowCount === 0,
      'the timed-out transaction to be gone',
      CLIENT_TIMEOUT_MARGIN_MS + WAIT_DEADLINE_MS,
    );
    // So the stream it had locked is free, while the other one is still held: the next append goes through.
    const next = ok(await store.append(first, 'any', testEvents(1))());
    assert.is(next.streams[0]?.nextExpectedVersion, 1, 'nothing of the cancelled call was kept');
    await holder.query('ROLLBACK');
    ok(await store.append(second, 0, testEvents(1))());
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await store.close();
  }
});

test('a transaction left idle is closed by the server: its locks are released and the store goes on', async ({ db, schema }) => {
  const store = createPostgresEventStore({ connectionString: db.config, schema, queryTimeoutMs: 800 });
  try {
    await untilReady(store);
    ok(await store.append('idle', 'no_stream', testEvents(1))());
    // A body that opens a transaction, takes a lock and then does nothing (a stuck caller).
    const stuck = await store.withPool(async (pool) => {
      const client = await pool.connect();
      client.on('error', () => undefined); // the server's FATAL arrives while the client is idle
      let failure: Error | undefined;
      try {
        await client.query('BEGIN');
        const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
        await client.query(`SELECT 1 FROM "${schema}".streams FOR UPDATE`);
        await eventually(
          async () => (await db.admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0,
          'the server to close the idle transaction',
        );
        await client.query('COMMIT');
        return E.right(undefined);
      } catch (cause) {
        failure = cause instanceof Error ? cause : new Error(String(cause));
        throw cause;
      } finally {
        client.release(failure ?? true);
      }
    })();
    const e = errorOf(stuck);
    assert.is(e.code, 'store_unavailable');
    assert.is(e._tag === 'StoreUnavailable' && e.retryable, true);
    // The row lock went with the connection: the stream is appendable at once.
    ok(await store.append('idle', 0, testEvents(1))());
  } finally {
    await store.close();
  }
});

test.run();
