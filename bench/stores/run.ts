/**
 * bench/stores: selfprov's event stores side by side with Emmett and with the raw driver floor, in one
 * run, on the workloads of issue 5 (W1 appends with expected versions + aggregation, W2 64 concurrent
 * appenders, W3 1,000,000 events in batches + a global read). Prints markdown tables and PASS/FAIL
 * against the targets; with BENCH_WRITE=1 also rewrites the results section of bench/README.md.
 *
 *   pnpm bench stores                       # or: node scripts/bench.mjs stores
 *   BENCH_SCALE=0.1 pnpm bench stores       # a quick run (a tenth of every workload)
 *   BENCH_ONLY=memory,sqlite pnpm bench stores
 *
 * Environment: BENCH_SCALE (default 1), BENCH_ONLY (memory, sqlite, sqlite-normal, postgres),
 * BENCH_CAP_S (time cap of each Emmett W1 / W2 run; default none for W1, 60 s for W2, 30 s in memory), BENCH_WRITE=1,
 * SELFPROV_BENCH_PG_URL (use that server instead of starting an embedded one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { begin, end, machine, note } from './environment.js';
import { measure, medianW1, runDurableTrio } from './measure.js';
import { ensurePeer } from './peers.js';
import { type BenchPostgres, startPostgres } from './postgres.js';
import { renderReport } from './report.js';
import { storeResults, write, writeReadme } from './results.js';
import {
  capMs,
  emmettW2CapMs,
  fmt,
  MEMORY_SCALES,
  say,
  scale,
  W1_PER_STREAM,
  W2_APPENDERS,
  W2_PER_APPENDER,
  W3_BATCH,
  W3_BATCHES,
  wanted,
} from './settings.js';
import {
  emmettMemory,
  emmettPostgres,
  emmettSqlite,
  emmettSqliteSynchronous,
  rawPostgres,
  rawSqlite,
  selfprovMemory,
  selfprovPostgres,
  selfprovSqlite,
} from './subjects.js';
import { type Subject, w1, w2, w3 } from './workloads.js';

// Settings (environment variables) in ./settings.ts, the machine and sections in ./environment.ts, measurement in
// ./measure.ts, the results file and README in ./results.ts, the report in ./report.ts.
const dir = mkdtempSync(join(tmpdir(), 'selfprov-bench-'));
let files = 0;
const file = (name: string) => join(dir, `${name}-${++files}.db`);

say(`bench/stores: ${JSON.stringify(machine)}, scale ${scale}`);

// ---------------------------------------------------------------- memory

const emmettPg = wanted('postgres') || wanted('memory') ? ensurePeer('emmett-postgresql') : undefined;
const emmettSq = wanted('sqlite') ? ensurePeer('emmett-sqlite') : undefined;
const emmettMemoryRequire = emmettPg && 'require' in emmettPg ? emmettPg.require : undefined;

if (wanted('memory')) {
  begin('memory');
  const req = emmettMemoryRequire;
  // Warm-up (not reported): let the JIT compile both stores' append and read paths first.
  await w1(selfprovMemory(), 2000, W1_PER_STREAM);
  if (req) await w1(emmettMemory(req), 2000, W1_PER_STREAM);
  for (const streams of MEMORY_SCALES) {
    // Small scales are short runs (1,000 streams: 10,000 appends, a few tens of ms), so they are
    // repeated more: every scale up to 10,000 measures at least 300,000 appends in all.
    const times = streams <= 10_000 ? Math.max(3, Math.ceil(300_000 / (streams * W1_PER_STREAM))) : 1;
    say(`\n# memory: ${fmt(streams)} streams x ${W1_PER_STREAM} appends, then aggregate (median of ${times})`);
    await measure(`memory-${streams}/selfprov`, 'w1', selfprovMemory, () => medianW1(selfprovMemory, streams, times));
    if (req)
      await measure(
        `memory-${streams}/emmett`,
        'w1',
        () => emmettMemory(req),
        () => medianW1(() => emmettMemory(req), streams, times),
      );
  }
  say(`# memory: W2 ${W2_APPENDERS} concurrent appenders x ${fmt(W2_PER_APPENDER)}`);
  await measure('memory/selfprov', 'w2', selfprovMemory, (x) => w2(x, W2_APPENDERS, W2_PER_APPENDER));
  if (req) {
    await measure(
      'memory/emmett',
      'w2',
      () => emmettMemory(req),
      (x) => w2(x, W2_APPENDERS, W2_PER_APPENDER),
    );
  }
  say(`# memory: W3 ${fmt(W3_BATCHES * W3_BATCH)} events in batches of ${fmt(W3_BATCH)}`);
  await measure('memory/selfprov', 'w3', selfprovMemory, (x) => w3(x, W3_BATCHES, W3_BATCH));
  if (req) {
    await measure(
      'memory/emmett',
      'w3',
      () => emmettMemory(req),
      (x) => w3(x, W3_BATCHES, W3_BATCH),
    );
  }
  end('memory');
}

// ---------------------------------------------------------------- SQLite

if (wanted('sqlite')) {
  begin('sqlite-full');
  const trio: { key: string; make: () => Subject | Promise<Subject>; w1CapMs?: number; w2CapMs?: number; emmett?: boolean }[] = [
    { key: 'sqlite-full/selfprov', make: () => selfprovSqlite(file('selfprov'), 'full') },
  ];
  if (emmettSq && 'require' in emmettSq) {
    const req = emmettSq.require;
    const sync = await emmettSqliteSynchronous(req, file('probe'));
    note(
      'sqlite-full',
      `Emmett's SQLite connection (node-sqlite3, WAL) runs with PRAGMA synchronous = ${sync} (${['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync] ?? '?'}), SQLite's default; selfprov and the raw floor are set to the same.`,
    );
    trio.push({
      key: 'sqlite-full/emmett',
      make: () => emmettSqlite(req, file('emmett')),
      w1CapMs: capMs,
      w2CapMs: emmettW2CapMs,
      emmett: true,
    });
  } else if (emmettSq) note('sqlite-full', `Emmett SQLite unavailable: ${emmettSq.unavailable}`);
  trio.push({ key: 'sqlite-full/raw', make: () => rawSqlite(file('raw'), 'full') });
  await runDurableTrio('SQLite synchronous=FULL', trio);
  end('sqlite-full');
}
if (wanted('sqlite') || wanted('sqlite-normal')) {
  begin('sqlite-normal');
  await runDurableTrio('SQLite synchronous=NORMAL', [
    { key: 'sqlite-normal/selfprov', make: () => selfprovSqlite(file('selfprov-n'), 'normal') },
    { key: 'sqlite-normal/raw', make: () => rawSqlite(file('raw-n'), 'normal') },
  ]);
  end('sqlite-normal');
}

// ---------------------------------------------------------------- PostgreSQL

let server: BenchPostgres | undefined;
if (wanted('postgres')) {
  begin('postgres');
  try {
    server = await startPostgres();
    note('postgres', `PostgreSQL: ${server.description}, every store on the same server, each run in a fresh database.`);
    const pgServer = server;
    let dbs = 0;
    const fresh = (prefix: string) => pgServer.createDatabase(`${prefix}_${++dbs}`);
    const trio: { key: string; make: () => Promise<Subject>; w1CapMs?: number; w2CapMs?: number; emmett?: boolean }[] = [
      { key: 'postgres/selfprov', make: async () => selfprovPostgres(await fresh('selfprov')) },
    ];
    if (emmettPg && 'require' in emmettPg) {
      const req = emmettPg.require;
      trio.push({
        key: 'postgres/emmett',
        make: async () => emmettPostgres(req, await fresh('emmett')),
        w1CapMs: capMs,
        w2CapMs: emmettW2CapMs,
        emmett: true,
      });
    } else if (emmettPg) note('postgres', `Emmett PostgreSQL unavailable: ${emmettPg.unavailable}`);
    trio.push({ key: 'postgres/raw', make: async () => rawPostgres(await fresh('raw')) });
    await runDurableTrio('PostgreSQL', trio);
  } catch (cause) {
    const why = `PostgreSQL not measured: ${cause instanceof Error ? cause.message : String(cause)}`;
    note('postgres', why);
    say(why);
  } finally {
    await server?.stop().catch(() => undefined);
  }
  end('postgres');
}

rmSync(dir, { recursive: true, force: true });

// ---------------------------------------------------------------- results file and report

const stored = storeResults();
const report = renderReport(stored);
say(`\n${report}`);
if (write) writeReadme(report);
