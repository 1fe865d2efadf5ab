import type { CredentialStore, KeyStore, ThrottleStore } from '@selfprov/core';
import { defineCredentialStoreContract, defineKeyStoreContract, defineThrottleStoreContract } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, type PostgresEventStore, postgresSecurityStores } from './index.js';
import { acquire, release, type TestDatabase, useTestDatabase } from './testing/server.js';

// The three security contracts against the real (embedded) PostgreSQL: each test gets its own
// schema, migrated on first use by the event store the security stores share. They run twice: at
// the server's default READ COMMITTED, and with every transaction SERIALIZABLE (where a lost race is
// a serialization failure the stores must retry or report as a revision conflict).
let db: TestDatabase | undefined;
const owners = new WeakMap<object, PostgresEventStore>();

const contract = <S extends object>(
  define: (
    name: string,
    harness: { create(): Promise<S>; dispose(port: S): Promise<void>; timeoutMs?: number },
  ) => ReturnType<typeof suite>,
  pick: (stores: ReturnType<typeof postgresSecurityStores>) => S,
  isolation?: 'serializable',
) => {
  const test = define(isolation === undefined ? 'postgres' : `postgres, ${isolation}`, {
    create: async () => {
      db ??= await acquire();
      const config = isolation === undefined ? db.config : { ...db.config, options: `-c default_transaction_isolation=${isolation}` };
      const store = createPostgresEventStore({ connectionString: config, schema: db.freshSchema('sec'), poolSize: 8 });
      const port = pick(postgresSecurityStores(store));
      owners.set(port, store);
      return port;
    },
    dispose: async (port) => {
      const store = owners.get(port);
      await store?.close();
      if (store) await db?.dropSchema(store.schema);
    },
    // Per operation (the contracts' default is 10 s): only a hang should reach it, even on a loaded machine.
    timeoutMs: 30_000,
  });
  test.after(async () => {
    if (db) await release();
    db = undefined;
  });
  test.run();
};

for (const isolation of [undefined, 'serializable'] as const) {
  contract<CredentialStore>(defineCredentialStoreContract, (s) => s.credentials, isolation);
  contract<ThrottleStore>(defineThrottleStoreContract, (s) => s.throttle, isolation);
  contract<KeyStore>(defineKeyStoreContract, (s) => s.keys, isolation);
}

const test = suite<{ db: TestDatabase; store: PostgresEventStore }>('postgres security stores');
useTestDatabase(test);
test.before.each((ctx) => {
  ctx.store = createPostgresEventStore({ connectionString: ctx.db.config, schema: ctx.db.freshSchema('secx') });
});
test.after.each(async (ctx) => {
  await ctx.store.close();
  await ctx.db.dropSchema(ctx.store.schema);
});

const unwrap = <A>(r: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`failed: ${r.left.code}`);
  return (r as E.Right<A>).right;
};

test('two stores (two pools) on one schema share keys, counters and erasures', async ({ db, store }) => {
  const other = createPostgresEventStore({ connectionString: db.config, schema: store.schema });
  try {
    const [a, b] = [postgresSecurityStores(store), postgresSecurityStores(other)];
    const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).keys.keyFor('alice', true)()));
    assert.is(new Set(keys.map((k) => Buffer.from(unwrap(k) ?? []).toString('hex'))).size, 1, 'one key across pools');
    const at = new Date(Date.UTC(2026, 2, 2, 9));
    const grants = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).throttle.tryAcquire('global', at, 60_000, 4)()));
    assert.is(grants.map(unwrap).filter((g) => g.acquired).length, 4, 'never over the limit across pools');
    assert.is(unwrap(await b.keys.erase('alice')()), true);
    assert.is(unwrap(await a.keys.keyFor('alice', true)()), undefined);
    assert.is(unwrap(await a.keys.isErased('alice')()), true);
  } finally {
    await other.close();
  }
});

test('erasure deletes the key row; only the erasure mark is left', async ({ db, store }) => {
  const { keys } = postgresSecurityStores(store);
  unwrap(await keys.keyFor('alice', true)());
  unwrap(await keys.erase('alice')());
  const s = `"${store.schema}"`;
  assert.is((await db.admin.query(`SELECT count(*)::int AS n FROM ${s}.personal_data_keys`)).rows[0].n, 0);
  const mark = await db.admin.query(`SELECT subject, erased_at IS NOT NULL AS erased FROM ${s}.personal_data_subjects`);
  assert.equal(mark.rows, [{ subject: 'alice', erased: true }]);
});

test('the credential records and throttle attempts live in the event store schema, written by migration 2', async ({ db, store }) => {
  assert.ok(E.isRight(await store.ready()()));
  const tables = await db.admin.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [store.schema]);
  for (const t of ['credentials', 'throttle_keys', 'throttle_attempts', 'personal_data_subjects', 'personal_data_keys'])
    assert.ok(
      tables.rows.some((r) => r.tablename === t),
      t,
    );
});

test('a closed store answers typed errors, never throws, and quotes no stored value', async ({ store }) => {
  const { credentials, throttle, keys } = postgresSecurityStores(store);
  await store.close();
  const c = await credentials.load('alice', 'pin')();
  assert.ok(E.isLeft(c) && c.left.code === 'credential_store_unavailable' && c.left.details?.retryable === false);
  const t = await throttle.tryAcquire('global', new Date(), 1000, 1)();
  assert.ok(E.isLeft(t) && t.left.code === 'throttle_store_unavailable');
  const k = await keys.keyFor('alice', true)();
  assert.ok(E.isLeft(k) && k.left.code === 'store_closed');
});

test('an unreachable server gives retryable typed errors', async () => {
  const store = createPostgresEventStore({ connectionString: 'postgres://nobody:secret@127.0.0.1:1/none', connectTimeoutMs: 500 });
  const { credentials, keys } = postgresSecurityStores(store);
  const c = await credentials.load('alice', 'pin')();
  assert.ok(E.isLeft(c) && c.left.code === 'credential_store_unavailable' && c.left.details?.retryable === true);
  assert.not.ok(JSON.stringify(c).includes('secret'), 'the password of the URL is not quoted');
  const k = await keys.isErased('alice')();
  assert.ok(E.isLeft(k) && k.left.code === 'store_unavailable');
  await store.close();
});

test.run();
