// The settings of a bench/stores run (environment variables, see ./run.ts) and its output helpers.

export const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!(scale > 0)) throw new Error('BENCH_SCALE must be a positive number');
const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
export const wanted = (section: string) => only.length === 0 || only.includes(section);
export const capMs = process.env.BENCH_CAP_S ? Number(process.env.BENCH_CAP_S) * 1000 : Number.POSITIVE_INFINITY;
export const memoryCapMs = Math.min(capMs, 30_000);
// Emmett's SQLite store fails most concurrent appends (SQLITE_BUSY, it sets no busy timeout) and each
// failure is slow: without a cap W2 would run for an hour.
export const emmettW2CapMs = Math.min(capMs, 60_000);
// Emmett's PostgreSQL global read (readMessagesBatch) runs at a few thousand events/s: 1M would take minutes.
export const emmettReadCapMs = Math.min(capMs, 60_000);

const sized = (n: number, min = 1) => Math.max(min, Math.round(n * scale));
export const W1_STREAMS = sized(10_000, 10);
export const W1_PER_STREAM = 10;
export const W2_APPENDERS = 64;
export const W2_PER_APPENDER = sized(250, 5);
export const W3_BATCHES = sized(1000, 2);
export const W3_BATCH = 1000;
export const MEMORY_SCALES = [1_000, 10_000, 100_000];

/** Writes a line to stdout (not console.log, which is muted while an Emmett SQLite store is open). */
export const say = (line: string) => {
  process.stdout.write(`${line}\n`);
};
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
