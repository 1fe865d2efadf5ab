import { createProjectionRunner, type Projection } from '@selfprov/core';
import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';

const test = suite<{ db: TestDatabase; store: PostgresEventStore }>('checkpoints');
useTestDatabase(test);

test.before.each((ctx) => {
  ctx.store = createPostgresEventStore({ connectionString: ctx.db.config, schema: ctx.db.freshSchema('cp') });
});
test.after.each(async (ctx) => {
  await ctx.store.close();
  await ctx.db.dropSchema(ctx.store.schema);
});

test('save, load, overwrite; an unknown projection has no checkpoint', async ({ store }) => {
  const { checkpoints } = store;
  assert.equal(await checkpoints.load('nobody')(), E.right(undefined));
  assert.equal(await checkpoints.save({ projection: 'phones', version: 1, position: 7 })(), E.right(undefined));
  assert.equal(await checkpoints.load('phones')(), E.right({ projection: 'phones', version: 1, position: 7 }));
  const state = { byMac: { AABBCCDDEEFF: 'SEPAABBCCDDEEFF' }, nul: 'a\u0000b', list: [1, 2.5, null] };
  await checkpoints.save({ projection: 'phones', version: 2, position: 42, state })();
  assert.equal(await checkpoints.load('phones')(), E.right({ projection: 'phones', version: 2, position: 42, state }));
});

test('bad checkpoints are refused naming the field', async ({ store }) => {
  const e1 = await store.checkpoints.save({ projection: '', version: 1, position: 0 })();
  assert.ok(E.isLeft(e1) && e1.left.field === 'projection');
  const e2 = await store.checkpoints.save({ projection: 'p', version: 1, position: -1 })();
  assert.ok(E.isLeft(e2) && e2.left.field === 'position');
  const e3 = await store.checkpoints.save({ projection: 'p', version: 1, position: 1, state: { f: () => 1 } as never })();
  assert.ok(E.isLeft(e3) && e3.left.code === 'non_serialisable_data' && e3.left.field === 'state.f');
  assert.equal(await store.checkpoints.load('p')(), E.right(undefined));
});

test('a projection runner resumes from its stored checkpoint instead of replaying', async ({ store }) => {
  const folded: number[] = [];
  const counter: Projection<{ count: number }> = {
    name: 'counter',
    version: 1,
    initialState: () => ({ count: 0 }),
    evolve: (s, e) => {
      folded.push(e.globalPosition);
      return { count: s.count + 1 };
    },
    snapshot: {
      encode: (s) => s,
      decode: (stored) => E.right(stored as { count: number }),
    },
  };
  await store.append('a', 'no_stream', testEvents(3))();
  const first = createProjectionRunner({ store, projection: counter, checkpoints: store.checkpoints });
  assert.ok(E.isRight(await first.start()()));
  assert.equal(first.state(), { count: 3 });
  await store.append('a', 2, testEvents(2))();
  folded.length = 0;
  const second = createProjectionRunner({ store, projection: counter, checkpoints: store.checkpoints });
  assert.ok(E.isRight(await second.start()()));
  assert.equal(second.state(), { count: 5 });
  assert.is(folded.length, 2, 'only the two new events were folded');
});

test('a closed store answers checkpoint calls with store_closed', async ({ store }) => {
  await store.close();
  const r = await store.checkpoints.load('x')();
  assert.ok(E.isLeft(r) && r.left.code === 'store_closed');
});

test.run();
