/**
 * bench/audit: replaying the log into every read model, the way `selfprov audit replay` does, from
 * SQLite, against the floor measured in the same run: reading the same rows (same SELECT, same
 * pages of 1,000 by position) and `JSON.parse` of data and metadata, nothing else.
 *
 *   node scripts/bench.mjs audit                 # 1,000,000 events (the log is generated once, then reused)
 *   BENCH_EVENTS=100000 node scripts/bench.mjs audit
 *   BENCH_FRESH=1 ...                            # regenerate the log
 *   BENCH_WRITE=1 ...                            # also rewrite the results table of bench/audit/README.md
 *
 * Targets (issue 8): >= 250,000 events/s, within 2x of the floor, memory bounded (streaming).
 * Replay = `replayAt` with the self-care view beside the domain's four read models and phone
 * ownership (what `audit replay` folds), through the store's `readAll` pages. The view is then
 * built and users' personal data opened (`replayLog`): timed separately, it grows with users, not events.
 */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openStore, replayLog } from '../../packages/adapters/app/src/index.js';
import type { SqliteEventStore } from '../../packages/adapters/sqlite/src/index.js';
import { type RecordedEvent, replayAt } from '../../packages/core/src/index.js';
import { emptyView, evolveView } from '../../packages/selfcare/src/index.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? '1000000');
const RUNS = Number(process.env.BENCH_RUNS ?? '3');
const TARGET_RATE = 250_000;
const GENERATOR_VERSION = 2;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const say = (line: string) => process.stdout.write(`${line}\n`);

const root = new URL('../../', import.meta.url).pathname;
const file = join(tmpdir(), `selfprov-bench-audit-v${GENERATOR_VERSION}-${EVENTS}.db`);
if (process.env.BENCH_FRESH === '1' || !existsSync(file)) {
  say(`generating a demo-shaped log of ~${fmt(EVENTS)} events in ${file} (once; BENCH_FRESH=1 regenerates)`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(root, 'bench/audit/generate.ts'), '--events', String(EVENTS), '--out', file],
    { stdio: 'inherit', cwd: root },
  );
  if (r.status !== 0) throw new Error('generating the log failed');
}

const opened = await openStore(`sqlite:${file}`);
if (opened._tag === 'Left') throw new Error(opened.left.message);
const store = opened.right;
const sqlite = store.events as SqliteEventStore;
const total = Number(sqlite.database.prepare('SELECT count(*) FROM events').pluck().get());
const lastAt = String(sqlite.database.prepare('SELECT max(occurred_at) FROM events').pluck().get());
const bytes = Number(sqlite.database.prepare('SELECT sum(length(data) + length(metadata)) FROM events').pluck().get());
say(`log: ${fmt(total)} events, ${mib(bytes)} of JSON (data + metadata), last occurredAt ${lastAt}`);

// ---- the floor: the same rows, the same pages, JSON.parse alone ----------------------------------
const columns = sqlite.database
  .prepare('SELECT * FROM events LIMIT 0')
  .columns()
  .map((c) => c.name);
const floorStatement = sqlite.database
  .prepare(`SELECT ${columns.join(', ')} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
  .raw();
const dataAt = columns.indexOf('data');
const metaAt = columns.indexOf('metadata');
const floor = (): { events: number; ms: number; check: number } => {
  const started = performance.now();
  let after = 0;
  let events = 0;
  let check = 0;
  for (;;) {
    const rows = floorStatement.all(after, 1000) as unknown[][];
    for (const row of rows) {
      const data = JSON.parse(row[dataAt] as string) as object;
      const metadata = JSON.parse(row[metaAt] as string) as object;
      if (data !== null && metadata !== null) check += 1;
    }
    events += rows.length;
    if (rows.length < 1000) break;
    after = (rows[rows.length - 1] as unknown[])[0] as number;
  }
  return { events, ms: performance.now() - started, check };
};

// ---- the replay: every read model, through the store ---------------------------------------------
let peakHeap = 0;
const replay = async (): Promise<{ events: number; ms: number; phones: number; users: number }> => {
  let selfCare = emptyView();
  const base = heapAfterGc();
  let sampled = 0;
  const started = performance.now();
  const state = await replayAt(store.events, lastAt, {
    extensions: [
      {
        apply: (e: RecordedEvent) => {
          selfCare = evolveView(selfCare, e);
        },
      },
    ],
    onProgress: (_position, read) => {
      // Sample the heap every ~100,000 events (cheap: no GC forced).
      if (read - sampled >= 100_000) {
        sampled = read;
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - base);
      }
    },
  })();
  const ms = performance.now() - started;
  if (state._tag === 'Left') throw new Error(state.left.message);
  return {
    events: state.right.eventsApplied,
    ms,
    phones: Object.keys(state.right.phones.byDeviceName).length,
    users: Object.keys(state.right.users.byId).length,
  };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const floorMs: number[] = [];
const replayMs: number[] = [];
let shape = { phones: 0, users: 0, events: 0 };
floor(); // warm-up: page cache and JIT
for (let run = 0; run < RUNS; run++) {
  const f = floor();
  if (f.events !== total) throw new Error(`the floor read ${f.events} events, not ${total}`);
  floorMs.push(f.ms);
  const r = await replay();
  if (r.events !== total) throw new Error(`the replay applied ${r.events} events, not ${total}`);
  replayMs.push(r.ms);
  shape = { phones: r.phones, users: r.users, events: r.events };
  say(
    `  run ${run + 1}: floor ${fmt(f.ms)} ms (${fmt((total / f.ms) * 1000)}/s), replay ${fmt(r.ms)} ms (${fmt((total / r.ms) * 1000)}/s)`,
  );
}
const retained = heapAfterGc();
const viewStarted = performance.now();
const view = await replayLog(store, lastAt);
const viewMs = performance.now() - viewStarted;
if (view._tag === 'Left') throw new Error(view.left.message);
const maxRss = process.resourceUsage().maxRSS * 1024;
await store.close();

const floorRate = (total / median(floorMs)) * 1000;
const replayRate = (total / median(replayMs)) * 1000;
const ratio = median(replayMs) / median(floorMs);
const pass = replayRate >= TARGET_RATE && ratio <= 2;

const cpu = (() => {
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
const machine = `${nproc} cores (\`nproc\`), CPU \`${cpu}\`, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`;
const date = new Date().toISOString().slice(0, 16).replace('T', ' ');

const rows = [
  ['floor: same rows, same pages, JSON.parse of data and metadata', fmt(median(floorMs)), fmt(floorRate), '1.00x'],
  ['replay into every read model (`replayAt` + self-care view)', fmt(median(replayMs)), fmt(replayRate), `${ratio.toFixed(2)}x`],
];
const tableText = [
  '| what | ms (median of runs) | events/s | vs floor |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
const summary = [
  `Measured ${date} UTC on ${machine}; command \`node scripts/bench.mjs audit\` (${RUNS} runs, median).`,
  '',
  `Log: ${fmt(total)} demo-shaped events (${fmt(shape.phones)} phones, ${fmt(shape.users)} users, ${mib(bytes)} of JSON), SQLite, hash chains on.`,
  '',
  tableText,
  '',
  `- Targets: >= ${fmt(TARGET_RATE)} events/s and within 2x of the floor: **${pass ? 'PASS' : 'FAIL'}** (${fmt(replayRate)} events/s, ${ratio.toFixed(2)}x).`,
  `- Memory: heap growth during a replay peaked at ${mib(peakHeap)} (sampled every 100,000 events); heap after the runs, after GC: ${mib(retained)} (nothing of the log retained); peak RSS of the process ${mib(maxRss)}. The log itself is never held: one page of 1,000 events at a time.`,
  `- Building the printable view and opening ${fmt(shape.users)} users' personal data (\`replayLog\`, what \`audit replay\` prints): ${fmt(viewMs)} ms in all, replay included.`,
].join('\n');
say('');
say(summary);

if (process.env.BENCH_WRITE === '1') {
  const readme = join(root, 'bench/audit/README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`${readme} has no results markers`);
  writeFileSync(readme, `${text.slice(0, i + start.length)}\n\n${summary}\n\n${text.slice(j)}`);
  say(`\nwrote the results into ${readme}`);
}
process.exitCode = pass ? 0 : 1;
