import type { AppendResult, StoreError } from '@selfprov/core';
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { startProxy } from './testing/proxy.js';
import { migrateFirst, untilReady } from './testing/schemaSetup.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';

// Group commit: appends issued while another is in flight share one transaction (one round trip of
// the append function), yet each is decided and answered exactly as if it had come alone.

const test = suite<{ db: TestDatabase; store: PostgresEventStore }>('group commit');
useTestDatabase(test);

test.before.each((ctx) => {
  // One round trip in flight at a time: everything issued meanwhile waits and goes together.
  ctx.store = createPostgresEventStore({ connectionString: ctx.db.config, schema: ctx.db.freshSchema('gc'), maxConcurrentAppends: 1 });
});
test.after.each(async (ctx) => {
  await ctx.store.close();
  await ctx.db.dropSchema(ctx.store.schema);
});

/** How many distinct transactions wrote the events of these streams. */
const transactionsOf = async (db: TestDatabase, store: PostgresEventStore, streams: readonly string[]): Promise<number> => {
  const { rows } = await db.admin.query(
    `SELECT count(DISTINCT transaction_id) AS n FROM "${store.schema}".events WHERE stream_id = ANY($1::text[])`,
    [streams],
  );
  return Number(rows[0].n);
};

const ok = (r: E.Either<StoreError, AppendResult>): AppendResult => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<AppendResult>).right;
};

test('concurrent appends to different streams share transactions, each answered with its own versions and positions', async ({
  db,
  store,
}) => {
  ok(await store.append('warm-up', 'no_stream', testEvents(1))());
  const streams = Array.from({ length: 40 }, (_, i) => `gc-${i}`);
  const results = await Promise.all(streams.map((s) => store.append(s, 'no_stream', testEvents(2, s))()));
  const positions = new Set<number>();
  for (const [i, r] of results.entries()) {
    const stream = ok(r).streams[0];
    assert.is(stream?.streamId, streams[i]);
    assert.equal(
      stream?.events.map((e) => e.streamVersion),
      [0, 1],
    );
    for (const e of stream?.events ?? []) positions.add(e.globalPosition);
  }
  assert.is(positions.size, 80, 'every event has its own position');
  const txs = await transactionsOf(db, store, streams);
  assert.ok(txs < streams.length, `40 appends committed in ${txs} transactions: some were grouped`);
  // What the answers said is what is stored, chain included.
  for (const [i, s] of streams.entries()) {
    const read = await store.readStream(s)();
    assert.ok(E.isRight(read));
    if (E.isRight(read)) assert.equal(read.right.events, ok(results[i] as E.Either<StoreError, AppendResult>).streams[0]?.events);
  }
});

test('in one group, a call whose expectation fails is refused alone; the others are written', async ({ db, store }) => {
  ok(await store.append('taken', 'no_stream', testEvents(1))());
  // A round trip counts as in flight until a few microtasks after its caller has its answer: calls
  // issued right after an awaited append would all wait, the first included. After a read (I/O), none is.
  const before = await store.readStream('taken')();
  assert.ok(E.isRight(before) && before.right.currentVersion === 0);
  // Issued in one go: the first takes the only round trip at once (groupCommit.ts); the next three
  // wait for it and then share one round trip, the refused call between the two written ones; the
  // last, on a stream already in that group, waits for it and goes alone after it.
  const calls = [
    store.append('opener', 'no_stream', testEvents(1))(),
    store.append('fresh-a', 'no_stream', testEvents(1))(),
    store.append('taken', 'no_stream', testEvents(1))(),
    store.append('fresh-b', 'no_stream', testEvents(1))(),
    store.append('taken', 5, testEvents(1))(),
  ];
  const [opener, a, refused, b, refusedToo] = await Promise.all(calls);
  ok(opener as E.Either<StoreError, AppendResult>);
  ok(a as E.Either<StoreError, AppendResult>);
  ok(b as E.Either<StoreError, AppendResult>);
  for (const r of [refused, refusedToo]) {
    assert.ok(r && E.isLeft(r));
    if (r && E.isLeft(r)) assert.is(r.left.code, 'wrong_expected_version');
  }
  const read = await store.readStream('taken')();
  assert.ok(E.isRight(read) && read.right.currentVersion === 0, 'nothing was added to the refused stream');
  // The written calls of the group share one transaction (the refusal inside it neither failed it nor
  // split it into calls on their own); the first call had one of its own.
  assert.is(await transactionsOf(db, store, ['fresh-a', 'fresh-b']), 1, 'the group committed as one transaction');
  assert.is(await transactionsOf(db, store, ['opener', 'fresh-a', 'fresh-b']), 2, 'the first call alone, then the group');
});

test('a call replaying recorded events in a group gets its replay; the group is retried call by call', async ({ store }) => {
  const events = testEvents(2, 'retried').map((e, i) => ({ ...e, eventId: `00000000-0000-4000-8000-00000000000${i + 1}` }));
  const first = ok(await store.append('retried', 'any', events)());
  const [others, replay, more] = await Promise.all([
    store.append('other-1', 'no_stream', testEvents(1))(),
    // 'any' holds, so the function writes at once and the unique constraint on event ids stops the group.
    store.append('retried', 'any', events)(),
    store.append('other-2', 'no_stream', testEvents(1))(),
  ]);
  ok(others as E.Either<StoreError, AppendResult>);
  ok(more as E.Either<StoreError, AppendResult>);
  const replayed = ok(replay as E.Either<StoreError, AppendResult>);
  assert.is(replayed.idempotentReplay, true);
  assert.equal(replayed.streams[0]?.events, first.streams[0]?.events);
  const read = await store.readStream('retried')();
  assert.ok(E.isRight(read) && read.right.events.length === 2, 'recorded once');
});

test('calls on the same stream issued together are applied in the order they were issued', async ({ store }) => {
  ok(await store.append('warm-up', 'no_stream', testEvents(1))());
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.append('ordered', 'any', testEvents(1, `n${i}`))()));
  const versions = results.map((r) => ok(r).streams[0]?.events[0]?.streamVersion);
  assert.equal(
    versions,
    Array.from({ length: 12 }, (_, i) => i),
  );
  // Calls that depend on each other by expected version succeed in order too.
  const chained = await Promise.all([12, 13, 14].map((v) => store.append('ordered', v - 1, testEvents(1))()));
  assert.equal(
    chained.map((r) => ok(r).streams[0]?.nextExpectedVersion),
    [12, 13, 14],
  );
});

test('guards (event-less requests) and multi-stream calls mixed into a group keep their all-or-nothing meaning', async ({ store }) => {
  ok(await store.append('guarded', 'no_stream', testEvents(1))());
  const [guardOk, guardFails, multi, multiRefused] = await Promise.all([
    store.appendMulti([{ streamId: 'guarded', expected: 0, events: [] }])(),
    store.appendMulti([{ streamId: 'guarded', expected: 3, events: [] }])(),
    store.appendMulti([
      { streamId: 'pair-a', expected: 'no_stream', events: testEvents(1) },
      { streamId: 'pair-b', expected: 'no_stream', events: testEvents(1) },
    ])(),
    store.appendMulti([
      { streamId: 'lone-c', expected: 'no_stream', events: testEvents(1) },
      { streamId: 'guarded', expected: 7, events: [] },
    ])(),
  ]);
  ok(guardOk as E.Either<StoreError, AppendResult>);
  assert.ok(guardFails && E.isLeft(guardFails) && guardFails.left.code === 'wrong_expected_version');
  assert.is(ok(multi as E.Either<StoreError, AppendResult>).streams.length, 2);
  assert.ok(multiRefused && E.isLeft(multiRefused) && multiRefused.left.code === 'wrong_expected_version');
  const lone = await store.readStream('lone-c')();
  assert.ok(E.isRight(lone) && lone.right.currentVersion === -1, 'the refused call wrote nothing, not even a stream row');
});

/** Opens a transaction on `client` that row-locks the given streams of `schema` until it ends. */
const lockStreams = async (client: pg.Client, schema: string, streams: readonly string[]) => {
  await client.query('BEGIN');
  await client.query(
    `SELECT 1 FROM "${schema}".streams WHERE stream_hash = ANY(SELECT sha256(convert_to(s, 'UTF8')) FROM unnest($1::text[]) s) FOR UPDATE`,
    [streams],
  );
};

/** Fixed event ids, so that a retry of the same call can be recognised as a replay. */
const withIds = (events: ReturnType<typeof testEvents>, prefix: string) =>
  events.map((e, i) => ({ ...e, eventId: `${prefix}-0000-4000-8000-${String(i + 1).padStart(12, '0')}` }));

test('a group whose fate is unknown (its answer lost) answers every call as uncertain, never as refused; a retry settles it', async ({
  db,
}) => {
  // The group reaches the server, then the connection goes silent: the server may commit it without
  // the client ever knowing. A refusal would then be false: like a lone call, each call of the group
  // gets store_unavailable (the client's own timeout: no SQLSTATE), and a retry with the same event
  // ids answers what really happened.
  const schema = db.freshSchema('gcfate');
  const proxy = await startProxy(db.host, db.port);
  const store = createPostgresEventStore({
    connectionString: { ...db.config, host: '127.0.0.1', port: proxy.port },
    schema,
    maxConcurrentAppends: 1,
    queryTimeoutMs: 2000,
  });
  const direct = createPostgresEventStore({ connectionString: db.config, schema });
  const holder = new pg.Client(db.config);
  const lockedEvents = withIds(testEvents(1, 'L'), '0000000a');
  const freshEvents = withIds(testEvents(1, 'F'), '0000000f');
  try {
    // Migrated at the default timeouts first (schemaSetup.ts), not by the store under 2 s ones.
    await migrateFirst(db, schema);
    await untilReady(store);
    ok(await store.append('busy', 'no_stream', testEvents(1))());
    ok(await store.append('locked', 'no_stream', testEvents(1))());
    await holder.connect();
    await lockStreams(holder, schema, ['locked']);
    // The relay goes silent the moment the group's statement (the only one through `append`, prepared
    // as selfprov_append_v5, see appendRoundTrips.ts) has been sent whole: it reaches the server, its
    // answer never comes back. Nothing here has to catch the group on the server in time.
    const frozen = proxy.freezeAfterStatement('selfprov_append_v5');
    // Issued in one go: the first takes the only round trip (synchronously), the others wait for it
    // and then share the next one. The first goes through append_one, the group through append.
    const first = store.append('busy', 0, testEvents(1))();
    const grouped = [
      store.append('elsewhere', 'exists', testEvents(1))(), // alone, this one would be refused
      store.append('locked', 'any', lockedEvents)(),
      store.append('fresh', 'no_stream', freshEvents)(),
    ];
    ok(await first);
    // The group is on the server now (waiting on the holder), the connection silent: let it go on.
    await frozen;
    await holder.query('ROLLBACK');
    for (const r of await Promise.all(grouped)) {
      assert.ok(E.isLeft(r), 'no call is answered as done or refused');
      if (E.isLeft(r)) {
        assert.is(r.left.code, 'store_unavailable');
        assert.is(r.left.details?.sqlState, undefined, 'the client gave up: no server answer came');
      }
    }
    // The documented recovery: the same calls again. Committed meanwhile or not, each event is there once.
    ok(await direct.append('locked', 'any', lockedEvents)());
    ok(await direct.append('fresh', 'no_stream', freshEvents)());
    const ids = [lockedEvents[0]?.eventId, freshEvents[0]?.eventId];
    const { rows } = await db.admin.query(`SELECT count(*) AS n FROM "${schema}".events WHERE event_id = ANY($1::uuid[])`, [ids]);
    assert.is(Number(rows[0].n), 2);
  } finally {
    await holder.end().catch(() => undefined);
    await store.close();
    await direct.close();
    await proxy.close();
    await db.dropSchema(schema);
  }
});

test('a group the server cancels (statement_timeout) is known unwritten: every call is answered retryable, none refused or retried alone', async ({
  db,
}) => {
  const schema = db.freshSchema('gccancel');
  const store = createPostgresEventStore({ connectionString: db.config, schema, maxConcurrentAppends: 1, queryTimeoutMs: 1000 });
  const holder = new pg.Client(db.config);
  try {
    // Migrated at the default timeouts first (schemaSetup.ts), not by the store under 1 s ones.
    await migrateFirst(db, schema);
    await untilReady(store);
    ok(await store.append('busy', 'no_stream', testEvents(1))());
    ok(await store.append('locked', 'no_stream', testEvents(1))());
    await holder.connect();
    await lockStreams(holder, schema, ['busy', 'locked']);
    // As above: the first takes the round trip at once, the others are grouped behind it.
    const first = store.append('busy', 'any', testEvents(1))();
    const grouped = [
      store.append('elsewhere', 'exists', testEvents(1))(),
      store.append('locked', 'any', testEvents(1))(),
      store.append('fresh', 'no_stream', testEvents(1))(),
    ];
    for (const r of await Promise.all([first, ...grouped])) {
      assert.ok(E.isLeft(r), 'no call is answered as done or refused');
      if (E.isLeft(r)) {
        assert.is(r.left.code, 'store_unavailable');
        assert.is(r.left.details?.sqlState, '57014', 'the server cancelled it');
        assert.is(r.left._tag === 'StoreUnavailable' && r.left.retryable, true);
      }
    }
    // Rolled back, and not retried one by one (which would have written 'fresh' and refused 'elsewhere').
    const fresh = await store.readStream('fresh')();
    assert.ok(E.isRight(fresh) && fresh.right.currentVersion === -1, 'nothing of the cancelled group was written');
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end().catch(() => undefined);
    await store.close();
    await db.dropSchema(schema);
  }
});

test('maxConcurrentAppends is validated', async ({ db }) => {
  const store = createPostgresEventStore({ connectionString: db.config, maxConcurrentAppends: 0 });
  const r = await store.append('s', 'any', testEvents(1))();
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left.code, 'invalid_store_options');
    assert.is(r.left._tag === 'ValidationError' && r.left.field, 'maxConcurrentAppends');
  }
  await store.close();
});

test.run();
