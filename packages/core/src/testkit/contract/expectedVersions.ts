import * as assert from 'uvu/assert';
import { testEvents, uniqueStream } from '../events.js';
import { type ContractKit, errorOf, unwrap } from './support.js';

/** Expected versions: `no_stream`, `exists`, `any` and exact versions, on new and existing streams. */
export const expectedVersionCases = ({ test, append, read, seeded }: ContractKit) => {
  test('no_stream on a new stream creates it at version 0..n-1', async ({ store }) => {
    const id = uniqueStream();
    const r = unwrap(await append(store, id, 'no_stream', testEvents(3)), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, 2);
    assert.equal(
      (await read(store, id)).events.map((e) => e.streamVersion),
      [0, 1, 2],
    );
  });
  test('no_stream on an existing stream is a conflict naming expected and actual', async ({ store }) => {
    const id = await seeded(store, 2);
    const e = errorOf(await append(store, id, 'no_stream', testEvents(1)), 'append');
    assert.is(e.code, 'wrong_expected_version');
    assert.is(e._tag === 'WrongExpectedVersion' && e.expected, 'no_stream');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 1);
    assert.is(e._tag === 'WrongExpectedVersion' && e.streamId, id);
  });
  test('exists on a new stream is a conflict with actual -1', async ({ store }) => {
    const id = uniqueStream();
    const e = errorOf(await append(store, id, 'exists', testEvents(1)), 'append');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, -1);
    assert.is((await read(store, id)).currentVersion, -1);
  });
  test('exists on an existing stream appends', async ({ store }) => {
    const id = await seeded(store, 1);
    unwrap(await append(store, id, 'exists', testEvents(2)), 'append');
    assert.is((await read(store, id)).currentVersion, 2);
  });
  test('any on a new stream appends', async ({ store }) => {
    const id = uniqueStream();
    unwrap(await append(store, id, 'any', testEvents(1)), 'append');
    assert.is((await read(store, id)).currentVersion, 0);
  });
  test('any on an existing stream appends', async ({ store }) => {
    const id = await seeded(store, 3);
    unwrap(await append(store, id, 'any', testEvents(1)), 'append');
    assert.is((await read(store, id)).currentVersion, 3);
  });
  test('the exact current version appends', async ({ store }) => {
    const id = await seeded(store, 2);
    const r = unwrap(await append(store, id, 1, testEvents(2)), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, 3);
  });
  test('a stale version is a conflict carrying expected and actual', async ({ store }) => {
    const id = await seeded(store, 3);
    const e = errorOf(await append(store, id, 1, testEvents(1)), 'append');
    assert.is(e._tag === 'WrongExpectedVersion' && e.expected, 1);
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, 2);
    assert.is((await read(store, id)).currentVersion, 2);
  });
  test('a version ahead of the stream is a conflict', async ({ store }) => {
    const id = await seeded(store, 1);
    const e = errorOf(await append(store, id, 5, testEvents(1)), 'append');
    assert.is(e.code, 'wrong_expected_version');
  });
  test('version 0 on a new stream is a conflict (use no_stream)', async ({ store }) => {
    const id = uniqueStream();
    const e = errorOf(await append(store, id, 0, testEvents(1)), 'append');
    assert.is(e._tag === 'WrongExpectedVersion' && e.actual, -1);
  });
};
