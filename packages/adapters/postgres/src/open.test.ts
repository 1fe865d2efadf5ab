// The constructors' failure style (README "Opening a store"): `openPostgresEventStore` answers a
// configuration error as a typed value, `openPostgresEventStoreOrThrow` throws a `StoreOpenError`
// carrying it, and `createPostgresEventStore` keeps answering it to every call. None of them does I/O.
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createPostgresEventStore,
  openPostgresEventStore,
  openPostgresEventStoreOrThrow,
  type PostgresEventStoreOptions,
  type StoreOpenError,
} from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';

const test = suite<{ db: TestDatabase }>('open');
useTestDatabase(test);

const thrown = (f: () => unknown): StoreOpenError => {
  try {
    f();
  } catch (error) {
    return error as StoreOpenError;
  }
  return assert.unreachable('expected a throw') as never;
};

const bad: [PostgresEventStoreOptions, string, string][] = [
  [{ connectionString: 'postgres://app:pw@host:99999/db' }, 'invalid_store_url', 'connectionString'],
  [{ connectionString: 'postgres://app@localhost/db', schema: 'Robert"); DROP TABLE' }, 'invalid_schema', 'schema'],
  [{ connectionString: 'postgres://app@localhost/db', poolSize: 0 }, 'invalid_store_options', 'poolSize'],
];

test('open: a bad URL, schema or option is a Left, never a throw nor a store', () => {
  for (const [options, code, field] of bad) {
    const r = openPostgresEventStore(options);
    assert.ok(E.isLeft(r) && r.left.code === code && r.left.field === field, field);
  }
});

test('openOrThrow throws the typed error as a StoreOpenError; create still answers it to every call', async () => {
  for (const [options, code] of bad) {
    const expected = openPostgresEventStore(options);
    if (E.isRight(expected)) assert.unreachable('expected a Left');
    const left = (expected as E.Left<StoreOpenError['storeError']>).left;
    const error = thrown(() => openPostgresEventStoreOrThrow(options));
    assert.instance(error, Error);
    assert.is(error.message, left.message);
    assert.is(error.code, code);
    assert.equal(error.storeError, left);
    const store = createPostgresEventStore(options);
    assert.equal(await store.ready()(), E.left(left));
    await store.close();
  }
});

test('each form opens a working store', async ({ db }) => {
  const opened = openPostgresEventStore({ connectionString: db.config, schema: db.freshSchema('open') });
  if (E.isLeft(opened)) assert.unreachable(opened.left.message);
  const stores = [
    (opened as E.Right<ReturnType<typeof createPostgresEventStore>>).right,
    openPostgresEventStoreOrThrow({ connectionString: db.config, schema: db.freshSchema('open_throw') }),
  ];
  for (const store of stores) {
    try {
      const r = await store.append('s', 'no_stream', testEvents(2))();
      assert.ok(E.isRight(r) && r.right.streams[0]?.nextExpectedVersion === 1);
    } finally {
      await store.close();
      await db.dropSchema(store.schema);
    }
  }
});

test.run();
