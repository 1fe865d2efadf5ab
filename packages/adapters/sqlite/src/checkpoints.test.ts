import { createProjectionRunner, type NewEvent, type Projection, type StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore } from './index.js';
import { tempDir } from './testing/files.js';

const tmp = tempDir('checkpoints');
test.after(() => tmp.remove());

const meta = { actor: { kind: 'administrator', id: 'admin' }, channel: 'admin-api' } as const;
const ev = (type: string, data: Record<string, string>): NewEvent => ({ type, data, metadata: meta });
const right = <A>(r: E.Either<StoreError, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

test('checkpoints round-trip with and without state, and are overwritten in place', async () => {
  const store = createSqliteEventStore({ path: tmp.file('cp.db') });
  assert.is(right(await store.checkpoints.load('phones')()), undefined);
  right(await store.checkpoints.save({ projection: 'phones', version: 1, position: 10 })());
  assert.equal(right(await store.checkpoints.load('phones')()), { projection: 'phones', version: 1, position: 10 });
  const state = { byDn: { '1000': 'SEPA' }, list: [1, 'two', null, true], nested: { deep: { x: 1.5 } } };
  right(await store.checkpoints.save({ projection: 'phones', version: 2, position: 42, state })());
  assert.equal(right(await store.checkpoints.load('phones')()), { projection: 'phones', version: 2, position: 42, state });
  right(await store.checkpoints.save({ projection: 'phones', version: 2, position: 0 })());
  assert.equal(right(await store.checkpoints.load('phones')()), { projection: 'phones', version: 2, position: 0 });
  assert.is(store.database.prepare('SELECT count(*) FROM checkpoints').pluck().get(), 1);
  await store.close();
});

test('bad checkpoints are refused naming the field; a closed store answers store_closed', async () => {
  const store = createSqliteEventStore({ path: tmp.file('cp-bad.db') });
  const cases: [unknown, string][] = [
    [{ projection: '', version: 1, position: 0 }, 'projection'],
    [{ projection: 'p', version: 1.5, position: 0 }, 'version'],
    [{ projection: 'p', version: 1, position: -1 }, 'position'],
    [{ projection: 'p', version: 1, position: 0, state: { f: () => 1 } }, 'state.f'],
  ];
  for (const [checkpoint, field] of cases) {
    const r = await store.checkpoints.save(checkpoint as never)();
    assert.ok(E.isLeft(r) && r.left.field === field, field);
  }
  assert.is(store.database.prepare('SELECT count(*) FROM checkpoints').pluck().get(), 0);
  const badLoad = await store.checkpoints.load('' as never)();
  assert.ok(E.isLeft(badLoad) && badLoad.left.field === 'projection');
  await store.close();
  const closed = await store.checkpoints.load('p')();
  assert.ok(E.isLeft(closed) && closed.left.code === 'store_closed');
  const closedSave = await store.checkpoints.save({ projection: 'p', version: 1, position: 0 })();
  assert.ok(E.isLeft(closedSave) && closedSave.left.code === 'store_closed');
});

test('a projection resumes from its stored checkpoint after a reopen, folding only the newer events', async () => {
  const path = tmp.file('runner.db');
  let folded = 0;
  const phonesByDn: Projection<Record<string, string>> = {
    name: 'phones-by-dn',
    version: 1,
    initialState: () => ({}),
    evolve: (state, e) => {
      folded += 1;
      if (e.type === 'LineAdded') state[(e.data as { dn: string }).dn] = e.streamId;
      return state;
    },
    snapshot: {
      encode: (state) => state,
      decode: (stored) =>
        typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? E.right(stored as Record<string, string>) : E.left('bad'),
    },
  };
  const first = createSqliteEventStore({ path });
  right(await first.append('phone-SEPA', 'no_stream', [ev('LineAdded', { dn: '1000' }), ev('LineAdded', { dn: '1001' })])());
  const runner = createProjectionRunner({ store: first, projection: phonesByDn, checkpoints: first.checkpoints });
  right(await runner.start()());
  assert.equal(runner.state(), { '1000': 'phone-SEPA', '1001': 'phone-SEPA' });
  assert.is(folded, 2);
  await first.close();

  const second = createSqliteEventStore({ path });
  right(await second.append('phone-SEPB', 'no_stream', [ev('LineAdded', { dn: '1002' })])());
  const resumed = createProjectionRunner({ store: second, projection: phonesByDn, checkpoints: second.checkpoints });
  right(await resumed.start()());
  assert.equal(resumed.state(), { '1000': 'phone-SEPA', '1001': 'phone-SEPA', '1002': 'phone-SEPB' });
  assert.is(folded, 3, 'only the event after the checkpoint was folded');
  assert.is(right(await second.checkpoints.load('phones-by-dn')())?.position, 3);
  await second.close();
});

test.run();
