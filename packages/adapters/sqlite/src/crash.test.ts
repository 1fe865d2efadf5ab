import type { RecordedEvent } from '@selfprov/core';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore } from './index.js';
import { spawnScript } from './test/children.js';
import { tempDir } from './test/files.js';
import { byStream, readEverything } from './test/readEverything.js';

const RUNS = 20;
const MAX_DELAY_MS = 250;
const tmp = tempDir('crash');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.after(() => tmp.remove());

const checkFile = async (path: string, acked: ReadonlySet<string>, label: string) => {
  const raw = new Database(path);
  assert.is(raw.pragma('integrity_check', { simple: true }), 'ok', `${label}: integrity_check`);
  raw.close();

  const store = createSqliteEventStore({ path });
  const all = await readEverything(store, 1000);
  for (let i = 1; i < all.length; i++)
    assert.ok((all[i]?.globalPosition ?? 0) > (all[i - 1]?.globalPosition ?? 0), `${label}: positions strictly increase at ${i}`);
  const ids = new Set(all.map((e) => e.eventId));
  assert.is(ids.size, all.length, `${label}: every event id recorded once`);
  const missing = [...acked].filter((id) => !ids.has(id));
  assert.equal(missing, [], `${label}: acknowledged events missing`);
  for (const [streamId, events] of byStream(all))
    assert.equal(
      events.map((e) => e.streamVersion),
      events.map((_, i) => i),
      `${label}: versions of ${streamId} contiguous`,
    );
  // Atomic pairs across two streams: both halves or neither.
  const pairs = new Map<string, RecordedEvent[]>();
  for (const e of all.filter((x) => x.type === 'Paired')) {
    const pair = (e.data as { pair: string }).pair;
    pairs.set(pair, [...(pairs.get(pair) ?? []), e]);
  }
  for (const [pair, halves] of pairs)
    assert.equal(halves.map((e) => e.streamId).sort(), ['crash-a', 'crash-b'], `${label}: pair ${pair} all-or-nothing`);
  await store.close();
  return all.length;
};

test(`${RUNS} writers killed with SIGKILL at random instants: file intact, every acknowledged append kept`, async () => {
  const path = tmp.file('crash/events.db');
  const acked = new Set<string>();
  const delays: number[] = [];
  let recorded = 0;
  for (let run = 0; run < RUNS; run++) {
    const writer = spawnScript('test/crashWriter.ts', [path, String(run)]);
    await writer.waitFor((l) => l === 'ready');
    const delay = Math.floor(Math.random() * MAX_DELAY_MS);
    delays.push(delay);
    await sleep(delay);
    writer.process.kill('SIGKILL');
    const exit = await writer.closed;
    const label = `run ${run} (killed ${delay} ms after ready; delays so far ${delays.join(',')})`;
    assert.is(
      exit.signal,
      'SIGKILL',
      `${label}: the writer stopped by itself: ${writer.lines.filter((l) => l.startsWith('error')).join('; ')} ${exit.stderr}`,
    );
    for (const line of writer.lines) if (line.startsWith('ack ')) acked.add(line.slice(4));
    recorded = await checkFile(path, acked, label);
    assert.ok(recorded >= acked.size, `${label}: no fewer events than acknowledged`);
  }
  assert.ok(acked.size > 0, 'the writers acknowledged appends before being killed');
  console.log(`  (${RUNS} kills; ${acked.size} acknowledged events, ${recorded} recorded)`);
});

test.run();
