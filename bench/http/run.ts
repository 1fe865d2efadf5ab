// HTTP benchmark: wrk (a real load generator, Debian's wrk 4.1) against the selfprov HTTP server
// and against Fastify's minimal hello-world, in the same run, on this machine.
//   node scripts/bench.mjs http
//   node --expose-gc --conditions=source --import tsx bench/http/run.ts [--duration 20] [--reg-duration 4]
//        [--threads 2] [--connections 64] [--out bench/http/results.json]
// The servers run in CHILD processes (bench/http/server.ts, bench/http/hello.ts), so neither wrk nor
// this harness shares their event loop. selfprov: a fresh SQLite file at synchronous=FULL, the demo seeded.
// 1. self-care reads: alice logs in (POST /api/selfcare/login); wrk GETs /api/selfcare/carousel and
//    /api/selfcare/user with her session cookie (GETs need no CSRF header).
// 2. auto-registration: POST /api/devices/autoregister, a unique MAC per request (wrk.lua). The demo's
//    range (1000-1099) is first replaced through the admin API by a fresh 10,000-number block per run
//    (the domain's maximum range size), so the run does not exhaust it.
// 3. ceiling: the same wrk runs against Fastify's hello-world (GET /hello, POST /echo).
// Pass/fail (issue 7): >= 10,000 self-care reads/s and >= 1,000 auto-registrations/s, zero errors.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const DURATION = Number(arg('duration', '20'));
// 4 s: at up to about 2,000 registrations/s this stays inside one 10,000-number block (the domain's maximum range).
const REG_DURATION = Number(arg('reg-duration', '4'));
const THREADS = Number(arg('threads', '2'));
const CONNECTIONS = Number(arg('connections', '64'));
const OUT = arg('out', 'bench/http/results.json');
const WRK = '/usr/bin/wrk';
const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;

const READ_TARGET = 10_000;
const REG_TARGET = 1_000;

/** Starts a child (node + tsx, source conditions) and resolves with its READY payload. */
const startChild = (file: string, args: readonly string[]): Promise<{ child: ChildProcess; ready: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(here, file), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line !== undefined) resolve({ child, ready: JSON.parse(line.slice(6)) as Record<string, unknown> });
    });
    child.on('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready: ${out}`)));
  });

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

interface WrkResult {
  readonly requests: number;
  readonly durationUs: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly status2xx: number;
  readonly status201: number;
  readonly status3xx: number;
  readonly status4xx: number;
  readonly status5xx: number;
  readonly connectErrors: number;
  readonly readErrors: number;
  readonly writeErrors: number;
  readonly timeouts: number;
}

interface Row {
  readonly name: string;
  readonly route: string;
  readonly server: 'selfprov' | 'fastify-hello';
  readonly command: string;
  readonly requestsPerSecond: number;
  /** 2xx answers per second (201 for the POSTs): what the targets count. */
  readonly okPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly errorSample: string;
  ceilingRatio?: number;
}

const wrk = (name: string, server: Row['server'], url: string, route: string, env: Record<string, string>, seconds: number): Row => {
  const args = [
    `-t${THREADS}`,
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    '-s',
    'bench/http/wrk.lua',
    `${url}${route.replace(/^\w+ /, '')}`,
  ];
  const shownEnv = Object.entries(env)
    .map(([k, v]) => `${k}=${k === 'BENCH_COOKIE' ? "'selfprov_session=<alice's token>'" : v}`)
    .join(' ');
  const command = `${shownEnv} wrk ${args.join(' ').replace(url, 'http://127.0.0.1:<port>')}`.trim();
  console.log(`  ${name}: ${command}`);
  const r = spawnSync(WRK, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed (${r.status}): ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`wrk printed no RESULT line:\n${r.stdout}\n${r.stderr}`);
  const w = JSON.parse(line.slice(7)) as WrkResult;
  const sample = (r.stdout.split('\n').find((l) => l.startsWith('SAMPLES ')) ?? '').slice(8);
  const seconds_ = w.durationUs / 1e6;
  const ok = route.startsWith('POST') ? w.status201 : w.status2xx;
  const row: Row = {
    name,
    route,
    server,
    command,
    requestsPerSecond: Math.round(w.requests / seconds_),
    okPerSecond: Math.round(ok / seconds_),
    p50Ms: w.p50Us / 1000,
    p99Ms: w.p99Us / 1000,
    maxMs: w.maxUs / 1000,
    requests: w.requests,
    ok,
    non2xx: w.requests - w.status2xx,
    socketErrors: w.connectErrors + w.readErrors + w.writeErrors + w.timeouts,
    errorSample: sample,
  };
  console.log(
    `    ${row.requestsPerSecond} req/s, ${row.okPerSecond} ok/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, non-2xx ${row.non2xx}, socket errors ${row.socketErrors}${sample ? `, e.g. ${sample}` : ''}`,
  );
  return row;
};

const json = async (url: string, init: RequestInit & { expect: number }) => {
  const res = await fetch(url, init);
  const body = await res.text();
  if (res.status !== init.expect) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${body}`);
  return { res, body: body === '' ? undefined : (JSON.parse(body) as Record<string, unknown>) };
};

const cpuModel = cpus()[0]?.model ?? 'unknown';
const machine = {
  nproc: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()),
  cpu: cpuModel,
  ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  wrk: spawnSync(WRK, ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0]?.split(' Copyright')[0] ?? 'wrk',
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
};
console.log(`machine: ${JSON.stringify(machine)}`);

const rows: Row[] = [];
const dir = mkdtempSync(join(tmpdir(), 'selfprov-bench-http-'));
const dbFile = join(dir, 'events.db');

// --- selfprov -------------------------------------------------------------------------------
console.log('selfprov server (child process, SQLite synchronous=FULL, demo seeded)...');
const selfprov = await startChild('server.ts', [dbFile]);
let synchronous: unknown;
try {
  const { url, adminToken } = selfprov.ready as { url: string; adminToken: string };
  synchronous = selfprov.ready.synchronous;
  if (synchronous !== 2) throw new Error(`expected PRAGMA synchronous = 2 (FULL), got ${String(synchronous)}`);
  const login = await json(`${url}/api/selfcare/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'alice', password: 'Selfcare!2026' }),
    expect: 200,
  });
  const cookie = (login.res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const carousel = await json(`${url}/api/selfcare/carousel`, { headers: { cookie }, expect: 200 });
  const carouselBytes = JSON.stringify(carousel.body).length;
  const items = (carousel.body?.items as unknown[] | undefined)?.length ?? 0;
  console.log(`  alice logged in; her carousel: ${items} item(s), ${carouselBytes} bytes`);

  // Warm-up (JIT, read models), not recorded.
  wrk('warm-up', 'selfprov', url, 'GET /api/selfcare/carousel', { BENCH_COOKIE: cookie }, 3);
  rows.push(wrk('self-care carousel', 'selfprov', url, 'GET /api/selfcare/carousel', { BENCH_COOKIE: cookie }, DURATION));
  rows.push(wrk('self-care user settings', 'selfprov', url, 'GET /api/selfcare/user', { BENCH_COOKIE: cookie }, DURATION));

  // Auto-registration: a fresh 10,000-number block per run (the domain caps a range at 10,000 numbers).
  let block = 0;
  const widen = async () => {
    block += 1;
    const startDn = String(10_000 * block);
    const endDn = String(10_000 * block + 9_999);
    await json(`${url}/api/admin/clusters/cluster-1/auto-registration`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ startDn, endDn, deviceTemplate: 'Standard Desk Phone', lineTemplate: 'Standard Line' }),
      expect: 200,
    });
    return `${startDn}-${endDn}`;
  };
  console.log(`  auto-registration range -> ${await widen()} (admin API)`);
  rows.push(
    wrk(
      'device auto-registration',
      'selfprov',
      url,
      'POST /api/devices/autoregister',
      { BENCH_METHOD: 'POST', BENCH_BODY: 'autoregister', BENCH_PREFIX: '02' },
      REG_DURATION,
    ),
  );
} finally {
  await stopChild(selfprov.child);
}

// --- Fastify hello-world: the framework's ceiling -------------------------------------------
console.log('Fastify hello-world (child process)...');
const hello = await startChild('hello.ts', []);
try {
  const { url } = hello.ready as { url: string };
  wrk('warm-up', 'fastify-hello', url, 'GET /hello', {}, 3);
  rows.push(wrk('hello-world GET', 'fastify-hello', url, 'GET /hello', {}, DURATION));
  rows.push(wrk('hello-world POST echo', 'fastify-hello', url, 'POST /echo', { BENCH_METHOD: 'POST', BENCH_BODY: 'echo' }, DURATION));
} finally {
  await stopChild(hello.child);
}
rmSync(dir, { recursive: true, force: true });

const ceilingGet = rows.find((r) => r.name === 'hello-world GET')?.requestsPerSecond ?? Number.NaN;
const ceilingPost = rows.find((r) => r.name === 'hello-world POST echo')?.requestsPerSecond ?? Number.NaN;
for (const r of rows)
  if (r.server === 'selfprov')
    r.ceilingRatio = Math.round((r.okPerSecond / (r.route.startsWith('POST') ? ceilingPost : ceilingGet)) * 1000) / 1000;

const verdict = (r: Row | undefined, target: number) =>
  r !== undefined && r.okPerSecond >= target && r.non2xx === 0 && r.socketErrors === 0 ? 'PASS' : 'FAIL';
const readRow = rows.find((r) => r.name === 'self-care carousel');
const regRow = rows.find((r) => r.name === 'device auto-registration');
const results = {
  date: new Date().toISOString(),
  revision: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
  machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
  settings: {
    threads: THREADS,
    connections: CONNECTIONS,
    durationS: DURATION,
    registrationDurationS: REG_DURATION,
    sqliteSynchronous: 'FULL',
  },
  targets: {
    selfCareReads: { target: READ_TARGET, measured: readRow?.okPerSecond, verdict: verdict(readRow, READ_TARGET) },
    autoRegistrations: { target: REG_TARGET, measured: regRow?.okPerSecond, verdict: verdict(regRow, REG_TARGET) },
  },
  rows,
};
writeFileSync(resolve(root, OUT), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${JSON.stringify(results.targets)}\nwritten: ${OUT}`);
