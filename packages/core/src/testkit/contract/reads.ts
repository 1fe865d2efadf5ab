import * as assert from 'uvu/assert';
import { uniqueStream } from '../events.js';
import { type ContractKit, types, unwrap } from './support.js';

/** Reading one stream (ranges, both directions) and paging the global log. */
export const readCases = ({ test, t, read, head, seeded }: ContractKit) => {
  test('reading a missing stream gives version -1 and no events', async ({ store }) => {
    const r = await read(store, uniqueStream());
    assert.is(r.currentVersion, -1);
    assert.equal(r.events, []);
  });
  test('forward range: fromVersion and maxCount', async ({ store }) => {
    const id = await seeded(store, 10);
    const r = await read(store, id, { fromVersion: 3, maxCount: 4 });
    assert.equal(types(r.events), ['E3', 'E4', 'E5', 'E6']);
    assert.is(r.currentVersion, 9);
  });
  test('backward from the end', async ({ store }) => {
    const id = await seeded(store, 5);
    const r = await read(store, id, { direction: 'backward', maxCount: 2 });
    assert.equal(types(r.events), ['E4', 'E3']);
  });
  test('backward from a version', async ({ store }) => {
    const id = await seeded(store, 6);
    const r = await read(store, id, { direction: 'backward', fromVersion: 2 });
    assert.equal(types(r.events), ['E2', 'E1', 'E0']);
  });
  test('a range past the end is empty', async ({ store }) => {
    const id = await seeded(store, 2);
    assert.equal((await read(store, id, { fromVersion: 5 })).events, []);
  });
  test('readAll pages forward from a checkpoint', async ({ store }) => {
    const id = await seeded(store, 7);
    const mine = unwrap(await t(store.readAll({ maxCount: 100_000 })()), 'readAll').filter((e) => e.streamId === id);
    const from = mine[1]?.globalPosition ?? 0;
    const page = unwrap(await t(store.readAll({ after: from, maxCount: 3 })()), 'page');
    assert.equal(types(page), ['E2', 'E3', 'E4']);
  });
  test('readAll backward', async ({ store }) => {
    const id = await seeded(store, 4);
    const page = unwrap(await t(store.readAll({ direction: 'backward', maxCount: 3 })()), 'readAll');
    assert.equal(types(page), ['E3', 'E2', 'E1']);
    assert.ok(page.every((e) => e.streamId === id));
  });
  test('readAll after the head is empty', async ({ store }) => {
    await seeded(store, 2);
    const h = await head(store);
    assert.equal(unwrap(await t(store.readAll({ after: h })()), 'readAll'), []);
  });
};
