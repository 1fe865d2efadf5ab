import type { StoreError } from '@selfprov/core';
import { testEvents, withTimeout } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore } from './index.js';
import { startProxy, startSilentServer } from './testing/proxy.js';
import { migrateFirst, untilReady } from './testing/schemaSetup.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';
import { WAIT_DEADLINE_MS } from './testing/wait.js';

// Unreachable servers, bad configuration, dead connections, and the unique-constraint last line of defence.
// A call that must not hang is bounded by the usual deadline (wait.ts), which only a hang reaches.

const test = suite<{ db: TestDatabase }>('failures');
useTestDatabase(test);

const errorOf = <A>(r: E.Either<StoreError, A>): StoreError => {
  if (E.isRight(r)) assert.unreachable('expected an error');
  return (r as E.Left<StoreError>).left;
};

/** A port nothing listens on: bind one, remember it, close it. */
const closedPort = async () => {
  const silent = await startSilentServer();
  await silent.close();
  return silent.port;
};

test('a refused connection gives store_unavailable (retryable), never echoing the password', async () => {
  const port = await closedPort();
  const store = createPostgresEventStore({
    connectionString: `postgres://app:s3cret-pw@127.0.0.1:${port}/selfprov`,
    connectTimeoutMs: 2000,
  });
  const e = errorOf(await withTimeout(store.ready()(), WAIT_DEADLINE_MS, 'ready'));
  assert.is(e.code, 'store_unavailable');
  assert.is(e._tag === 'StoreUnavailable' && e.retryable, true);
  assert.match(e.message, /127\.0\.0\.1:\d+\/selfprov/);
  assert.not.match(e.message, /s3cret/);
  assert.is(errorOf(await withTimeout(store.append('s', 'any', testEvents(1))(), WAIT_DEADLINE_MS, 'append')).code, 'store_unavailable');
  assert.is(errorOf(await withTimeout(store.readAll()(), WAIT_DEADLINE_MS, 'readAll')).code, 'store_unavailable');
  await store.close();
  assert.is(errorOf(await store.readAll()()).code, 'store_closed');
});

test('a server that accepts but never answers gives store_unavailable after the connect timeout, not a hang', async () => {
  const silent = await startSilentServer();
  try {
    const store = createPostgresEventStore({ connectionString: `postgres://app@127.0.0.1:${silent.port}/selfprov`, connectTimeoutMs: 500 });
    const e = errorOf(await withTimeout(store.readStream('s')(), WAIT_DEADLINE_MS, 'readStream'));
    assert.is(e.code, 'store_unavailable');
    assert.is(e._tag === 'StoreUnavailable' && e.retryable, true);
    await withTimeout(store.close(), WAIT_DEADLINE_MS, 'close');
  } finally {
    await silent.close();
  }
});

test('a connection that goes silent mid-use gives store_unavailable after the query timeout, and close() returns', async ({ db }) => {
  const proxy = await startProxy(db.host, db.port);
  const schema = db.freshSchema('silent');
  // Migrated first at the default timeouts, directly (schemaSetup.ts): the store below would otherwise
  // migrate it under its own 500 ms timeouts, and through a relay it must reach within 500 ms.
  await migrateFirst(db, schema);
  const store = createPostgresEventStore({
    connectionString: { ...db.config, host: '127.0.0.1', port: proxy.port },
    schema,
    queryTimeoutMs: 500,
    connectTimeoutMs: 500,
  });
  try {
    // Connected (a slow connect on a loaded machine is tried again) and its schema checked.
    await untilReady(store);
    assert.ok(E.isRight(await store.append('q', 'no_stream', testEvents(1))()));
    proxy.freeze();
    const e = errorOf(await withTimeout(store.readStream('q')(), WAIT_DEADLINE_MS, 'read on a silent connection'));
    assert.is(e.code, 'store_unavailable');
    assert.is(e._tag === 'StoreUnavailable' && e.retryable, true);
    const again = errorOf(await withTimeout(store.append('q', 0, testEvents(1))(), WAIT_DEADLINE_MS, 'append on a silent connection'));
    assert.is(again.code, 'store_unavailable');
  } finally {
    await withTimeout(store.close(), WAIT_DEADLINE_MS, 'close');
    await proxy.close();
    await db.dropSchema(schema);
  }
});

test('a connect_timeout in the URL is honoured', async () => {
  const silent = await startSilentServer();
  try {
    const store = createPostgresEventStore({ connectionString: `postgres://app@127.0.0.1:${silent.port}/selfprov?connect_timeout=1` });
    const e = errorOf(await withTimeout(store.ready()(), WAIT_DEADLINE_MS, 'ready'));
    assert.is(e.code, 'store_unavailable');
    await store.close();
  } finally {
    await silent.close();
  }
});

test('a malformed URL or option: every call answers the same typed validation error', async () => {
  const bad = createPostgresEventStore({ connectionString: 'postgres://app:pw@host:99999/db' });
  const answers: E.Either<StoreError, unknown>[] = [
    await bad.ready()(),
    await bad.append('s', 'any', testEvents(1))(),
    await bad.readAll()(),
  ];
  for (const r of answers) {
    const e = errorOf(r);
    assert.is(e.code, 'invalid_store_url');
    assert.is(e.field, 'connectionString');
  }
  await bad.close();
  const badSchema = createPostgresEventStore({ connectionString: 'postgres://app@localhost/db', schema: 'Robert"); DROP TABLE' });
  const e = errorOf(await badSchema.readStream('s')());
  assert.is(e.code, 'invalid_schema');
  assert.is(e.field, 'schema');
  await badSchema.close();
  const badPool = createPostgresEventStore({ connectionString: 'postgres://app@localhost/db', poolSize: 0 });
  assert.is(errorOf(await badPool.ready()()).field, 'poolSize');
  await badPool.close();
});

test('killed backends: calls fail typed or succeed, and the store recovers by itself', async ({ db }) => {
  const schema = db.freshSchema('kill');
  const store = createPostgresEventStore({ connectionString: { ...db.config, application_name: `kill-${schema}` }, schema });
  try {
    assert.ok(E.isRight(await store.append('k', 'no_stream', testEvents(1))()));
    await db.admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`kill-${schema}`]);
    // The pool may hand out a connection that died a moment ago: a typed, retryable error at worst.
    const first = await withTimeout(store.append('k', 0, testEvents(1))(), WAIT_DEADLINE_MS, 'append after kill');
    if (E.isLeft(first)) {
      assert.is(first.left.code, 'store_unavailable');
      assert.is(first.left._tag === 'StoreUnavailable' && first.left.retryable, true);
    }
    // Then it reconnects: the stream is intact and appendable.
    let version = -1;
    for (let i = 0; i < 5 && version < 0; i++) {
      const r = await store.readStream('k')();
      if (E.isRight(r)) version = r.right.currentVersion;
    }
    assert.is(version, E.isRight(first) ? 1 : 0);
    assert.ok(E.isRight(await store.append('k', version, testEvents(1))()));
  } finally {
    await store.close();
    await db.dropSchema(schema);
  }
});

test('a unique violation (a row written around the locks) becomes wrong_expected_version, never a crash', async ({ db }) => {
  const schema = db.freshSchema('uniq');
  const store = createPostgresEventStore({ connectionString: db.config, schema });
  try {
    assert.ok(E.isRight(await store.append('u', 'no_stream', testEvents(1))()));
    // Someone bypasses the append function and writes version 1 without moving the stream row.
    await db.admin.query(
      `INSERT INTO "${schema}".events (stream_key, stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
       SELECT stream_key, stream_id, 1, gen_random_uuid(), 'Rogue', 1, '{}', '{}', '2026-01-01T00:00:00.000Z' FROM "${schema}".streams WHERE stream_id = 'u'`,
    );
    const e = errorOf(await store.append('u', 0, testEvents(1))());
    assert.is(e.code, 'wrong_expected_version');
    assert.is(e._tag === 'WrongExpectedVersion' && e.streamId, 'u');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 1);
    const events = await db.admin.query(`SELECT count(*) AS n FROM "${schema}".events`);
    assert.is(Number(events.rows[0].n), 2, 'nothing more was written');
  } finally {
    await store.close();
    await db.dropSchema(schema);
  }
});

test('an append on a dropped schema is a typed, non-retryable error', async ({ db }) => {
  const schema = db.freshSchema('gone');
  const store = createPostgresEventStore({ connectionString: db.config, schema });
  try {
    assert.ok(E.isRight(await store.ready()()));
    await db.dropSchema(schema);
    const e = errorOf(await store.append('g', 'any', testEvents(1))());
    assert.is(e.code, 'store_unavailable');
    assert.is(e._tag === 'StoreUnavailable' && e.retryable, false);
  } finally {
    await store.close();
  }
});

test.run();
