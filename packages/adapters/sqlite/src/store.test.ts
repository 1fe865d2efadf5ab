import {
  handleCommand,
  manualClock,
  type NewEvent,
  type RecordedEvent,
  type StoreError,
  sequentialIds,
  systemRuntime,
} from '@selfprov/core';
import { withTimeout } from '@selfprov/core/testkit';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, type SqliteEventStore } from './index.js';
import { tempDir } from './testing/files.js';
import { readEverything } from './testing/readEverything.js';

const tmp = tempDir('store');
let n = 0;
const fresh = (extra: Partial<Parameters<typeof createSqliteEventStore>[0]> = {}): SqliteEventStore => {
  n += 1;
  return createSqliteEventStore({ path: tmp.file(`store-${n}.db`), ...extra });
};
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
/** A generous deadline for what must happen: it turns a hang into a failure, it measures nothing. */
const DEADLINE_MS = 30_000;
/** Collects what a callback receives; `until(n)` resolves once `n` items arrived (or fails at the deadline). */
const watch = <T>() => {
  const items: T[] = [];
  const waiters = new Set<{ n: number; resolve: () => void }>();
  return {
    items,
    push: (item: T) => {
      items.push(item);
      for (const w of [...waiters])
        if (items.length >= w.n) {
          waiters.delete(w);
          w.resolve();
        }
    },
    until: (n: number, what: string) =>
      withTimeout(
        new Promise<void>((resolve) => (items.length >= n ? resolve() : void waiters.add({ n, resolve }))),
        DEADLINE_MS,
        `waiting for ${what} (${items.length} of ${n} so far)`,
      ),
  };
};

test.after(() => tmp.remove());

test('the file is in WAL mode with synchronous NORMAL by default, FULL on request, and a busy timeout', async () => {
  const store = fresh();
  assert.is(store.database.pragma('journal_mode', { simple: true }), 'wal');
  assert.is(store.database.pragma('synchronous', { simple: true }), 1, 'NORMAL');
  assert.is(store.database.pragma('busy_timeout', { simple: true }), 5000);
  await store.close();
  const full = fresh({ synchronous: 'full', busyTimeoutMs: 1234 });
  assert.is(full.database.pragma('synchronous', { simple: true }), 2, 'FULL');
  assert.is(full.database.pragma('busy_timeout', { simple: true }), 1234);
  await full.close();
});

test('the database enforces unique (stream, version) and (stream, event id) by itself', async () => {
  const store = fresh();
  const r = right(await store.append('dn-1000', 'no_stream', [ev('DnReserved')])());
  const insert = store.database.prepare(
    'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const row = (version: number, eventId: string) => ['dn-1000', version, eventId, 'X', '{}', '{}', 1, '2026-01-01T00:00:00.000Z'];
  assert.throws(() => insert.run(...row(0, 'a5d7d0de-0000-4000-8000-000000000001')), /UNIQUE constraint failed/);
  assert.throws(() => insert.run(...row(1, r.streams[0]?.events[0]?.eventId as string)), /UNIQUE constraint failed/);
  await store.close();
});

test('reads use the indexes: readAll pages by primary key, readStream and the version lookup by (stream, version)', async () => {
  const store = fresh();
  const plan = (sql: string) =>
    (store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
  assert.match(plan('SELECT * FROM events WHERE position > 1 AND position < 9 ORDER BY position LIMIT 100'), /INTEGER PRIMARY KEY/);
  assert.not.match(plan('SELECT * FROM events WHERE position > 1 AND position < 9 ORDER BY position LIMIT 100'), /TEMP B-TREE/);
  const streamPlan = plan("SELECT * FROM events WHERE stream_id = 'x' AND stream_version >= 0 ORDER BY stream_version LIMIT 10");
  assert.match(streamPlan, /USING INDEX/);
  assert.not.match(streamPlan, /TEMP B-TREE/);
  assert.match(plan("SELECT stream_version FROM events WHERE stream_id = 'x' ORDER BY stream_version DESC LIMIT 1"), /COVERING INDEX/);
  await store.close();
});

test('events, positions and envelope survive close and reopen; positions are never reused', async () => {
  const clock = manualClock('2026-05-01T08:00:00.000Z');
  const path = tmp.file('reopen.db');
  const first = createSqliteEventStore({ path, runtime: { clock, ids: sequentialIds(7) } });
  const written = right(
    await first.appendMulti([
      { streamId: 'phone-SEPA', expected: 'no_stream', events: [ev('PhoneAutoRegistered', { dn: '1000' })] },
      { streamId: 'dn-1000', expected: 'no_stream', events: [ev('DnReserved', { by: 'phone-SEPA' })] },
    ])(),
  );
  assert.is(written.streams[0]?.events[0]?.eventId, '00000000-0000-4000-8000-0000006acfc1');
  assert.is(written.streams[0]?.events[0]?.occurredAt, '2026-05-01T08:00:00.000Z');
  await first.close();
  const again = createSqliteEventStore({ path });
  const all = await readEverything(again);
  assert.equal(
    all,
    written.streams.flatMap((s) => s.events),
  );
  const next = right(await again.append('dn-1001', 'no_stream', [ev('DnReserved')])());
  assert.is(next.lastGlobalPosition, 3);
  await again.close();
});

test('readAll pages through a large log in order without gaps (forward and backward, with bounds)', async () => {
  const store = fresh();
  for (let b = 0; b < 25; b++)
    right(
      await store.append(
        `stream-${b % 5}`,
        'any',
        Array.from({ length: 100 }, (_, i) => ev('Bulk', { b, i })),
      )(),
    );
  const all = await readEverything(store, 333);
  assert.equal(
    all.map((e) => e.globalPosition),
    Array.from({ length: 2500 }, (_, i) => i + 1),
  );
  const back = right(await store.readAll({ direction: 'backward', before: 2001, after: 1990, maxCount: 5 })());
  assert.equal(
    back.map((e) => e.globalPosition),
    [2000, 1999, 1998, 1997, 1996],
  );
  const bounded = right(await store.readAll({ after: 10, before: 14 })());
  assert.equal(
    bounded.map((e) => e.globalPosition),
    [11, 12, 13],
  );
  assert.equal(right(await store.readAll({ maxCount: 0 })()), []);
  await store.close();
});

test('a unique violation that slips past the plan becomes wrong_expected_version, and the whole call is rolled back', async () => {
  const store = fresh();
  right(await store.append('phone-X', 'no_stream', [ev('Created')])());
  // A rogue trigger writes the next version behind the store's back, inside its own transaction:
  // the store's next insert collides with it on (stream_id, stream_version).
  store.database.exec(`CREATE TRIGGER rogue AFTER INSERT ON events WHEN NEW.type = 'Sneaky' BEGIN
    INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at)
    VALUES (NEW.stream_id, NEW.stream_version + 1, lower(hex(randomblob(16))), 'Rogue', '{}', '{}', 1, NEW.occurred_at);
  END`);
  const before = right(await store.readAll({ direction: 'backward', maxCount: 1 })())[0]?.globalPosition;
  const r = await store.appendMulti([
    { streamId: 'dn-2000', expected: 'no_stream', events: [ev('DnReserved')] },
    { streamId: 'phone-X', expected: 0, events: [ev('Sneaky'), ev('LineAdded')] },
  ])();
  const e = left(r, 'append colliding with the rogue row');
  assert.is(e.code, 'wrong_expected_version');
  assert.is(e._tag === 'WrongExpectedVersion' && e.streamId, 'phone-X');
  assert.is(right(await store.readAll({ direction: 'backward', maxCount: 1 })())[0]?.globalPosition, before, 'nothing written');
  assert.is(right(await store.readStream('dn-2000')()).currentVersion, -1);
  assert.is(right(await store.readStream('phone-X')()).currentVersion, 0);
  store.database.exec('DROP TRIGGER rogue');
  right(await store.append('phone-X', 0, [ev('Sneaky'), ev('LineAdded')])(), 'the same append once the rogue is gone');
  await store.close();
});

test('another connection holding the write lock past the busy timeout gives a retryable store_unavailable', async () => {
  const store = fresh({ busyTimeoutMs: 30 });
  right(await store.append('user-bob', 'no_stream', [ev('UserCreated')])());
  const other = new Database(store.path);
  other.exec('BEGIN IMMEDIATE');
  const e = left(await store.append('user-bob', 0, [ev('PinChanged')])(), 'append while locked');
  assert.is(e.code, 'store_unavailable');
  assert.is(e._tag === 'StoreUnavailable' && e.retryable, true);
  assert.equal(e.details, { sqliteCode: 'SQLITE_BUSY' });
  // Readers are not blocked by a writer in WAL mode.
  assert.is(right(await store.readStream('user-bob')()).currentVersion, 0);
  other.exec('ROLLBACK');
  other.close();
  right(await store.append('user-bob', 0, [ev('PinChanged')])(), 'append once the lock is released');
  await store.close();
});

test('a subscription sees another connection’s appends by polling, and its own process’s at once', async () => {
  const path = tmp.file('two-connections.db');
  // Polls every 20 ms: how another connection's appends are found.
  const reader = createSqliteEventStore({ path, pollIntervalMs: 20 });
  // Polls once in ten minutes: within the deadline, only the wake-up by its own append can deliver.
  const own = createSqliteEventStore({ path, pollIntervalMs: 600_000 });
  const writer = createSqliteEventStore({ path });
  const seen = watch<RecordedEvent>();
  const ownSeen = watch<RecordedEvent>();
  const errors = watch<StoreError>();
  const subs: { close(): Promise<void> }[] = [];
  try {
    right(await writer.append('cluster-1', 'no_stream', [ev('ClusterCreated')])());
    const sub = reader.subscribe({ onEvent: (e) => seen.push(e), onError: (e) => errors.push(e) });
    subs.push(sub);
    await sub.caughtUp;
    assert.is(seen.items.length, 1);
    right(await writer.append('cluster-1', 0, [ev('ServiceActivated'), ev('AutoRegistrationEnabled')])());
    await seen.until(3, 'the other connection’s events, by polling');

    const ownSub = own.subscribe({ onEvent: (e) => ownSeen.push(e), onError: (e) => errors.push(e) });
    subs.push(ownSub);
    await ownSub.caughtUp;
    assert.is(ownSeen.items.length, 3);
    right(await own.append('cluster-1', 2, [ev('RangeSet')])());
    await ownSeen.until(4, 'the own event, without waiting for a poll');
    await seen.until(4, 'the own event of the other store, by polling');
    for (const events of [seen.items, ownSeen.items])
      assert.equal(
        events.map((e) => [e.globalPosition, e.type]),
        [
          [1, 'ClusterCreated'],
          [2, 'ServiceActivated'],
          [3, 'AutoRegistrationEnabled'],
          [4, 'RangeSet'],
        ],
      );
  } finally {
    // Also on failure: the ten-minute poll timer must not keep the test process alive.
    for (const sub of subs) await sub.close();
    await writer.close();
    await own.close();
    await reader.close();
  }
  assert.equal(errors.items, []);
});

test('a subscription ends with store_unavailable when the connection is closed underneath it', async () => {
  const store = fresh({ pollIntervalMs: 10 });
  right(await store.append('s', 'no_stream', [ev('A')])());
  const errors = watch<StoreError>();
  const sub = store.subscribe({ onEvent: () => undefined, onError: (e) => errors.push(e) });
  await sub.caughtUp;
  store.database.close();
  await errors.until(1, 'the error');
  await sub.close();
  // The subscription stopped at its first error: closed (its loop awaited), it reported only that one.
  assert.equal(
    errors.items.map((e) => [e.code, e._tag === 'StoreUnavailable' && e.retryable]),
    [['store_unavailable', false]],
  );
  await store.close();
});

test('command handling retries on conflicts against the store', async () => {
  const store = fresh();
  const decider = {
    initialState: () => 0,
    evolve: (count: number) => count + 1,
    decide: (_: { readonly kind: 'inc' }, count: number) => E.right([{ type: 'Incremented', data: { to: count + 1 } }]),
  };
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      handleCommand(
        { store, runtime: systemRuntime() },
        decider,
        'counter-1',
        { kind: 'inc' },
        { actor: meta.actor, channel: 'sip', commandId: `cmd-${i}` },
      )(),
    ),
  );
  for (const r of results) assert.ok(E.isRight(r), JSON.stringify(r));
  const events = right(await store.readStream('counter-1')()).events;
  assert.equal(
    events.map((e) => (e.data as { to: number }).to),
    [1, 2, 3, 4, 5],
  );
  await store.close();
});

test('an in-memory database works for throwaway use', async () => {
  const store = createSqliteEventStore({ path: ':memory:' });
  right(await store.append('x', 'no_stream', [ev('A')])());
  assert.is(right(await store.readStream('x')()).currentVersion, 0);
  await store.close();
});

test.run();
