import { readFileSync } from 'node:fs';
import type { CredentialStore, KeyStore, ThrottleStore } from '@selfprov/core';
import { defineCredentialStoreContract, defineKeyStoreContract, defineThrottleStoreContract } from '@selfprov/core/testkit';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, type SqliteEventStore, sqliteSecurityStores } from './index.js';
import { migrateSchema } from './schema.js';
import { tempDir } from './testing/files.js';

// The three security contracts against real files: each test gets a new file, closed after it.
const tmp = tempDir('security');
let files = 0;
const owners = new WeakMap<object, SqliteEventStore>();
const harness = <S extends object>(pick: (s: ReturnType<typeof sqliteSecurityStores>) => S) => ({
  create: async () => {
    files += 1;
    const store = createSqliteEventStore({ path: tmp.file(`contract-${files}.db`) });
    const port = pick(sqliteSecurityStores(store));
    owners.set(port, store);
    return port;
  },
  dispose: async (port: S) => {
    await owners.get(port)?.close();
  },
});

defineCredentialStoreContract(
  'sqlite',
  harness<CredentialStore>((s) => s.credentials),
).run();
defineThrottleStoreContract(
  'sqlite',
  harness<ThrottleStore>((s) => s.throttle),
).run();
defineKeyStoreContract(
  'sqlite',
  harness<KeyStore>((s) => s.keys),
).run();

const test = suite('sqlite security stores');
test.after(() => tmp.remove());

const unwrap = <A>(r: E.Either<{ code: string }, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`failed: ${r.left.code}`);
  return (r as E.Right<A>).right;
};
const includes = (haystack: Buffer, needle: Uint8Array) => haystack.indexOf(Buffer.from(needle)) >= 0;
const fileBytes = (path: string) => {
  const read = (p: string) => {
    try {
      return readFileSync(p);
    } catch {
      return Buffer.alloc(0);
    }
  };
  return Buffer.concat([read(path), read(`${path}-wal`)]);
};

test('two stores on one file (two connections) share records, counters and keys', async () => {
  const path = tmp.file('shared.db');
  const [a, b] = [createSqliteEventStore({ path }), createSqliteEventStore({ path })];
  const [sa, sb] = [sqliteSecurityStores(a), sqliteSecurityStores(b)];
  const key = unwrap(await sa.keys.keyFor('alice', true)());
  assert.equal(Array.from(unwrap(await sb.keys.keyFor('alice', true)()) ?? []), Array.from(key ?? []));
  const at = new Date(Date.UTC(2026, 2, 2, 9));
  assert.equal(unwrap(await sa.throttle.tryAcquire('global', at, 60_000, 2)()), { acquired: true, count: 1 });
  assert.equal(unwrap(await sb.throttle.tryAcquire('global', at, 60_000, 2)()), { acquired: true, count: 2 });
  assert.equal(unwrap(await sa.throttle.tryAcquire('global', at, 60_000, 2)()), { acquired: false, count: 2 });
  unwrap(await sb.keys.erase('alice')());
  assert.is(unwrap(await sa.keys.keyFor('alice', true)()), undefined);
  assert.is(unwrap(await sa.keys.isErased('alice')()), true);
  await a.close();
  await b.close();
});

test('an erased key is zeroed in the file: secure_delete is on, and after a WAL checkpoint no copy is left', async () => {
  const path = tmp.file('shred.db');
  const store = createSqliteEventStore({ path });
  const { keys } = sqliteSecurityStores(store);
  assert.is(store.database.pragma('secure_delete', { simple: true }), 1, 'turned on by the factory');
  const key = unwrap(await keys.keyFor('alice', true)()) as Uint8Array;
  unwrap(await keys.keyFor('bob', true)());
  store.database.pragma('wal_checkpoint(TRUNCATE)');
  assert.ok(includes(fileBytes(path), key), 'the key is stored in the file before the erasure (the test can see it)');
  assert.is(unwrap(await keys.erase('alice')()), true);
  store.database.pragma('wal_checkpoint(TRUNCATE)');
  assert.not.ok(includes(fileBytes(path), key), 'no byte sequence of the erased key remains in the database file or its WAL');
  assert.ok(unwrap(await keys.keyFor('bob', false)()) !== undefined, 'the other key is intact');
  await store.close();
});

test('a closed store answers typed errors, never throws', async () => {
  const store = createSqliteEventStore({ path: tmp.file('closed.db') });
  const { credentials, throttle, keys } = sqliteSecurityStores(store);
  await store.close();
  const c = await credentials.load('alice', 'pin')();
  assert.ok(E.isLeft(c) && c.left.code === 'credential_store_unavailable' && c.left.details?.retryable === false);
  const t = await throttle.tryAcquire('global', new Date(), 1000, 1)();
  assert.ok(E.isLeft(t) && t.left.code === 'throttle_store_unavailable');
  const k = await keys.keyFor('alice', true)();
  assert.ok(E.isLeft(k) && k.left.code === 'store_unavailable');
});

test('a database without the tables fails with typed errors whose messages quote nothing', async () => {
  const store = createSqliteEventStore({ path: tmp.file('bare.db') });
  store.database.exec('DROP TABLE credentials; DROP TABLE throttle_attempts');
  const { credentials, throttle } = sqliteSecurityStores(store);
  const c = await credentials.save(
    {
      subject: 'alice',
      kind: 'pin',
      hash: '$secret-hash',
      history: [],
      failedAttempts: 0,
      firstFailureAt: null,
      consecutiveFailures: 0,
      lockout: null,
      changedAt: '2026-03-02T09:00:00.000Z',
      mustChange: false,
    },
    null,
  )();
  assert.ok(E.isLeft(c) && c.left.code === 'credential_store_unavailable');
  assert.not.ok(JSON.stringify(c).includes('secret-hash'));
  const t = await throttle.release('device:x', new Date())();
  assert.ok(E.isLeft(t) && t.left.code === 'throttle_store_unavailable' && t.left.details?.sqliteCode === 'SQLITE_ERROR');
  await store.close();
});

test('the tables are created by migrations 3-5 on an existing file', async () => {
  // A file as a release before the security stores left it: events and checkpoints only (version 2).
  const path = tmp.file('tables.db');
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  assert.ok(E.isRight(migrateSchema(old, '2026-01-01T00:00:00.000Z', 2)));
  const tablesOf = (db: Database.Database) =>
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const security = ['credentials', 'erased_subjects', 'personal_data_keys', 'throttle_attempts'];
  assert.equal(
    tablesOf(old).filter((t) => security.includes(t)),
    [],
    'none of them before',
  );
  old.close();
  const store = createSqliteEventStore({ path });
  assert.equal(
    tablesOf(store.database).filter((t) => security.includes(t)),
    security,
  );
  const applied = store.database
    .prepare('SELECT version, name FROM schema_migrations WHERE version BETWEEN 3 AND 5 ORDER BY version')
    .all();
  assert.equal(applied, [
    { version: 3, name: 'credentials' },
    { version: 4, name: 'throttle attempts' },
    { version: 5, name: 'personal data keys' },
  ]);
  // And they work: a key is created and found again.
  const { keys } = sqliteSecurityStores(store);
  const key = unwrap(await keys.keyFor('alice', true)());
  assert.ok(key !== undefined && key.length > 0);
  assert.equal(Array.from(unwrap(await keys.keyFor('alice', false)()) ?? []), Array.from(key ?? []));
  await store.close();
});

test.run();
