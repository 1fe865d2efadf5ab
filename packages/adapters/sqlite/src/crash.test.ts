import { createChainVerifier, type RecordedEvent, verifyStore } from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore } from './index.js';
import { spawnScript } from './testing/children.js';
import { tempDir } from './testing/files.js';
import { byStream, readEverything } from './testing/readEverything.js';
import { crashSeed, seededRandom } from './testing/seeded.js';

// 20 writers, one after another on ONE file, each SIGKILLed at an instant drawn from a seed (printed
// first: replay with SELFPROV_CRASH_SEED=<seed>). After each kill, the file as the next process
// finds it: intact, every acknowledged batch there, every batch whole or absent (the one in flight at
// the kill included), nothing the writers did not start, versions contiguous, hash chains verified.

const RUNS = 20;
const MAX_DELAY_MS = 250;
const tmp = tempDir('crash');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const seed = crashSeed();
console.log(`  sqlite crash.test.ts: seed ${seed} (replay the kill schedule with SELFPROV_CRASH_SEED=${seed})`);
const random = seededRandom(seed);
/** Even runs count their delay from `ready` (some die before their first commit); odd runs from their n-th acknowledgement. */
const schedule = Array.from({ length: RUNS }, (_, run) => {
  const [a, b] = [random(), random()];
  return { run, afterAcks: run % 2 === 1 ? 1 + Math.floor(a * 20) : 0, delayMs: Math.floor(b * MAX_DELAY_MS) };
});

test.after(() => tmp.remove());

/** `start|ack <batch> <eventId>...` lines of a writer. */
const batchesOf = (lines: readonly string[], kind: 'start' | 'ack') =>
  lines
    .filter((l) => l.startsWith(`${kind} `))
    .map((l) => {
      const [, batch = '', ...ids] = l.split(' ');
      return { batch, ids };
    });

const checkFile = async (path: string, started: ReadonlyMap<string, readonly string[]>, acked: ReadonlySet<string>, label: string) => {
  const raw = new Database(path);
  assert.is(raw.pragma('integrity_check', { simple: true }), 'ok', `${label}: integrity_check`);
  raw.close();

  const store = createSqliteEventStore({ path });
  try {
    const all = await readEverything(store, 1000);
    for (let i = 1; i < all.length; i++)
      assert.ok((all[i]?.globalPosition ?? 0) > (all[i - 1]?.globalPosition ?? 0), `${label}: positions strictly increase at ${i}`);
    const ids = new Set(all.map((e) => e.eventId));
    assert.is(ids.size, all.length, `${label}: every event id recorded once`);
    for (const [streamId, events] of byStream(all))
      assert.equal(
        events.map((e) => e.streamVersion),
        events.map((_, i) => i),
        `${label}: versions of ${streamId} contiguous`,
      );

    // Every event belongs to a batch a writer started, under the id it announced for it.
    const inFile = new Map<string, RecordedEvent[]>();
    for (const e of all) {
      const batch = (e.data as { batch?: string }).batch ?? '';
      assert.ok(started.get(batch)?.includes(e.eventId), `${label}: event ${e.eventId} (${e.type}, batch ${batch}) was never started`);
      inFile.set(batch, [...(inFile.get(batch) ?? []), e]);
    }
    // All or nothing: a batch in the file has all its events (the pair on both streams).
    for (const [batch, events] of inFile) {
      assert.equal(events.map((e) => e.eventId).sort(), [...(started.get(batch) ?? [])].sort(), `${label}: batch ${batch} all-or-nothing`);
      if (events[0]?.type === 'Paired')
        assert.equal(events.map((e) => e.streamId).sort(), ['crash-a', 'crash-b'], `${label}: pair ${batch} on both streams`);
    }
    // Acknowledged => durable: every acknowledged batch, of this run and every earlier one, is there.
    const missing = [...acked].filter((b) => !inFile.has(b));
    assert.equal(missing, [], `${label}: acknowledged batches missing`);

    // Every stream's hash chain and the global log verify.
    const report = await verifyStore(store, { verifier: createChainVerifier({ digest: nodeSha256Hex }) })();
    if (E.isLeft(report)) assert.unreachable(`${label}: verifyStore: ${report.left.code}: ${report.left.message}`);
    const r = (report as E.Right<{ ok: boolean; events: number; problemCount: number; problems: readonly unknown[] }>).right;
    assert.ok(r.ok, `${label}: chains: ${JSON.stringify(r.problems.slice(0, 3))}`);
    assert.is(r.problemCount, 0, label);
    assert.is(r.events, all.length, `${label}: the verifier read the whole log`);
    return { events: all.length, batches: new Set(inFile.keys()) };
  } finally {
    await store.close();
  }
};

test(`${RUNS} writers killed with SIGKILL at seeded instants: file intact, acknowledged => durable, every batch all-or-nothing, chains verify`, async () => {
  const path = tmp.file('crash/events.db');
  const started = new Map<string, readonly string[]>();
  const acked = new Set<string>();
  /** The batch each killed writer had in flight (started, never acknowledged). */
  const inFlightEver = new Set<string>();
  let inFile = new Set<string>();
  let events = 0;
  for (const plan of schedule) {
    const { run } = plan;
    const label = `run ${run} (seed ${seed}: killed ${plan.delayMs} ms after ${plan.afterAcks > 0 ? `ack ${plan.afterAcks}` : 'ready'})`;
    const writer = spawnScript('testing/crashWriter.ts', [path, String(run)]);
    try {
      await writer.waitFor((l) => l === 'ready', 60_000);
      if (plan.afterAcks > 0) await writer.waitFor(() => writer.lines.filter((l) => l.startsWith('ack ')).length >= plan.afterAcks, 60_000);
      await sleep(plan.delayMs);
    } catch (e) {
      writer.process.kill('SIGKILL');
      throw e;
    }
    writer.process.kill('SIGKILL');
    const exit = await writer.closed;
    assert.is(
      exit.signal,
      'SIGKILL',
      `${label}: the writer stopped by itself: ${writer.lines.filter((l) => l.startsWith('error')).join('; ')} ${exit.stderr}`,
    );
    // `closed` waits for the end of stdout: these are all the complete lines the writer wrote before
    // it died. An `ack` line is written only after the append resolved.
    const starts = batchesOf(writer.lines, 'start');
    const acks = batchesOf(writer.lines, 'ack');
    for (const s of starts) started.set(s.batch, s.ids);
    for (const a of acks) {
      assert.equal(a.ids, started.get(a.batch), `${label}: ${a.batch} acknowledged as started`);
      acked.add(a.batch);
    }
    // The writer appends one batch at a time: at most one started and not acknowledged.
    const inFlight = starts.filter((s) => !acked.has(s.batch));
    assert.ok(inFlight.length <= 1, `${label}: ${inFlight.length} batches in flight`);
    if (plan.afterAcks > 0) assert.ok(acks.length >= plan.afterAcks, label);

    for (const s of inFlight) inFlightEver.add(s.batch);

    const found = await checkFile(path, started, acked, label);
    // What the file holds: the acknowledged batches and, at most, the batches in flight at the kills
    // (each whole); nothing found by an earlier check is gone.
    for (const b of found.batches)
      assert.ok(acked.has(b) || inFlightEver.has(b), `${label}: batch ${b} neither acknowledged nor in flight`);
    for (const b of inFile) assert.ok(found.batches.has(b), `${label}: batch ${b}, there after an earlier kill, is gone`);
    inFile = found.batches;
    events = found.events;
  }
  assert.ok(acked.size >= RUNS / 2, 'every other writer waited for acknowledgements before it was killed');
  const kept = [...inFlightEver].filter((b) => inFile.has(b)).length;
  console.log(
    `  (${RUNS} kills, seed ${seed}; ${acked.size} acknowledged batches, all in the file; ` +
      `${kept} of ${inFlightEver.size} in-flight batches committed whole, the others absent; ${events} events)`,
  );
});

test.run();
