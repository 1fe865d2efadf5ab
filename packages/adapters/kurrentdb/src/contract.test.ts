// The EventStore contract against a REAL KurrentDB / EventStoreDB server, when one is given:
//   KURRENTDB_URL=kurrentdb://localhost:2113?tls=false node scripts/test.mjs packages/adapters/kurrentdb
// The server should be used by nothing else during the run (the suite checks the global log),
// accept appends of a little over 1 MiB (server option MaxAppendSize, e.g. --max-append-size=2097152), and be
// KurrentDB 26.1+ for the guard cases of the default `atomic` mode (25.1: set
// KURRENTDB_MULTI_STREAM=atomic-writes). Without KURRENTDB_URL the suite is skipped, and says so.
import { defineEventStoreContract } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createKurrentDbEventStore, type KurrentDbEventStore, type MultiStreamMode, multiStreamModes, parseKurrentDbUrl } from './index.js';

const url = process.env.KURRENTDB_URL;

if (url === undefined || url === '') {
  // Counted as skipped (uvu's "Skipped" total, which scripts/test.mjs adds up), never as a pass; the
  // console line says why.
  console.log('kurrentdb contract suite: SKIPPED (KURRENTDB_URL not set)');
  const skipped = suite('kurrentdb contract suite (real server)');
  skipped.skip('the EventStore contract against a real KurrentDB server (set KURRENTDB_URL)', () => undefined);
  skipped.run();
} else {
  const parsed = parseKurrentDbUrl(url);
  const mode = (process.env.KURRENTDB_MULTI_STREAM ?? 'atomic') as MultiStreamMode;
  const config = suite('kurrentdb contract suite: configuration');
  config('KURRENTDB_URL and KURRENTDB_MULTI_STREAM are valid', () => {
    if (E.isLeft(parsed)) assert.unreachable(parsed.left.message);
    assert.ok(multiStreamModes.includes(mode), `KURRENTDB_MULTI_STREAM must be one of ${multiStreamModes.join(', ')}`);
  });
  config.run();
  if (E.isRight(parsed)) {
    console.log(`kurrentdb contract suite: RUNNING against ${parsed.right.redacted} (multiStream ${mode})`);
    defineEventStoreContract(`kurrentdb (${parsed.right.redacted})`, {
      create: async () => {
        const store = createKurrentDbEventStore({ connectionString: url, multiStream: mode, pollIntervalMs: 200 });
        if (E.isLeft(store)) throw new Error(store.left.message);
        return store.right as KurrentDbEventStore;
      },
      // A network round trip per read and write: give each operation room, and fewer property runs.
      timeoutMs: 30_000,
      numRuns: 10,
    }).run();
  }
}
