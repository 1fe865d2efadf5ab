import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coalesceCalls } from './coalesce.js';

/** A fake "log": `writes` grows; a run snapshots it when it starts, like a read of the log. */
const harness = () => {
  let writes = 0;
  let runs = 0;
  const gates: (() => void)[] = [];
  const run = () => {
    runs += 1;
    const seen = writes;
    return new Promise<number>((resolve) => gates.push(() => resolve(seen)));
  };
  return {
    write: () => {
      writes += 1;
      return writes;
    },
    runs: () => runs,
    release: async () => {
      for (const g of gates.splice(0)) g();
      await new Promise((r) => setImmediate(r));
    },
    shared: coalesceCalls(run),
  };
};

test('a call with none running starts a run at once', async () => {
  const h = harness();
  const p = h.shared();
  assert.is(h.runs(), 1);
  await h.release();
  assert.is(await p, 0);
});

test('calls made during a run share one next run, which sees their writes', async () => {
  const h = harness();
  const first = h.shared();
  const w1 = h.write();
  const a = h.shared();
  const w2 = h.write();
  const b = h.shared();
  assert.is(h.runs(), 1, 'the second run waits for the first');
  assert.is(a, b, 'concurrent callers share one promise');
  await h.release();
  assert.is(await first, 0, 'the running one read before the writes');
  assert.is(h.runs(), 2);
  await h.release();
  const seen = await a;
  assert.ok(seen >= w1 && seen >= w2, 'the shared run saw every write made before its callers');
  assert.is(h.runs(), 2);
});

test('a failed run does not block later calls', async () => {
  let n = 0;
  const shared = coalesceCalls(async () => {
    n += 1;
    if (n === 1) throw new Error('boom');
    return n;
  });
  const first = shared();
  const second = shared();
  await assert.not.ok(
    await first.then(
      () => true,
      () => false,
    ),
  );
  assert.is(await second, 2);
  assert.is(await shared(), 3);
});

test.run();
