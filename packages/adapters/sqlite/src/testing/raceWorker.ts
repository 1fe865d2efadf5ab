/**
 * Child process of multiprocess.test.ts. Usage: raceWorker.ts <db path> <worker> <rounds> <dn count>.
 * Prints `ready`, waits for `go` on stdin, then opens the store (all workers open the NEW file at
 * once) and races the other workers:
 * - optimistic appends to shared counter streams (load the version, append with it, retry on conflict);
 *   prints `ack <streamId> <eventId>` for each acknowledged append;
 * - `no_stream` reservations of `dn-1000`.., atomically with a line on the worker's own phone stream;
 *   prints `won <dn> <dnEventId> <phoneEventId>` or `lost <dn>`.
 * Ends with `done <number of conflicts it retried>`. Any other failure prints `error ...` and exits 1.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { NewEvent, StoreError } from '@selfprov/core';
import { createSqliteEventStore } from '../index.js';

const [path = '', workerArg = '0', roundsArg = '100', dnArg = '30'] = process.argv.slice(2);
const worker = Number(workerArg);
const rounds = Number(roundsArg);
const dnCount = Number(dnArg);
const out = (line: string) => process.stdout.write(`${line}\n`);
const die = (what: string, e: StoreError): never => {
  out(`error ${what} ${e.code} ${e.message}`);
  process.exit(1);
};
const event = (type: string, data: Record<string, string | number>): NewEvent => ({
  type,
  data,
  eventId: randomUUID(),
  metadata: { actor: { kind: 'system', id: `race-worker-${worker}` }, channel: 'system' },
});

out('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

const store = createSqliteEventStore({ path, busyTimeoutMs: 20_000 });
const counters = ['counter-a', 'counter-b', 'counter-c'];
const dnEvery = Math.max(1, Math.floor(rounds / dnCount));
let nextDn = 0;
let conflicts = 0;

for (let i = 0; i < rounds; i++) {
  const streamId = counters[(i + worker) % counters.length] as string;
  for (let attempt = 0; ; attempt++) {
    const loaded = await store.readStream(streamId, { direction: 'backward', maxCount: 1 })();
    if (loaded._tag === 'Left') die('read', loaded.left);
    const version = loaded._tag === 'Right' ? loaded.right.currentVersion : -1;
    const e = event('Counted', { worker, i });
    const r = await store.append(streamId, version < 0 ? 'no_stream' : version, [e])();
    if (r._tag === 'Right') {
      out(`ack ${streamId} ${e.eventId}`);
      break;
    }
    if (r.left.code !== 'wrong_expected_version' || attempt > 10_000) die('append', r.left);
    conflicts += 1;
  }
  if (i % dnEvery === 0 && nextDn < dnCount) {
    const dn = `dn-${1000 + nextDn++}`;
    const reserved = event('DnReserved', { worker });
    const line = event('LineAdded', { dn });
    const r = await store.appendMulti([
      { streamId: dn, expected: 'no_stream', events: [reserved] },
      { streamId: `phone-w${worker}`, expected: 'any', events: [line] },
    ])();
    if (r._tag === 'Right') out(`won ${dn} ${reserved.eventId} ${line.eventId}`);
    else if (r.left.code === 'wrong_expected_version') out(`lost ${dn}`);
    else die('reserve', r.left);
  }
}
await store.close();
out(`done ${conflicts}`);
