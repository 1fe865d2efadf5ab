// The constructors' failure style (README "Opening a store"): `openKurrentDbEventStore` (and its
// earlier name `createKurrentDbEventStore`) answers a typed value, `openKurrentDbEventStoreOrThrow`
// throws a `StoreOpenError` carrying that same value.
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createKurrentDbEventStore,
  type KurrentDbStoreOptions,
  openKurrentDbEventStore,
  openKurrentDbEventStoreOrThrow,
  type StoreOpenError,
} from './index.js';
import { createSimulatedServer } from './testing/simulatedServer.js';

const thrown = (f: () => unknown): StoreOpenError => {
  try {
    f();
  } catch (error) {
    return error as StoreOpenError;
  }
  return assert.unreachable('expected a throw') as never;
};

const bad: [KurrentDbStoreOptions, string, string][] = [
  [{ connectionString: 'kurrentdb://localhost:2113?tls=false&bogus=1' }, 'invalid_kurrentdb_url', 'connectionString'],
  [{ connectionString: 'kurrentdb://localhost:2113?tls=false', operationTimeoutMs: 0 }, 'invalid_store_option', 'operationTimeoutMs'],
  [{ connectionString: 'kurrentdb://localhost:2113?tls=false', multiStream: 'partial' as never }, 'invalid_store_option', 'multiStream'],
];

test('open and create: a bad connection string or option is a Left, never a throw', () => {
  for (const [options, code, field] of bad)
    for (const r of [openKurrentDbEventStore(options), createKurrentDbEventStore(options)])
      assert.ok(E.isLeft(r) && r.left.code === code && r.left.field === field, field);
});

test('openOrThrow throws the typed error as a StoreOpenError', () => {
  for (const [options, code] of bad) {
    const expected = openKurrentDbEventStore(options);
    if (E.isRight(expected)) assert.unreachable('expected a Left');
    const left = (expected as E.Left<StoreOpenError['storeError']>).left;
    const error = thrown(() => openKurrentDbEventStoreOrThrow(options));
    assert.instance(error, Error);
    assert.is(error.message, left.message);
    assert.is(error.code, code);
    assert.equal(error.storeError, left);
  }
});

test('each form opens a working store', async () => {
  const server = createSimulatedServer();
  const opened = [openKurrentDbEventStore({ client: server }), createKurrentDbEventStore({ client: server })];
  const stores = opened.map((r) => {
    if (E.isLeft(r)) assert.unreachable(r.left.message);
    return (r as E.Right<ReturnType<typeof openKurrentDbEventStoreOrThrow>>).right;
  });
  stores.push(openKurrentDbEventStoreOrThrow({ client: server }));
  for (const [i, store] of stores.entries()) {
    const r = await store.append(`s-${i}`, 'no_stream', testEvents(1))();
    assert.ok(E.isRight(r) && r.right.streams[0]?.nextExpectedVersion === 0);
    await store.close();
  }
});

test.run();
