// The constructors' failure style (README "Opening a store"): `openSqliteEventStore` answers a typed
// value, `openSqliteEventStoreOrThrow` (and its earlier name `createSqliteEventStore`) throws a
// `StoreOpenError` carrying that same value.
import { writeFileSync } from 'node:fs';
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, openSqliteEventStore, openSqliteEventStoreOrThrow, type StoreOpenError } from './index.js';
import { tempDir } from './testing/files.js';

const tmp = tempDir('open');
test.after(() => tmp.remove());

const thrown = (f: () => unknown): StoreOpenError => {
  try {
    f();
  } catch (error) {
    return error as StoreOpenError;
  }
  return assert.unreachable('expected a throw') as never;
};

test('open: a bad option or an unusable file is a Left, never a throw', () => {
  const bad = openSqliteEventStore({ path: tmp.file('x.db'), pollIntervalMs: 0 });
  assert.ok(E.isLeft(bad) && bad.left.code === 'invalid_store_options' && bad.left.field === 'pollIntervalMs');
  const garbage = tmp.file('garbage.db');
  writeFileSync(garbage, 'not a database '.repeat(100));
  const unusable = openSqliteEventStore({ path: garbage });
  assert.ok(E.isLeft(unusable) && unusable.left.code === 'store_unavailable');
});

test('openOrThrow and create throw the typed error as a StoreOpenError', () => {
  const options = { path: tmp.file('y.db'), busyTimeoutMs: -1 };
  const expected = openSqliteEventStore(options);
  if (E.isRight(expected)) assert.unreachable('expected a Left');
  const left = (expected as E.Left<StoreOpenError['storeError']>).left;
  for (const error of [thrown(() => openSqliteEventStoreOrThrow(options)), thrown(() => createSqliteEventStore(options))]) {
    assert.instance(error, Error);
    assert.is(error.message, left.message);
    assert.is(error.code, 'invalid_store_options');
    assert.equal(error.storeError, left);
  }
});

test('each form opens a working store', async () => {
  const opened = openSqliteEventStore({ path: tmp.file('ok.db') });
  if (E.isLeft(opened)) assert.unreachable(opened.left.message);
  const stores = [
    (opened as E.Right<ReturnType<typeof createSqliteEventStore>>).right,
    openSqliteEventStoreOrThrow({ path: tmp.file('ok2.db') }),
  ];
  for (const store of stores) {
    const r = await store.append('s', 'no_stream', testEvents(2))();
    assert.ok(E.isRight(r) && r.right.lastGlobalPosition === 2);
    await store.close();
  }
});

test.run();
