// IVR benchmark: 10,000 concurrent calls in one process, in-memory event store,
// a fixed-answer gateway (bench/ivr/gateway.ts: no domain, no hashing), simulated time.
//   node --conditions=source --import tsx bench/ivr/run.ts [--sessions 10000] [--out bench/ivr/results.json]
// Measures per-digit handling (one `digits()` call, awaited: record the input,
// transition, carry out the outputs, including any gateway effect the key starts)
// and the heap each waiting session costs (after gc).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
// Relative imports: bench/ is not a workspace package (it resolves nothing by package name).
import { createMemoryEventStore, type EventStore, sequentialIds } from '../../packages/core/src/index.js';
import { createIvrDriver, simulatedScheduler } from '../../packages/ivr/src/index.js';
import { type BenchUser, createBenchGateway } from './gateway.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const SESSIONS = Number(arg('sessions', '10000'));
const OUT = arg('out', '');
const ONLY = arg('only', '');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heap = () => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
};

const isLeft = <L, R>(e: { _tag: 'Left'; left: L } | { _tag: 'Right'; right: R }): e is { _tag: 'Left'; left: L } => e._tag === 'Left';
const right = <R>(right: R) => ({ _tag: 'Right' as const, right });

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const ext = (i: number) => `2${pad(i, 5)}`;
const pin = (i: number) => `7${pad((i * 7919) % 100000, 5)}31`; // 8 digits, differs per user
const device = (i: number) => `SEP0000${pad(i, 8)}`;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const stats = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { count: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN, mean };
};
const us = (ms: number) => Math.round(ms * 1000);

const world = () => {
  const users: BenchUser[] = Array.from({ length: SESSIONS }, (_, i) => ({ userId: `user${i}`, extension: ext(i), pin: pin(i) }));
  const scheduler = simulatedScheduler();
  const gateway = createBenchGateway(users);
  return { scheduler, gateway };
};

/** An EventStore that keeps only each stream's version: to tell the sessions' own memory from the recorded events'. */
const versionOnlyStore = (): EventStore => {
  const versions = new Map<string, number>();
  return {
    append: (streamId, _expected, events) => async () => {
      const v = (versions.get(streamId) ?? -1) + events.length;
      versions.set(streamId, v);
      return right({ streams: [{ streamId, nextExpectedVersion: v, events: [] }], lastGlobalPosition: 0, idempotentReplay: false });
    },
    appendMulti: () => async () => right({ streams: [], lastGlobalPosition: 0, idempotentReplay: false }),
    readStream: () => async () => right({ currentVersion: -1, events: [] }),
    readAll: () => async () => right([]),
    subscribe: () => ({ caughtUp: Promise.resolve(), close: async () => {} }),
    close: async () => {},
  };
};

const fail = (what: string, e: unknown): never => {
  throw new Error(`${what}: ${JSON.stringify(e)}`);
};

/** Memory: N calls waiting in the PIN entry (timers armed), heap delta after gc. */
const measureMemory = async (store: () => EventStore) => {
  const { scheduler, gateway } = world();
  const s = store();
  const driver = createIvrDriver({ gateway, store: s, scheduler, ids: sequentialIds() });
  const before = heap();
  for (let i = 0; i < SESSIONS; i++) {
    const start = await driver.startCall({ callId: `m${i}`, device: device(i) })();
    if (isLeft(start)) fail('start', start.left);
    const turn = await driver.digits(`m${i}`, `1${ext(i)}#1`)();
    if (isLeft(turn) || turn._tag !== 'Right' || !turn.right.awaiting.secret) fail('reach the PIN entry', turn);
  }
  const after = heap();
  const waiting = driver.activeCalls().length;
  const result = {
    sessions: waiting,
    heapDeltaBytes: after - before,
    bytesPerSession: Math.round((after - before) / waiting),
    timersPending: scheduler.pending(),
  };
  driver.close();
  return result;
};

/** Latency: every session presses its keys; each `digits()` call is timed. Round-robin, so all sessions stay open throughout. */
const measureLatency = async () => {
  const { scheduler, gateway } = world();
  const store = createMemoryEventStore({ clock: { now: () => new Date(scheduler.now()) } });
  const driver = createIvrDriver({ gateway, store, scheduler, ids: sequentialIds() });
  for (let i = 0; i < SESSIONS; i++) {
    const start = await driver.startCall({ callId: `c${i}`, device: device(i) })();
    if (isLeft(start)) fail('start', start.left);
  }
  const plain: number[] = [];
  const withEffect: number[] = [];
  const script = (i: number) => [...`1${ext(i)}#1${pin(i)}#`];
  const steps = script(0).length;
  const effectSteps = new Set([6, 16]); // `#` after the id (identify) and after the PIN (verify + provision)
  for (let step = 0; step < steps; step++) {
    for (let i = 0; i < SESSIONS; i++) {
      const key = script(i)[step] as string;
      const t0 = performance.now();
      const turn = await driver.digits(`c${i}`, key)();
      const dt = performance.now() - t0;
      if (isLeft(turn)) fail(`key ${step}`, turn.left);
      (effectSteps.has(step) ? withEffect : plain).push(dt);
    }
  }
  const provisioned = gateway.provisioned();
  if (provisioned !== SESSIONS) fail('provisioned', provisioned);

  // Concurrent waves: a fresh set of calls, every call sends its next key at the same time.
  const waves: number[] = [];
  const w = world();
  const wDriver = createIvrDriver({ gateway: w.gateway, store: createMemoryEventStore(), scheduler: w.scheduler, ids: sequentialIds() });
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) => wDriver.startCall({ callId: `w${i}`, device: device(i) })()));
  for (let step = 0; step < steps; step++) {
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => wDriver.digits(`w${i}`, script(i)[step] as string)()));
    waves.push(performance.now() - t0);
    const bad = results.find(isLeft);
    if (bad) fail(`wave ${step}`, bad);
  }
  return { plain: stats(plain), withEffect: stats(withEffect), waves: stats(waves) };
};

/** Each memory figure is measured in a fresh process, so nothing of an earlier measurement is collected during it. */
const inChild = (only: string): { bytesPerSession: number; timersPending: number } =>
  JSON.parse(
    execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string, '--sessions', String(SESSIONS), '--only', only], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    }),
  );

const main = async () => {
  if (ONLY !== '') {
    console.log(JSON.stringify(await measureMemory(ONLY === 'memory-store' ? () => createMemoryEventStore() : versionOnlyStore)));
    return;
  }
  const t0 = performance.now();
  const sessionsOnly = inChild('sessions-only');
  const memoryStore = inChild('memory-store');
  const latency = await measureLatency();
  const cpu = cpus()[0];
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpu?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    sessions: SESSIONS,
    perDigitUs: {
      plain: { p50: us(latency.plain.p50), p99: us(latency.plain.p99), max: us(latency.plain.max), count: latency.plain.count },
      withEffect: {
        p50: us(latency.withEffect.p50),
        p99: us(latency.withEffect.p99),
        max: us(latency.withEffect.max),
        count: latency.withEffect.count,
      },
    },
    concurrentWaveMs: { p50: Math.round(latency.waves.p50), p99: Math.round(latency.waves.p99), keysPerWave: SESSIONS },
    memory: {
      bytesPerWaitingSession: sessionsOnly.bytesPerSession,
      bytesPerWaitingSessionWithInMemoryLog: memoryStore.bytesPerSession,
      timersPending: sessionsOnly.timersPending,
    },
    durationS: Math.round((performance.now() - t0) / 100) / 10,
  };
  console.log(
    `IVR benchmark: ${SESSIONS} concurrent sessions (${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node})`,
  );
  console.log('| measure | p50 | p99 |');
  console.log('|---|---|---|');
  console.log(`| per digit (no effect) | ${result.perDigitUs.plain.p50} µs | ${result.perDigitUs.plain.p99} µs |`);
  console.log(
    `| per digit starting a gateway effect (identify; verify + provision) | ${result.perDigitUs.withEffect.p50} µs | ${result.perDigitUs.withEffect.p99} µs |`,
  );
  console.log(
    `| one key on each of ${SESSIONS} calls at once (wave) | ${result.concurrentWaveMs.p50} ms | ${result.concurrentWaveMs.p99} ms |`,
  );
  console.log(
    `memory per waiting session (PIN entry, timers armed): ${result.memory.bytesPerWaitingSession} B; with its events in the in-memory store: ${result.memory.bytesPerWaitingSessionWithInMemoryLog} B`,
  );
  if (OUT !== '') writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
};

await main();
