/**
 * Group commit keeps each call's meaning: random calls issued all at once (sharing transactions, a
 * savepoint each) get exactly the answers they get issued one by one (the testkit's property check).
 */
import { manualClock } from '@selfprov/core';
import { checkBurstsMatchSequential } from '@selfprov/core/testkit';
import { test } from 'uvu';
import { createSqliteEventStore } from './index.js';
import { tempDir } from './testing/files.js';

const tmp = tempDir('burst');
test.after(() => tmp.remove());

test('bursts of concurrent calls give the results of the same calls issued one by one', async () => {
  const store = createSqliteEventStore({
    path: tmp.file('burst.db'),
    runtime: { clock: manualClock('2026-02-02T02:02:02.000Z') },
  });
  try {
    await checkBurstsMatchSequential(store, { numRuns: 60 });
  } finally {
    await store.close();
  }
});

test.run();
