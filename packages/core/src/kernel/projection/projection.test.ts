import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryCheckpointStore, createMemoryEventStore, createProjectionRunner, type Projection } from '../../index.js';
import { testEvent } from '../../testkit/index.js';

// Counts events per type: a read model small enough to check by hand.
const countsByType: Projection<Record<string, number>> = {
  name: 'counts-by-type',
  version: 1,
  initialState: () => ({}),
  evolve: (s, e) => {
    s[e.type] = (s[e.type] ?? 0) + 1;
    return s;
  },
  snapshot: {
    encode: (s) => s,
    decode: (j) =>
      typeof j === 'object' && j !== null && !Array.isArray(j) ? E.right({ ...(j as Record<string, number>) }) : E.left('not an object'),
  },
};

const seed = async (store: ReturnType<typeof createMemoryEventStore>, types: string[]) => {
  for (const type of types) await store.append('s', 'any', [testEvent(type)])();
};

test('catch-up folds the whole log and stores a checkpoint with its snapshot', async () => {
  const store = createMemoryEventStore();
  const checkpoints = createMemoryCheckpointStore();
  await seed(store, ['A', 'B', 'A']);
  const runner = createProjectionRunner({ store, projection: countsByType, checkpoints });
  assert.ok(E.isRight(await runner.start()()));
  assert.equal(runner.state(), { A: 2, B: 1 });
  assert.equal(checkpoints.saved.get('counts-by-type'), { projection: 'counts-by-type', version: 1, position: 3, state: { A: 2, B: 1 } });
});

test('a restarted runner resumes from its checkpoint without refolding', async () => {
  const store = createMemoryEventStore();
  const checkpoints = createMemoryCheckpointStore();
  await seed(store, ['A', 'B']);
  await createProjectionRunner({ store, projection: countsByType, checkpoints }).start()();
  await seed(store, ['C']);
  let folded = 0;
  const counting = {
    ...countsByType,
    evolve: (s: Record<string, number>, e: Parameters<typeof countsByType.evolve>[1]) => {
      folded++;
      return countsByType.evolve(s, e);
    },
  };
  const again = createProjectionRunner({ store, projection: counting, checkpoints });
  await again.start()();
  assert.is(folded, 1, 'only the event after the checkpoint is folded');
  assert.equal(again.state(), { A: 1, B: 1, C: 1 });
});

test('a checkpoint of another projection version is discarded and the model rebuilt', async () => {
  const store = createMemoryEventStore();
  const checkpoints = createMemoryCheckpointStore();
  await seed(store, ['A']);
  await checkpoints.save({ projection: 'counts-by-type', version: 0, position: 1, state: { Stale: 99 } })();
  const runner = createProjectionRunner({ store, projection: countsByType, checkpoints });
  await runner.start()();
  assert.equal(runner.state(), { A: 1 });
});

test('rebuild folds again from zero', async () => {
  const store = createMemoryEventStore();
  await seed(store, ['A', 'A']);
  const runner = createProjectionRunner({ store, projection: countsByType });
  await runner.start()();
  const r = await runner.rebuild()();
  assert.equal(r, E.right(2));
  assert.equal(runner.state(), { A: 2 });
});

test('inline use: catchUp right after an append reads its own writes; concurrent calls never fold twice', async () => {
  const store = createMemoryEventStore();
  const runner = createProjectionRunner({ store, projection: countsByType });
  await runner.start()();
  await seed(store, ['X']);
  await Promise.all([runner.catchUp()(), runner.catchUp()(), runner.catchUp()()]);
  assert.equal(runner.state(), { X: 1 });
});

test('follow applies live events once', async () => {
  const store = createMemoryEventStore();
  const runner = createProjectionRunner({ store, projection: countsByType });
  await runner.start()();
  const sub = runner.follow();
  await seed(store, ['L', 'L']);
  // Wait for the subscription itself to apply them (generous deadline: a loaded machine is slow, never wrong).
  const deadline = Date.now() + 30_000;
  while (runner.position() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(runner.state(), { L: 2 }, 'follow applied the live events');
  await runner.catchUp()();
  await sub.close();
  assert.equal(runner.state(), { L: 2 }, 'a catch-up after follow applies nothing twice');
});

test.run();
