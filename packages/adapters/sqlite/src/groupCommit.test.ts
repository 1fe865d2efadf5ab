/**
 * Group commit: appends issued concurrently in one process share one transaction (one WAL commit),
 * each in its own savepoint, and are acknowledged only after that commit.
 */
import type { AppendResult, NewEvent, StoreError } from '@selfprov/core';
import { withTimeout } from '@selfprov/core/testkit';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, type SqliteEventStore } from './index.js';
import { tempDir } from './testing/files.js';
import { readEverything } from './testing/readEverything.js';

const tmp = tempDir('group');
let n = 0;
const path = () => tmp.file(`group-${++n}.db`);
const fresh = (extra: Partial<Parameters<typeof createSqliteEventStore>[0]> = {}): SqliteEventStore =>
  createSqliteEventStore({ path: path(), ...extra });
const meta = { actor: { kind: 'device', id: 'SEP001122334455' }, channel: 'sip' } as const;
const ev = (type: string, data: Record<string, number | string> = {}): NewEvent => ({ type, data, metadata: meta });
const right = <A>(r: E.Either<StoreError, A>, what = 'operation'): A => {
  if (E.isLeft(r)) assert.unreachable(`${what} failed: ${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};
const left = <A>(r: E.Either<StoreError, A>, what = 'operation'): StoreError => {
  if (E.isRight(r)) assert.unreachable(`${what} should have failed`);
  return (r as E.Left<StoreError>).left;
};

/**
 * Frames in the WAL since the last truncating checkpoint. Every commit writes at least one frame, so
 * fewer frames than appends proves the appends shared commits (no timing involved).
 */
const walFrames = (store: SqliteEventStore): number =>
  (store.database.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? Number.NaN;
const resetWal = (store: SqliteEventStore) => store.database.pragma('wal_checkpoint(TRUNCATE)');

test.after(() => tmp.remove());

test('64 concurrent appends to different streams share commits; each is acknowledged with its own result', async () => {
  const store = fresh({ synchronous: 'full' });
  resetWal(store);
  const results = await Promise.all(
    Array.from({ length: 64 }, (_, i) => store.append(`phone-${i}`, 'no_stream', [ev('PhoneAutoRegistered', { i })])()),
  );
  const written = results.map((r, i) => right(r, `append ${i}`));
  assert.ok(walFrames(store) < 64, `64 appends wrote ${walFrames(store)} WAL frames: they were not grouped`);
  // Call order is commit order: positions 1..64 in the order the appends were made.
  assert.equal(
    written.map((w) => w.lastGlobalPosition),
    Array.from({ length: 64 }, (_, i) => i + 1),
  );
  assert.equal(
    written.map((w) => w.streams[0]?.events[0]?.streamId),
    Array.from({ length: 64 }, (_, i) => `phone-${i}`),
  );
  assert.is((await readEverything(store)).length, 64);
  await store.close();
});

test('sequential appends each commit alone (the isolated path: one BEGIN IMMEDIATE ... COMMIT per call)', async () => {
  const store = fresh();
  resetWal(store);
  for (let i = 0; i < 10; i++) right(await store.append('dn-1000', i === 0 ? 'no_stream' : i - 1, [ev('Tick', { i })])());
  assert.ok(walFrames(store) >= 10, 'one commit (at least one frame) per append');
  await store.close();
});

test('a conflict in a group fails only that append: the others commit, it writes nothing', async () => {
  const store = fresh();
  right(await store.append('dn-1000', 'no_stream', [ev('DnReserved')])());
  const [a, b, c, d] = await Promise.all([
    store.append('phone-a', 'no_stream', [ev('PhoneAutoRegistered')])(),
    store.append('dn-1000', 'no_stream', [ev('DnReserved', { by: 'b' })])(), // taken: conflict
    store.appendMulti([
      { streamId: 'phone-c', expected: 'no_stream', events: [ev('PhoneAutoRegistered')] },
      { streamId: 'dn-1000', expected: 5, events: [ev('DnReleased')] }, // wrong version: the whole call fails
    ])(),
    store.append('phone-d', 'no_stream', [ev('PhoneAutoRegistered')])(),
  ]);
  right(a, 'a');
  right(d, 'd');
  const eb = left(b, 'b');
  assert.is(eb.code, 'wrong_expected_version');
  assert.is(left(c, 'c').code, 'wrong_expected_version');
  const all = await readEverything(store);
  assert.equal(
    all.map((e) => [e.streamId, e.type]),
    [
      ['dn-1000', 'DnReserved'],
      ['phone-a', 'PhoneAutoRegistered'],
      ['phone-d', 'PhoneAutoRegistered'],
    ],
  );
  await store.close();
});

test('appends in one group see each other, exactly as if run one after another', async () => {
  const store = fresh();
  // Two writers race for the same DN in the same turn: the first call wins, the second sees it.
  const [first, second, third] = await Promise.all([
    store.append('dn-2000', 'no_stream', [ev('DnReserved', { by: 'first' })])(),
    store.append('dn-2000', 'no_stream', [ev('DnReserved', { by: 'second' })])(),
    store.append('dn-2000', 0, [ev('DnReleased')])(),
  ]);
  right(first, 'first');
  const e = left(second, 'second');
  assert.is(e.code, 'wrong_expected_version');
  assert.is(e.details?.actual, 0);
  assert.is(right(third, 'third').streams[0]?.nextExpectedVersion, 1);
  // A retry of the first call in the same group is an idempotent replay of it.
  const id = '11111111-2222-4333-8444-555555555555';
  const once = { ...ev('LineAdded'), eventId: id };
  const [x, y] = await Promise.all([store.append('phone-x', 'no_stream', [once])(), store.append('phone-x', 'no_stream', [once])()]);
  const rx = right(x, 'x');
  const ry = right(y, 'y');
  assert.is(ry.idempotentReplay, true);
  assert.equal(ry.streams[0]?.events, rx.streams[0]?.events);
  await store.close();
});

test('an append whose insert throws is rolled back to its savepoint; the rest of the group commits', async () => {
  const store = fresh();
  // A trigger refuses the second event of one call, after its first event was inserted.
  store.database.exec(`CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison'
    BEGIN SELECT RAISE(ABORT, 'poisoned'); END`);
  const [a, p, c] = await Promise.all([
    store.append('phone-a', 'no_stream', [ev('PhoneAutoRegistered')])(),
    store.append('phone-p', 'no_stream', [ev('PhoneAutoRegistered'), ev('Poison')])(),
    store.append('phone-c', 'no_stream', [ev('PhoneAutoRegistered')])(),
  ]);
  right(a, 'a');
  right(c, 'c');
  assert.is(left(p, 'p')._tag, 'WrongExpectedVersion', 'a constraint failure is a typed error, not an exception');
  const all = await readEverything(store);
  assert.equal(
    all.map((e) => e.streamId),
    ['phone-a', 'phone-c'],
    'nothing of the poisoned call is there, not even its first event',
  );
  assert.is(right(await store.readStream('phone-p')()).currentVersion, -1);
  await store.close();
});

test('when the group cannot get the write lock, every append of it fails with a typed error and none is written', async () => {
  const file = path();
  const store = createSqliteEventStore({ path: file, busyTimeoutMs: 50 });
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) => store.append(`phone-${i}`, 'no_stream', [ev('PhoneAutoRegistered')])()),
  );
  other.exec('ROLLBACK');
  other.close();
  for (const [i, r] of results.entries()) {
    const e = left(r, `append ${i}`);
    assert.is(e.code, 'store_unavailable');
    assert.is((e as { retryable?: boolean }).retryable, true);
  }
  assert.is((await readEverything(store)).length, 0);
  // The store works again once the lock is free.
  right(await store.append('phone-0', 'no_stream', [ev('PhoneAutoRegistered')])());
  await store.close();
});

test('close() writes the appends already made before closing; later calls get store_closed', async () => {
  const file = path();
  const store = createSqliteEventStore({ path: file });
  const pending = Array.from({ length: 5 }, (_, i) => store.append(`phone-${i}`, 'no_stream', [ev('PhoneAutoRegistered')])());
  await store.close();
  const results: E.Either<StoreError, AppendResult>[] = await Promise.all(pending);
  for (const r of results) right(r, 'append made before close');
  assert.is(left(await store.append('phone-9', 'no_stream', [ev('PhoneAutoRegistered')])()).code, 'store_closed');
  const again = createSqliteEventStore({ path: file });
  assert.is((await readEverything(again)).length, 5);
  await again.close();
});

test('bad input is refused at once and never joins a group', async () => {
  const store = fresh();
  const [good, bad] = await Promise.all([
    store.append('phone-a', 'no_stream', [ev('PhoneAutoRegistered')])(),
    store.append(' bad', 'no_stream', [ev('PhoneAutoRegistered')])(),
  ]);
  right(good);
  const e = left(bad);
  assert.is(e.code, 'invalid_stream_id');
  assert.is(e.field, 'streamId');
  assert.is((await readEverything(store)).length, 1);
  await store.close();
});

test('the caller may change its objects right after the call: what was appended is what it passed then', async () => {
  const store = fresh();
  const data = { dn: '1000' };
  const events = [ev('DnReserved', data)];
  const task = store.append('dn-1000', 'no_stream', events)();
  data.dn = 'changed';
  events.push(ev('Extra'));
  right(await task);
  const read = right(await store.readStream('dn-1000')());
  assert.equal(
    read.events.map((e) => [e.type, e.data]),
    [['DnReserved', { dn: '1000' }]],
  );
  await store.close();
});

test('subscribers are woken once a group commits, and see its events in position order', async () => {
  const store = fresh();
  const seen: number[] = [];
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const sub = store.subscribe({
    onEvent: (e) => {
      seen.push(e.globalPosition);
      if (seen.length === 20) resolveAll();
    },
  });
  await sub.caughtUp;
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s-${i}`, 'no_stream', [ev('Tick')])()));
  // A generous deadline: a lost wake-up fails here instead of hanging the run.
  await withTimeout(all, 30_000, 'the 20 events delivered');
  assert.equal(
    seen,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  await sub.close();
  await store.close();
});

test.run();
