/**
 * bench/stores: selfprov's event stores side by side with Emmett and with the raw driver floor, in one
 * run, on the workloads of issue 5 (W1 appends with expected versions + aggregation, W2 64 concurrent
 * appenders, W3 1,000,000 events in batches + a global read). Prints markdown tables and PASS/FAIL
 * against the issue's targets; with BENCH_WRITE=1 also rewrites the results section of bench/README.md.
 *
 *   pnpm bench stores                       # or: node scripts/bench.mjs stores
 *   BENCH_SCALE=0.1 pnpm bench stores       # a quick run (a tenth of every workload)
 *   BENCH_ONLY=memory,sqlite pnpm bench stores
 *
 * Environment: BENCH_SCALE (default 1), BENCH_ONLY (memory, sqlite, sqlite-normal, postgres),
 * BENCH_CAP_S (time cap of each Emmett W1 / W2 run; default none for W1, 60 s for W2, 30 s in memory), BENCH_WRITE=1,
 * SELFPROV_BENCH_PG_URL (use that server instead of starting an embedded one).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensurePeer } from './peers.js';
import { type BenchPostgres, startPostgres } from './postgres.js';
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
import { type Rate, type Subject, type W1Result, type W3Result, w1, w2, w3 } from './workloads.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!(scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const wanted = (section: string) => only.length === 0 || only.includes(section);
const capMs = process.env.BENCH_CAP_S ? Number(process.env.BENCH_CAP_S) * 1000 : Number.POSITIVE_INFINITY;
const memoryCapMs = Math.min(capMs, 30_000);
// Emmett's SQLite store fails most concurrent appends (SQLITE_BUSY, it sets no busy timeout) and each
// failure is slow: without a cap W2 would run for an hour.
const emmettW2CapMs = Math.min(capMs, 60_000);
// Emmett's PostgreSQL global read (readMessagesBatch) runs at a few thousand events/s: 1M would take minutes.
const emmettReadCapMs = Math.min(capMs, 60_000);

const sized = (n: number, min = 1) => Math.max(min, Math.round(n * scale));
const W1_STREAMS = sized(10_000, 10);
const W1_PER_STREAM = 10;
const W2_APPENDERS = 64;
const W2_PER_APPENDER = sized(250, 5);
const W3_BATCHES = sized(1000, 2);
const W3_BATCH = 1000;
const MEMORY_SCALES = [1_000, 10_000, 100_000];

/** Writes a line to stdout (not console.log, which is muted while an Emmett SQLite store is open). */
const say = (line: string) => {
  process.stdout.write(`${line}\n`);
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const dir = mkdtempSync(join(tmpdir(), 'selfprov-bench-'));
let files = 0;
const file = (name: string) => join(dir, `${name}-${++files}.db`);

interface Outcome {
  w1?: W1Result;
  w2?: Rate;
  w3?: W3Result;
  unavailable?: string;
}
const results = new Map<string, Outcome>();
const outcome = (key: string): Outcome => {
  const found = results.get(key);
  if (found) return found;
  const created: Outcome = {};
  results.set(key, created);
  return created;
};

const settle = () => {
  global.gc?.();
};

/** Runs one workload on a fresh subject, closing it afterwards; failures are recorded, not thrown. */
const measure = async <K extends 'w1' | 'w2' | 'w3'>(
  key: string,
  workload: K,
  make: () => Subject | Promise<Subject>,
  run: (s: Subject) => Promise<NonNullable<Outcome[K]>>,
): Promise<void> => {
  settle();
  const o = outcome(key);
  let subject: Subject | undefined;
  try {
    subject = await make();
    const r = await run(subject);
    o[workload] = r;
    say(`  ${key} ${workload}: ${summary(r)}`);
  } catch (cause) {
    o.unavailable = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    say(`  ${key} ${workload}: FAILED ${o.unavailable}`);
  } finally {
    await subject?.close().catch(() => undefined);
  }
};

const summary = (r: Rate | W1Result | W3Result): string => {
  const one = (x: Rate) =>
    `${fmt(x.perSecond)}/s (${fmt(x.count)} in ${x.seconds.toFixed(2)} s${x.errors ? `, ${x.errors} errors: ${x.firstError ?? ''}` : ''}${x.capped ? ', capped' : ''})`;
  if ('perSecond' in r) return one(r);
  if ('aggregateStreams' in r) return `append ${one(r.append)}; aggregate ${one(r.aggregateStreams)}`;
  return `append ${one(r.append)}${r.read ? `; read ${one(r.read)}` : ''}`;
};

const runDurableTrio = async (
  section: string,
  subjects: readonly { key: string; make: () => Subject | Promise<Subject>; w1CapMs?: number; w2CapMs?: number; emmett?: boolean }[],
) => {
  say(`\n# ${section}: W1 ${fmt(W1_STREAMS)} streams x ${W1_PER_STREAM}`);
  for (const s of subjects) await measure(s.key, 'w1', s.make, (x) => w1(x, W1_STREAMS, W1_PER_STREAM, s.w1CapMs));
  say(`# ${section}: W2 ${W2_APPENDERS} concurrent appenders x ${fmt(W2_PER_APPENDER)}`);
  for (const s of subjects) await measure(s.key, 'w2', s.make, (x) => w2(x, W2_APPENDERS, W2_PER_APPENDER, s.w2CapMs));
  say(`# ${section}: W3 ${fmt(W3_BATCHES * W3_BATCH)} events in batches of ${fmt(W3_BATCH)}`);
  // selfprov and the raw floor twice each, in turn, keeping each one's faster run: W3 is CPU-bound and the
  // machine is shared, so one unlucky run says more about the neighbours than about the store.
  for (const round of [1, 2])
    for (const s of subjects) {
      if (s.emmett && round === 2) continue;
      const previous = results.get(s.key)?.w3;
      await measure(s.key, 'w3', s.make, (x) => w3(x, W3_BATCHES, W3_BATCH, s.emmett ? emmettReadCapMs : undefined));
      const current = results.get(s.key)?.w3;
      if (previous && current && previous.append.perSecond > current.append.perSecond) outcome(s.key).w3 = previous;
    }
};

// ---------------------------------------------------------------- environment

const cpuModel = (() => {
  try {
    return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
})();
const nproc = (() => {
  try {
    return execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    return String(availableParallelism());
  }
})();
const machine = {
  date: new Date().toISOString().slice(0, 10),
  nproc,
  cpu: cpuModel,
  ram: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  node: process.version,
  loadAtStart: loadavg()[0]?.toFixed(2) ?? '?',
};
type Section = 'memory' | 'sqlite-full' | 'sqlite-normal' | 'postgres';
const sectionOf = (key: string): Section =>
  key.startsWith('memory')
    ? 'memory'
    : key.startsWith('sqlite-full')
      ? 'sqlite-full'
      : key.startsWith('sqlite-normal')
        ? 'sqlite-normal'
        : 'postgres';
/** When and under what load each section was measured (a section's stores always run in the same run). */
interface SectionRun {
  at: string;
  /** The commit, and "+ uncommitted changes" when packages/ differed from it. */
  code: string;
  scale: number;
  loadStart: string;
  loadEnd?: string;
  notes: string[];
}
const sectionRuns = new Map<Section, SectionRun>();
const load = () => loadavg()[0]?.toFixed(2) ?? '?';
const revision = (() => {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execSync('git status --porcelain -- packages', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
})();
const begin = (section: Section) => {
  sectionRuns.set(section, {
    at: new Date().toISOString().slice(0, 16).replace('T', ' '),
    code: revision,
    scale,
    loadStart: load(),
    notes: [],
  });
};
const end = (section: Section) => {
  const r = sectionRuns.get(section);
  if (r) r.loadEnd = load();
};
const note = (section: Section, text: string) => {
  sectionRuns.get(section)?.notes.push(text);
};

say(`bench/stores: ${JSON.stringify(machine)}, scale ${scale}`);

// ---------------------------------------------------------------- memory

const emmettPg = wanted('postgres') || wanted('memory') ? ensurePeer('emmett-postgresql') : undefined;
const emmettSq = wanted('sqlite') ? ensurePeer('emmett-sqlite') : undefined;
const emmettMemoryRequire = emmettPg && 'require' in emmettPg ? emmettPg.require : undefined;

/** Runs `w1` `times` times on fresh subjects and keeps the run with the median append rate (short runs are noisy). */
const medianW1 = async (make: () => Subject, streams: number, times: number): Promise<W1Result> => {
  const runs: W1Result[] = [];
  for (let i = 0; i < times; i++) {
    settle();
    const subject = make();
    try {
      runs.push(await w1(subject, streams, W1_PER_STREAM, memoryCapMs));
    } finally {
      await subject.close();
    }
    if (runs[runs.length - 1]?.append.capped) break;
  }
  runs.sort((x, y) => x.append.perSecond - y.append.perSecond);
  return runs[Math.floor(runs.length / 2)] as W1Result;
};

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

// ---------------------------------------------------------------- results file

/**
 * bench/stores/results.json keeps the latest measurement of each section. With BENCH_WRITE=1 the
 * sections measured now replace theirs and the README is rebuilt from the file, so re-running one
 * section (BENCH_ONLY) keeps the others' figures, each with its own date and load.
 */
interface Stored {
  sections: Partial<Record<Section, { run: SectionRun; outcomes: Record<string, Outcome> }>>;
}
const write = process.env.BENCH_WRITE === '1';
const resultsFile = new URL('./results.json', import.meta.url);
const stored: Stored = write && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Stored) : { sections: {} };
for (const [section, run] of sectionRuns)
  stored.sections[section] = { run, outcomes: Object.fromEntries([...results].filter(([key]) => sectionOf(key) === section)) };
if (write) {
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ machine: { nproc: machine.nproc, cpu: machine.cpu, ram: machine.ram, node: machine.node }, ...stored }, null, 2)}\n`,
  );
  results.clear();
  for (const section of Object.values(stored.sections)) for (const [key, o] of Object.entries(section?.outcomes ?? {})) results.set(key, o);
}

// ---------------------------------------------------------------- report

const get = (key: string) => results.get(key);
const cell = (r: Rate | undefined, unavailable?: string): string => {
  if (!r) return unavailable ? 'failed' : 'n/a';
  let s = fmt(r.perSecond);
  if (r.capped) s += ` (capped: ${fmt(r.count)} done in ${r.seconds.toFixed(0)} s)`;
  if (r.errors) s += ` (${fmt(r.errors)} failed)`;
  return s;
};
const ratio = (a: Rate | undefined, b: Rate | undefined): string => {
  if (!a || !b || b.perSecond <= 0) return 'n/a';
  if (b.errors > b.count) return 'n/a (it mostly failed)';
  const r = a.perSecond / b.perSecond;
  return `${r.toFixed(r >= 10 ? 0 : 2)}x`;
};

type Row = [string, (o: Outcome | undefined) => Rate | undefined];
const durableRows: Row[] = [
  ['W1 append, 1 event per call with expected version (events/s)', (o) => o?.w1?.append],
  ['W1 aggregate: read + fold every stream (streams/s)', (o) => o?.w1?.aggregateStreams],
  ['W1 aggregate (events folded/s)', (o) => o?.w1?.aggregateEvents],
  [`W2 ${W2_APPENDERS} concurrent appenders (events/s)`, (o) => o?.w2],
  [`W3 append in batches of ${fmt(W3_BATCH)} (events/s)`, (o) => o?.w3?.append],
  ['W3 read back in global order, pages of 1,000 (events/s)', (o) => o?.w3?.read],
];

const table = (section: string, columns: readonly [string, string][], ratios: readonly [string, string, string][]): string => {
  const head = ['Workload', ...columns.map(([, label]) => label), ...ratios.map(([label]) => label)];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const [label, pick] of durableRows) {
    const values = columns.map(([name]) => cell(pick(get(`${section}/${name}`)), get(`${section}/${name}`)?.unavailable));
    const rs = ratios.map(([, a, b]) => ratio(pick(get(`${section}/${a}`)), pick(get(`${section}/${b}`))));
    lines.push(`| ${[label, ...values, ...rs].join(' | ')} |`);
  }
  return lines.join('\n');
};

const memoryTable = (): string => {
  const lines = [
    '| Streams (x 10 appends) | selfprov appends/s | Emmett appends/s | selfprov / Emmett | selfprov aggregate streams/s | Emmett aggregate streams/s | selfprov / Emmett |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const n of MEMORY_SCALES) {
    const s = get(`memory-${n}/selfprov`)?.w1;
    const e = get(`memory-${n}/emmett`)?.w1;
    // After a capped append phase the streams hold fewer events: their aggregation is not comparable.
    const eAgg = e?.append.capped ? 'n/a (append phase capped: streams hold 1 event)' : cell(e?.aggregateStreams);
    const aggRatio = e?.append.capped ? 'n/a' : ratio(s?.aggregateStreams, e?.aggregateStreams);
    lines.push(
      `| ${fmt(n)} | ${cell(s?.append)} | ${cell(e?.append)} | ${ratio(s?.append, e?.append)} | ${cell(s?.aggregateStreams)} | ${eAgg} | ${aggRatio} |`,
    );
  }
  const s = get('memory/selfprov');
  const e = get('memory/emmett');
  lines.push(
    '',
    '| Workload | selfprov | Emmett | selfprov / Emmett |',
    '| --- | ---: | ---: | ---: |',
    `| W2 ${W2_APPENDERS} concurrent appenders (events/s) | ${cell(s?.w2)} | ${cell(e?.w2)} | ${ratio(s?.w2, e?.w2)} |`,
    `| W3 append in batches of ${fmt(W3_BATCH)} (events/s) | ${cell(s?.w3?.append)} | ${cell(e?.w3?.append)} | ${ratio(s?.w3?.append, e?.w3?.append)} |`,
    `| W3 read back in global order (events/s) | ${cell(s?.w3?.read)} | n/a (no global read in Emmett's in-memory store) | n/a |`,
  );
  return lines.join('\n');
};

interface Target {
  name: string;
  threshold: string;
  value?: number;
  min: number;
  max?: number;
  detail: string;
}
const targets: Target[] = [];
const target = (
  name: string,
  threshold: string,
  a: Rate | undefined,
  b: Rate | undefined,
  min: number,
  what: string,
  max = Number.POSITIVE_INFINITY,
) => {
  const value = a && b && b.perSecond > 0 && !a.errors ? a.perSecond / b.perSecond : undefined;
  targets.push({
    name,
    threshold,
    min,
    max,
    ...(value !== undefined ? { value } : {}),
    detail:
      a && b ? `${fmt(a.perSecond)} vs ${what} ${fmt(b.perSecond)}${a.errors ? ` (${a.errors} failed appends)` : ''}` : 'not measured',
  });
};
const o = (k: string) => get(k);
target(
  'SQLite W1 appends',
  '>= 50% of raw single-row transactions (FULL)',
  o('sqlite-full/selfprov')?.w1?.append,
  o('sqlite-full/raw')?.w1?.append,
  0.5,
  'raw',
);
target(
  'SQLite W2 (group commit)',
  '>= raw single-row transaction rate (FULL)',
  o('sqlite-full/selfprov')?.w2,
  o('sqlite-full/raw')?.w1?.append,
  1,
  'raw single-row',
);
target(
  'SQLite W3 appends',
  '>= 50% of raw batched inserts (FULL)',
  o('sqlite-full/selfprov')?.w3?.append,
  o('sqlite-full/raw')?.w3?.append,
  0.5,
  'raw',
);
target('PostgreSQL W1 appends', '>= 1.5x Emmett W1', o('postgres/selfprov')?.w1?.append, o('postgres/emmett')?.w1?.append, 1.5, 'Emmett');
target('PostgreSQL W2', '>= 4x Emmett W1 rate', o('postgres/selfprov')?.w2, o('postgres/emmett')?.w1?.append, 4, 'Emmett W1');
target(
  'Memory flat in streams',
  '100,000 streams within 20% of 1,000',
  o('memory-100000/selfprov')?.w1?.append,
  o('memory-1000/selfprov')?.w1?.append,
  0.8,
  '1,000 streams',
  1.2,
);
target(
  'Memory vs Emmett',
  '>= 10x Emmett at 10,000 streams',
  o('memory-10000/selfprov')?.w1?.append,
  o('memory-10000/emmett')?.w1?.append,
  10,
  'Emmett',
);
target(
  'Aggregation, SQLite',
  '>= 2x Emmett',
  o('sqlite-full/selfprov')?.w1?.aggregateStreams,
  o('sqlite-full/emmett')?.w1?.aggregateStreams,
  2,
  'Emmett',
);
target(
  'Aggregation, PostgreSQL',
  '>= 2x Emmett',
  o('postgres/selfprov')?.w1?.aggregateStreams,
  o('postgres/emmett')?.w1?.aggregateStreams,
  2,
  'Emmett',
);
target(
  'Aggregation, memory (10,000 streams)',
  '>= 2x Emmett',
  o('memory-10000/selfprov')?.w1?.aggregateStreams,
  o('memory-10000/emmett')?.w1?.aggregateStreams,
  2,
  'Emmett',
);

const targetTable = [
  '| Target (issue 5) | Threshold | Measured | Ratio | Result |',
  '| --- | --- | --- | ---: | :---: |',
  ...targets.map(
    (t) =>
      `| ${t.name} | ${t.threshold} | ${t.detail} | ${t.value === undefined ? 'n/a' : `${t.value.toFixed(2)}x`} | ${t.value === undefined ? 'not measured' : t.value >= t.min && t.value <= (t.max ?? Number.POSITIVE_INFINITY) ? 'PASS' : 'FAIL'} |`,
  ),
].join('\n');

const sectionLabels: Record<Section, string> = {
  memory: 'In memory',
  'sqlite-full': 'SQLite FULL',
  'sqlite-normal': 'SQLite NORMAL',
  postgres: 'PostgreSQL',
};
const runLines = (Object.keys(sectionLabels) as Section[]).flatMap((section) => {
  const r = stored.sections[section]?.run;
  return r
    ? [
        `- ${sectionLabels[section]}: measured ${r.at} UTC on code ${r.code}, scale ${r.scale}${r.scale === 1 ? '' : ' (NOT the full workloads)'}, 1-minute load average ${r.loadStart} at the start, ${r.loadEnd ?? '?'} at the end.`,
      ]
    : [`- ${sectionLabels[section]}: not measured.`];
});
const allNotes = (Object.keys(sectionLabels) as Section[]).flatMap((section) => stored.sections[section]?.run.notes ?? []);

const report = [
  `Machine: ${machine.nproc} cores (\`nproc\`), CPU \`${machine.cpu}\` (/proc/cpuinfo), ${machine.ram} RAM, Node ${machine.node}. The machine is shared with other work: load averages above 2 mean the figures are noisier.`,
  '',
  ...runLines,
  '',
  '### Targets',
  '',
  targetTable,
  '',
  '### SQLite, synchronous = FULL (the durability Emmett uses)',
  '',
  table(
    'sqlite-full',
    [
      ['selfprov', 'selfprov'],
      ['emmett', 'Emmett 0.38.5'],
      ['raw', 'raw better-sqlite3'],
    ],
    [
      ['selfprov / Emmett', 'selfprov', 'emmett'],
      ['selfprov / raw', 'selfprov', 'raw'],
    ],
  ),
  '',
  '### SQLite, synchronous = NORMAL (selfprov default; Emmett offers no setting)',
  '',
  table(
    'sqlite-normal',
    [
      ['selfprov', 'selfprov'],
      ['raw', 'raw better-sqlite3'],
    ],
    [['selfprov / raw', 'selfprov', 'raw']],
  ),
  '',
  '### PostgreSQL',
  '',
  table(
    'postgres',
    [
      ['selfprov', 'selfprov'],
      ['emmett', 'Emmett 0.42.0'],
      ['raw', 'raw pg'],
    ],
    [
      ['selfprov / Emmett', 'selfprov', 'emmett'],
      ['selfprov / raw', 'selfprov', 'raw'],
    ],
  ),
  '',
  '### In memory (Emmett 0.42.0 `getInMemoryEventStore`)',
  '',
  memoryTable(),
  '',
  ...allNotes.map((n) => `- ${n}`),
].join('\n');

say(`\n${report}`);

if (write) {
  const readme = new URL('../README.md', import.meta.url);
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('bench/README.md has no results markers');
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n\n${report}\n\n${text.slice(b)}`);
  // The repository's formatter aligns Markdown tables (and the lint step of the tests checks it).
  const root = new URL('../../', import.meta.url).pathname;
  execSync(`"${join(root, 'node_modules', '.bin', 'biome')}" format --write bench/README.md`, { cwd: root, stdio: 'ignore' });
  say('\nbench/README.md updated');
}
