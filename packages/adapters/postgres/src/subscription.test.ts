import type { RecordedEvent } from '@selfprov/core';
import { testEvents, withTimeout } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';
import { eventually, WAIT_DEADLINE_MS } from './testing/wait.js';

// Wake-ups: NOTIFY from another process (here: another store with its own pool), polling when LISTEN is
// off, and recovery when the LISTEN connection is killed.

const test = suite<{ db: TestDatabase; stores: PostgresEventStore[]; schema: string }>('subscriptions');
useTestDatabase(test);

test.before.each((ctx) => {
  ctx.stores = [];
  ctx.schema = ctx.db.freshSchema('sub');
});
test.after.each(async (ctx) => {
  for (const s of ctx.stores) await s.close();
  await ctx.db.dropSchema(ctx.schema);
});

const open = (
  ctx: { db: TestDatabase; stores: PostgresEventStore[]; schema: string },
  options: { pollIntervalMs?: number; listen?: boolean } = {},
  applicationName = 'selfprov',
) => {
  const store = createPostgresEventStore({
    connectionString: { ...ctx.db.config, application_name: applicationName },
    schema: ctx.schema,
    ...options,
  });
  ctx.stores.push(store);
  return store;
};

const follow = async (store: PostgresEventStore) => {
  const seen: RecordedEvent[] = [];
  const sub = store.subscribe({ onEvent: (e) => void seen.push(e) });
  await withTimeout(sub.caughtUp, WAIT_DEADLINE_MS, 'caught up');
  return { seen, sub };
};

test('a NOTIFY from another store wakes the subscription (polling practically off)', async (ctx) => {
  const reader = open(ctx, { pollIntervalMs: 600_000 });
  const writer = open(ctx);
  const { seen, sub } = await follow(reader);
  for (let i = 0; i < 3; i++) {
    const r = await writer.append('s', i === 0 ? 'no_stream' : i - 1, testEvents(1, `N${i}-`))();
    assert.ok(E.isRight(r));
    await eventually(() => seen.length === i + 1, `event ${i}`);
  }
  assert.equal(
    seen.map((e) => e.type),
    ['N0-0', 'N1-0', 'N2-0'],
  );
  await sub.close();
});

test('with LISTEN off, polling delivers events appended elsewhere', async (ctx) => {
  const reader = open(ctx, { listen: false, pollIntervalMs: 50 });
  const writer = open(ctx);
  const { seen, sub } = await follow(reader);
  assert.ok(E.isRight(await writer.append('p', 'no_stream', testEvents(2))()));
  await eventually(() => seen.length === 2, 'polled events');
  const listeners = await ctx.db.admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN%' AND query LIKE $1`, [
    `%${ctx.schema}%`,
  ]);
  assert.is(Number(listeners.rows[0].n), 0, 'no LISTEN connection was opened');
  await sub.close();
});

test('a killed LISTEN connection is re-established and no event is missed', async (ctx) => {
  const reader = open(ctx, { pollIntervalMs: 600_000 }, `listen-${ctx.schema}`);
  const writer = open(ctx);
  const { seen, sub } = await follow(reader);
  const listener = async () =>
    (
      await ctx.db.admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`, [
        `listen-${ctx.schema}`,
      ])
    ).rows.map((r) => Number(r.pid));
  await eventually(async () => (await listener()).length > 0, 'the LISTEN connection');
  const [pid] = await listener();
  assert.ok(pid, 'the LISTEN connection is up');
  await ctx.db.admin.query('SELECT pg_terminate_backend($1)', [pid]);
  // Appended while the listener is down or reconnecting: the reconnection re-reads, then NOTIFY resumes.
  assert.ok(E.isRight(await writer.append('k', 'no_stream', testEvents(1, 'Down'))()));
  await eventually(() => seen.length === 1, 'event appended around the reconnection');
  await eventually(async () => {
    const pids = await listener();
    return pids.length > 0 && !pids.includes(pid as number);
  }, 'a new LISTEN connection');
  assert.ok(E.isRight(await writer.append('k', 0, testEvents(1, 'Up'))()));
  await eventually(() => seen.length === 2, 'event after the reconnection');
  assert.equal(
    seen.map((e) => e.type),
    ['Down0', 'Up0'],
  );
  await sub.close();
});

test('closing the last subscription closes the LISTEN connection', async (ctx) => {
  const reader = open(ctx, {}, `gone-${ctx.schema}`);
  const { sub } = await follow(reader);
  const count = async () =>
    Number(
      (
        await ctx.db.admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'`, [
          `gone-${ctx.schema}`,
        ])
      ).rows[0].n,
    );
  await eventually(async () => (await count()) > 0, 'the LISTEN connection');
  assert.is(await count(), 1);
  await sub.close();
  await eventually(async () => (await count()) === 0, 'the LISTEN connection to close');
  assert.is(await count(), 0);
});

test.run();
