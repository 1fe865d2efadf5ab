import { prepareAppend, systemRuntime } from '@selfprov/core';
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AppendCall, appendOneStatement, contentHashesByStream, toAppendOneArgs } from './appendSql.js';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';

// `append_one` (schema 6), the single-event path: it writes what `append` would, or answers NULL and
// leaves the call to `append`, which the store then sends.

const test = suite<{ db: TestDatabase; store: PostgresEventStore; client: pg.Client }>('append_one');
useTestDatabase(test);

test.before.each(async (ctx) => {
  ctx.store = createPostgresEventStore({ connectionString: ctx.db.config, schema: ctx.db.freshSchema('one') });
  const ready = await ctx.store.ready()();
  assert.ok(E.isRight(ready));
  ctx.client = new pg.Client(ctx.db.config);
  await ctx.client.connect();
});
test.after.each(async (ctx) => {
  await ctx.client.end();
  await ctx.store.close();
  await ctx.db.dropSchema(ctx.store.schema);
});

const callOf = (streamId: string, expected: Parameters<typeof prepareAppend>[0][number]['expected'], n = 1): AppendCall => {
  const prepared = prepareAppend([{ streamId, expected, events: testEvents(n) }], systemRuntime());
  if (E.isLeft(prepared)) throw new Error(prepared.left.message);
  return { requests: prepared.right, contentHashes: contentHashesByStream(prepared.right) };
};

const callOne = async (ctx: { client: pg.Client; store: PostgresEventStore }, call: AppendCall) => {
  const values = toAppendOneArgs(call);
  assert.ok(values, "a single-event call with no_stream or a version is append_one's");
  const { rows } = await ctx.client.query(appendOneStatement(`"${ctx.store.schema}"`), values);
  return rows[0]?.r as { w: boolean; v: number[]; p: number[]; ph: (string | null)[]; h: string[] }[] | null;
};

test('only single-event calls expecting no_stream or a version are its', () => {
  assert.ok(toAppendOneArgs(callOf('a', 'no_stream')));
  assert.ok(toAppendOneArgs(callOf('a', 3)));
  assert.is(toAppendOneArgs(callOf('a', 'any')), undefined);
  assert.is(toAppendOneArgs(callOf('a', 'exists')), undefined);
  assert.is(toAppendOneArgs(callOf('a', 'no_stream', 2)), undefined);
});

test('writes a new stream and then the next version, chained, exactly as the store reads them back', async (ctx) => {
  const first = await callOne(ctx, callOf('s', 'no_stream'));
  assert.is(first?.[0]?.w, true);
  assert.equal(first?.[0]?.v, [-1]);
  assert.equal(first?.[0]?.ph, [null]);
  const second = await callOne(ctx, callOf('s', 0));
  assert.is(second?.[0]?.w, true);
  assert.equal(second?.[0]?.v, [0]);
  assert.equal(second?.[0]?.ph, first?.[0]?.h, 'the second event links to the first');
  const read = await ctx.store.readStream('s')();
  assert.ok(E.isRight(read));
  if (E.isRight(read)) {
    assert.equal(
      read.right.events.map((e) => [e.streamVersion, e.globalPosition, e.prevHash, e.hash]),
      [
        [0, first?.[0]?.p[0], null, first?.[0]?.h[0]],
        [1, second?.[0]?.p[0], first?.[0]?.h[0], second?.[0]?.h[0]],
      ],
    );
  }
});

test('answers NULL, writing nothing, when the stream exists for no_stream, is new for a version, or is at another version', async (ctx) => {
  await callOne(ctx, callOf('taken', 'no_stream'));
  const before = await ctx.store.readAll({ maxCount: 100 })();
  for (const call of [callOf('taken', 'no_stream'), callOf('fresh', 0), callOf('taken', 4)]) assert.is(await callOne(ctx, call), null);
  assert.equal(await ctx.store.readAll({ maxCount: 100 })(), before);
  const fresh = await ctx.store.readStream('fresh')();
  assert.ok(E.isRight(fresh) && fresh.right.currentVersion === -1, 'no stream row left behind');
});

test('through the store, a refused single-event call still gets its typed conflict', async ({ store }) => {
  const r = await store.append('x', 2, testEvents(1))();
  assert.ok(E.isLeft(r) && r.left.code === 'wrong_expected_version');
});

test.run();
