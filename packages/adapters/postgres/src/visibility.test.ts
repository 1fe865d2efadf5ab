import { prepareAppend, type RecordedEvent, systemRuntime } from '@selfprov/core';
import { testEvents, withTimeout } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendStatement, contentHashesByStream, toBatchArgs } from './appendSql.js';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';
import { countStatements, eventually, WAIT_DEADLINE_MS } from './testing/wait.js';

// The commit-visibility rule: a catch-up reader never moves past a position whose transaction has
// not committed yet, so an event that commits late (after a higher position) is never skipped.

const test = suite<{ db: TestDatabase; store: PostgresEventStore; holder: pg.Client; reads: ReturnType<typeof countStatements> }>(
  'commit visibility',
);
useTestDatabase(test);

const positions = (events: readonly RecordedEvent[]) => events.map((e) => e.globalPosition);

const unwrap = <A>(r: E.Either<{ code: string; message: string }, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

test.before.each(async (ctx) => {
  // Counts the store's log reads: what a subscription did is then known, not guessed from elapsed time.
  ctx.reads = countStatements('selfprov_read_all_');
  ctx.store = createPostgresEventStore({
    connectionString: { ...ctx.db.config, Client: ctx.reads.Client },
    schema: ctx.db.freshSchema('vis'),
    pollIntervalMs: 50,
  });
  unwrap(await ctx.store.ready()());
  ctx.holder = new pg.Client(ctx.db.config);
  await ctx.holder.connect();
});

test.after.each(async (ctx) => {
  await ctx.holder.query('ROLLBACK').catch(() => undefined);
  await ctx.holder.end().catch(() => undefined);
  await ctx.store.close();
  await ctx.db.dropSchema(ctx.store.schema);
});

/** Starts an append in `holder`'s own transaction and leaves it open (not committed). */
const beginAppend = async (ctx: { store: PostgresEventStore; holder: pg.Client }, streamId: string, n: number) => {
  const prepared = unwrap(prepareAppend([{ streamId, expected: 'no_stream', events: testEvents(n, 'Late') }], systemRuntime()));
  await ctx.holder.query('BEGIN');
  const { rows } = await ctx.holder.query<{ r: { w: boolean; p: number[] }[] }>(
    appendStatement(`"${ctx.store.schema}"`),
    toBatchArgs([{ requests: prepared, contentHashes: contentHashesByStream(prepared) }], false) as unknown as unknown[],
  );
  assert.ok(rows[0]?.r[0]?.w, 'the held append wrote (uncommitted)');
  return rows[0]?.r[0]?.p ?? [];
};

test('a reader does not advance past a lower position held by an open transaction, then gets both in order', async (ctx) => {
  const { store, db } = ctx;
  unwrap(await store.append('seed', 'no_stream', testEvents(2))());
  const checkpoint = 2;

  // T1 takes position 3 and stays open; T2 takes position 4 and commits.
  const held = await beginAppend(ctx, 'late-stream', 1);
  assert.equal(held, [3]);
  const committed = unwrap(await store.append('early-stream', 'no_stream', testEvents(1, 'Early'))());
  assert.is(committed.lastGlobalPosition, 4);

  // A naive `position > checkpoint` reader would see 4 now, move its checkpoint there, and never see 3.
  const naive = await db.admin.query(`SELECT global_position FROM "${store.schema}".events WHERE global_position > $1 ORDER BY 1`, [
    checkpoint,
  ]);
  assert.equal(
    naive.rows.map((r) => Number(r.global_position)),
    [4],
  );

  // The store's reader stops at the gap: nothing after 2 until T1 ends.
  assert.equal(unwrap(await store.readAll({ after: checkpoint })()), []);
  const seen: RecordedEvent[] = [];
  const sub = store.subscribe({ after: checkpoint, onEvent: (e) => void seen.push(e) });
  await withTimeout(sub.caughtUp, WAIT_DEADLINE_MS, 'caught up');
  // Three more reads sent: the two before the last have returned, and what they returned has been
  // delivered (a subscription reads again only then). Every read since caught-up began after T2's commit.
  await ctx.reads.until(ctx.reads.count() + 3, 'three more reads of the subscription');
  assert.equal(seen, [], 'the subscription must not deliver 4 while 3 is pending');
  // The stream itself is readable at once: the rule only governs the global log.
  assert.is(unwrap(await store.readStream('early-stream')()).currentVersion, 0);

  await ctx.holder.query('COMMIT');
  await eventually(() => seen.length === 2, 'both events');
  assert.equal(positions(seen), [3, 4]);
  assert.equal(
    seen.map((e) => e.streamId),
    ['late-stream', 'early-stream'],
  );
  assert.equal(positions(unwrap(await store.readAll({ after: checkpoint })())), [3, 4]);
  await sub.close();
});

test('a rolled-back transaction leaves a gap that readers then pass', async (ctx) => {
  const { store } = ctx;
  unwrap(await store.append('seed', 'no_stream', testEvents(1))());
  await beginAppend(ctx, 'doomed', 2); // positions 2 and 3
  unwrap(await store.append('kept', 'no_stream', testEvents(1))()); // position 4
  assert.equal(unwrap(await store.readAll({ after: 1 })()), []);
  await ctx.holder.query('ROLLBACK');
  assert.equal(positions(unwrap(await store.readAll({ after: 1 })())), [4]);
  assert.is(unwrap(await store.readStream('doomed')()).currentVersion, -1);
});

test('an unrelated open transaction holds readers back; polling releases them when it ends without a notification', async (ctx) => {
  const { store } = ctx;
  await ctx.holder.query('BEGIN');
  await ctx.holder.query('SELECT pg_current_xact_id()'); // takes a transaction id, writes nothing, never notifies
  const seen: RecordedEvent[] = [];
  const sub = store.subscribe({ onEvent: (e) => void seen.push(e) });
  await withTimeout(sub.caughtUp, WAIT_DEADLINE_MS, 'caught up');
  unwrap(await store.append('s', 'no_stream', testEvents(2))());
  // The append woke the subscription; three more reads sent means two complete reads after the commit.
  await ctx.reads.until(ctx.reads.count() + 3, 'three reads after the append');
  assert.equal(seen, [], 'held back by the older transaction');
  await ctx.holder.query('ROLLBACK');
  await eventually(() => seen.length === 2, 'delivery by polling');
  assert.equal(positions(seen), [1, 2]);
  await sub.close();
});

test('global positions follow transaction ids under concurrent appends', async (ctx) => {
  const { store, db } = ctx;
  const writes = Array.from({ length: 60 }, (_, i) => store.append(`c-${i % 7}`, 'any', testEvents(1 + (i % 3)))());
  for (const r of await Promise.all(writes)) unwrap(r);
  const { rows } = await db.admin.query(
    `SELECT count(*) FILTER (WHERE transaction_id < prev) AS bad, count(*) AS n
       FROM (SELECT transaction_id, lag(transaction_id) OVER (ORDER BY global_position) AS prev FROM "${store.schema}".events) x`,
  );
  assert.is(Number(rows[0].n), 120);
  assert.is(Number(rows[0].bad), 0, 'a higher position never belongs to an older transaction');
});

test('the append function refuses to run after other writes of the same transaction', async (ctx) => {
  const { store } = ctx;
  unwrap(await store.ready()());
  await ctx.holder.query('BEGIN');
  await ctx.holder.query(`INSERT INTO "${store.schema}".checkpoints (projection, version, position) VALUES ('x', 1, 0)`);
  const prepared = unwrap(prepareAppend([{ streamId: 's', expected: 'any', events: testEvents(1) }], systemRuntime()));
  const error = await ctx.holder
    .query(
      appendStatement(`"${store.schema}"`),
      toBatchArgs([{ requests: prepared, contentHashes: contentHashesByStream(prepared) }], false) as unknown as unknown[],
    )
    .then(() => undefined)
    .catch((e: { code?: string; message?: string }) => e);
  assert.is(error?.code, '25001');
  assert.match(error?.message ?? '', /first write of its transaction/);
});

test.run();
