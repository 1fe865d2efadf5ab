import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RecordedEvent } from '@selfprov/core';
import { withTimeout } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';
import { eventually, WAIT_DEADLINE_MS } from './testing/wait.js';

// Four OS processes race on one schema: optimistic appends to shared counters (some atomic across two
// counters) and `no_stream` reservations of the same ids, while this process follows the log live.

const WORKERS = 4;
const ROUNDS = 40;
const COUNTERS = 3;
const RESERVATIONS = 20;

interface Report {
  worker: number;
  acks: { eventId: string; streamId: string; streamVersion: number; globalPosition: number }[];
  won: string[];
  lost: string[];
  conflicts: number;
}

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const workerScript = fileURLToPath(new URL('./testing/raceWorker.ts', import.meta.url));

const runWorker = (db: TestDatabase, schema: string, worker: number, go: Promise<void>, onReady: () => void) =>
  new Promise<Report>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', workerScript], {
      cwd: repoRoot,
      env: {
        ...process.env,
        SELFPROV_RACE_URL: db.url,
        SELFPROV_RACE_SCHEMA: schema,
        SELFPROV_RACE_WORKER: String(worker),
        SELFPROV_RACE_ROUNDS: String(ROUNDS),
        SELFPROV_RACE_COUNTERS: String(COUNTERS),
        SELFPROV_RACE_RESERVATIONS: String(RESERVATIONS),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let announced = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!announced && out.includes('ready\n')) {
        announced = true;
        onReady();
        void go.then(() => child.stdin.write('go\n'));
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`worker ${worker} exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as Report);
    });
  });

const test = suite<{ db: TestDatabase }>('multi-process races');
useTestDatabase(test);

test('4 processes: no version lost or doubled, every ack recorded once, each reservation won exactly once', async ({ db }) => {
  const schema = db.freshSchema('race');
  const observer = createPostgresEventStore({ connectionString: db.config, schema, pollIntervalMs: 100 });
  // Migrate once up front; the workers' own migrations then find the schema current (and would be safe anyway).
  const ready = await observer.ready()();
  assert.ok(E.isRight(ready));

  const live: RecordedEvent[] = [];
  const sub = observer.subscribe({ onEvent: (e) => void live.push(e) });
  await withTimeout(sub.caughtUp, WAIT_DEADLINE_MS, 'observer caught up');

  let release!: () => void;
  const go = new Promise<void>((r) => {
    release = r;
  });
  let readyCount = 0;
  const runs = Array.from({ length: WORKERS }, (_, w) =>
    runWorker(db, schema, w, go, () => {
      readyCount += 1;
      if (readyCount === WORKERS) release();
    }),
  );
  // Generous: four processes each start tsx on what may be two busy cores.
  const reports = await withTimeout(Promise.all(runs), 120_000, 'workers');

  // The whole log, as the store finally has it.
  const log = await observer.readAll({ maxCount: 100_000 })();
  assert.ok(E.isRight(log));
  const events = (log as E.Right<readonly RecordedEvent[]>).right;

  // Every acknowledged append is present exactly once, where the store said it was.
  const acks = reports.flatMap((r) => r.acks);
  const byId = new Map(events.map((e) => [e.eventId, e]));
  assert.is(byId.size, events.length, 'event ids are unique across the log');
  for (const ack of acks) {
    const e = byId.get(ack.eventId);
    assert.ok(e, `acknowledged event ${ack.eventId} is in the log`);
    assert.is(e?.streamId, ack.streamId);
    assert.is(e?.streamVersion, ack.streamVersion);
    assert.is(e?.globalPosition, ack.globalPosition);
  }
  const counterEvents = events.filter((e) => e.streamId.startsWith('counter-'));
  assert.is(counterEvents.length, acks.length, 'nothing unacknowledged was written to the counters');
  const expectedCounterEvents = WORKERS * (ROUNDS + Math.floor((ROUNDS + 0) / 3));
  assert.is(acks.length, expectedCounterEvents, 'every round of every worker landed');

  // Per counter: versions 0..n-1, each exactly once, in global order.
  for (let c = 0; c < COUNTERS; c++) {
    const stream = counterEvents.filter((e) => e.streamId === `counter-${c}`);
    assert.equal(
      stream.map((e) => e.streamVersion),
      Array.from({ length: stream.length }, (_, i) => i),
      `counter-${c} versions are contiguous`,
    );
    const read = await observer.readStream(`counter-${c}`)();
    assert.ok(E.isRight(read) && read.right.currentVersion === stream.length - 1);
  }

  // Each reservation: one event, one winner, and everybody else was told wrong_expected_version.
  for (let k = 0; k < RESERVATIONS; k++) {
    const id = `dn-${1000 + k}`;
    const winners = reports.filter((r) => r.won.includes(id));
    const losers = reports.filter((r) => r.lost.includes(id));
    assert.is(winners.length, 1, `${id} has exactly one winner`);
    assert.is(losers.length, WORKERS - 1, `${id}: every other worker lost`);
    const recorded = events.filter((e) => e.streamId === id);
    assert.is(recorded.length, 1, `${id} holds one event`);
    assert.equal(recorded[0]?.data, { worker: winners[0]?.worker });
  }

  // Positions strictly increase, and follow transaction ids (what makes catch-up skip-free).
  for (let i = 1; i < events.length; i++) assert.ok((events[i]?.globalPosition ?? 0) > (events[i - 1]?.globalPosition ?? 0));
  const order = await db.admin.query(
    `SELECT count(*) FILTER (WHERE transaction_id < prev) AS bad
       FROM (SELECT transaction_id, lag(transaction_id) OVER (ORDER BY global_position) AS prev FROM "${schema}".events) x`,
  );
  assert.is(Number(order.rows[0].bad), 0);

  // The live observer saw exactly the final log, in order, while four processes were writing.
  await eventually(() => live.length >= events.length, 'the live subscription to deliver the whole log');
  assert.equal(
    live.map((e) => e.eventId),
    events.map((e) => e.eventId),
    'the live subscription delivered every event once, in order, with no gap',
  );
  assert.ok(
    reports.some((r) => r.conflicts > 0),
    'the workers really did collide',
  );

  await sub.close();
  await observer.close();
  await db.dropSchema(schema);
});

test.run();
