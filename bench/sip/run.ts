// SIP benchmark: sipp (a real SIP peer, Debian package sip-tester) against the SIP adapter
// in this process, on loopback.
//   node scripts/bench.mjs sip
//   node --conditions=source --import tsx bench/sip/run.ts [--rate 100] [--duration 60] [--calls 50]
//        [--store memory:] [--only register|calls] [--out bench/sip/results.json]
// 1. registrations: `--rate` new phones per second for `--duration` seconds, each a REGISTER
//    that auto-registers a device (domain command: phone stream, DN reservation) -> 200.
// 2. IVR calls: `--calls` phones at once, each registers, dials the IVR, types the demo flow as
//    SIP INFO (its own user's id and PIN, checked with the production scrypt cost), is provisioned,
//    hears the prompts as RTP, gets BYE; each phone's resync listener answers the NOTIFY check-sync.
// Pass/fail: zero failed sipp calls (every transaction answered as the scenario expects), and the
// domain agrees (phones auto-registered / provisioned, NOTIFYs answered).
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
// Relative imports: bench/ is not a workspace package (it resolves nothing by package name).
import { createSelfprov, type Selfprov, seedDemoData } from '../../packages/adapters/app/src/index.js';
import { startSip } from '../../packages/adapters/sip/src/index.js';
import { setCredential } from '../../packages/core/src/index.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const RATE = Number(arg('rate', '100'));
const DURATION = Number(arg('duration', '60'));
const CALLS = Number(arg('calls', '50'));
const STORE = arg('store', 'memory:');
const ONLY = arg('only', '');
const OUT = arg('out', 'bench/sip/results.json');

const SIPP = ['/usr/bin/sipp', '/usr/local/bin/sipp'].find((p) => existsSync(p));
const scenarios = new URL('../../packages/adapters/sip/scenarios/', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

interface SippResult {
  readonly code: number | null;
  readonly stats: Record<string, string>;
  readonly errors: string;
  readonly seconds: number;
}

/** Runs sipp; returns its exit code and the last line of its statistics file (cumulative counters). */
const sipp = async (scenario: string, server: number, args: readonly string[], dir: string): Promise<SippResult> => {
  if (SIPP === undefined) throw new Error('sipp is not installed (apt-get install sip-tester)');
  const name = scenario.replace(/\.xml$/, '');
  const statFile = join(dir, `${name}-stats.csv`);
  const errorFile = join(dir, `${name}-errors.log`);
  const started = performance.now();
  const child = spawn(
    SIPP,
    [
      `127.0.0.1:${server}`,
      '-sf',
      join(scenarios, scenario),
      '-i',
      '127.0.0.1',
      '-mi',
      '127.0.0.1',
      '-mp',
      String(await freePort()),
      '-cp',
      String(await freePort()),
      '-trace_stat',
      '-stf',
      statFile,
      '-fd',
      '1',
      '-trace_err',
      '-error_file',
      errorFile,
      '-nostdin',
      '-timeout_error',
      ...args,
    ],
    { cwd: scenarios, stdio: 'ignore' },
  );
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  const lines = existsSync(statFile) ? readFileSync(statFile, 'utf8').trim().split('\n') : [];
  const head = (lines[0] ?? '').split(';');
  const last = (lines.at(-1) ?? '').split(';');
  const stats = Object.fromEntries(head.map((h, i) => [h, last[i] ?? '']));
  if (process.env.BENCH_SIP_DEBUG) console.log(stats);
  const errors = existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : '';
  return { code, stats, errors, seconds };
};

/** sipp's "hh:mm:ss:usec" durations, in milliseconds. */
const ms = (v: string | undefined) => {
  const m = /^(\d+):(\d+):(\d+):(\d+)$/.exec(v ?? '');
  return m ? Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000 + Number(m[3]) * 1000 + Number(m[4]) / 1000 : Number.NaN;
};

const backend = async (): Promise<Selfprov> => {
  const created = await createSelfprov({ store: STORE });
  if (created._tag === 'Left') throw new Error(created.left.message);
  const seeded = await seedDemoData(created.right);
  if (seeded._tag === 'Left') throw new Error(seeded.left.message);
  return created.right;
};

const mac = (n: number) => `0E${n.toString(16).toUpperCase().padStart(10, '0')}`;

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const registrations = async (dir: string) => {
  const total = RATE * DURATION;
  const app = await backend();
  // A range large enough for every new phone of the run.
  const range = await app.selfProvisioning.configure('cluster', {
    type: 'ConfigureAutoRegistration',
    clusterId: 'cluster-1',
    startDn: '100000',
    endDn: String(100000 + total + 999),
    deviceTemplate: 'Standard Desk Phone',
    lineTemplate: 'Standard Line',
  })();
  if (range._tag === 'Left') throw new Error(range.left.message);
  let warnings = 0;
  const kinds: Record<string, number> = {};
  const sip = await startSip(app, {
    port: 0,
    log: (e) => {
      if (e.level !== 'warn' && e.level !== 'error') return;
      warnings++;
      const kind = `${e.event}${e.details?.code ? `:${e.details.code}` : ''}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    },
  });
  const csv = join(dir, 'macs.csv');
  writeFileSync(csv, `SEQUENTIAL\n${Array.from({ length: total }, (_, i) => mac(i + 1)).join('\n')}\n`);
  const localPort = await freePort();
  console.log(`registrations: ${RATE}/s for ${DURATION} s (${total} new phones), store ${STORE}`);
  const cpu0 = cpuSeconds();
  const r = await sipp(
    'bench-register.xml',
    sip.udpPort,
    [
      '-inf',
      csv,
      '-r',
      String(RATE),
      '-m',
      String(total),
      '-l',
      String(RATE * 10),
      '-p',
      String(localPort),
      '-key',
      'notify_port',
      String(localPort),
      '-timeout',
      `${DURATION + 120}s`,
    ],
    dir,
  );
  const cpu = cpuSeconds() - cpu0;
  const phones = app.selfProvisioning.readModels.phones().filter((p) => p.exists && p.state === 'autoregistered').length;
  const result = {
    rate: RATE,
    seconds: DURATION,
    attempted: total,
    successful: Number(r.stats['SuccessfulCall(C)']),
    failed: Number(r.stats['FailedCall(C)']),
    retransmissions: Number(r.stats['Retransmissions(C)']),
    registerAverageMs: ms(r.stats['ResponseTime1(C)']),
    registerStdDevMs: ms(r.stats['ResponseTime1StDev(C)']),
    wallSeconds: Number(r.seconds.toFixed(1)),
    serverCpuSeconds: Number(cpu.toFixed(1)),
    bindings: sip.server.bindings().length,
    phonesAutoRegistered: phones,
    serverWarnings: warnings,
    sippExitCode: r.code,
  };
  if (warnings > 0) console.log('server warnings:', kinds);
  await sip.close();
  await app.close();
  if (r.code !== 0) console.log(r.errors.slice(0, 3000));
  return result;
};

/** A PIN the credential policy accepts for this user (random digits; the policy refuses the trivial ones). */
const pinFor = (seed: number) => {
  let x = seed * 2654435761;
  return () => {
    let pin = '';
    for (let i = 0; i < 8; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      pin += String(x % 10);
    }
    return pin;
  };
};

const ivrCalls = async (dir: string) => {
  const app = await backend();
  const rows: string[] = [];
  for (let i = 1; i <= CALLS; i++) {
    const userId = `bench${String(i).padStart(3, '0')}`;
    const extension = String(3000 + i);
    const created = await app.selfProvisioning.endUser({
      type: 'CreateEndUser',
      userId,
      clusterId: 'cluster-1',
      personal: { firstName: 'Bench', lastName: `User${i}` },
      primaryExtension: extension,
      userProfile: 'Standard',
    })();
    if (created._tag === 'Left') throw new Error(created.left.message);
    const next = pinFor(i);
    let pin = '';
    for (let attempt = 0; ; attempt++) {
      pin = next();
      const set = await setCredential(app.credentials, {
        subject: userId,
        kind: 'pin',
        secret: pin,
        by: 'system',
        owner: { userId, extension, firstName: 'Bench', lastName: `User${i}` },
      })();
      if (set._tag === 'Right') break;
      if (attempt > 50) throw new Error(`no acceptable PIN for ${userId}: ${set.left.message}`);
    }
    rows.push([mac(0x100000 + i), ...extension, ...pin].join(';'));
  }
  const csv = join(dir, 'users.csv');
  writeFileSync(csv, `SEQUENTIAL\n${rows.join('\n')}\n`);
  let warnings = 0;
  const sip = await startSip(app, { port: 0, log: (e) => void (e.level === 'warn' || e.level === 'error' ? warnings++ : 0) });
  console.log(`IVR calls: ${CALLS} at once (register, dial 8000, the demo flow as SIP INFO, provisioned, BYE), store ${STORE}`);
  const notifyPort = await freePort();
  const listener = sipp(
    'resync-listener.xml',
    sip.udpPort,
    ['-p', String(notifyPort), '-m', String(CALLS), '-timeout', '180s', '-t', 'u1'],
    dir,
  );
  await new Promise((r) => setTimeout(r, 500));
  const localPort = await freePort();
  const cpu0 = cpuSeconds();
  const started = performance.now();
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, sip.server.calls().length);
  }, 50);
  const r = await sipp(
    'bench-call.xml',
    sip.udpPort,
    [
      '-inf',
      csv,
      '-m',
      String(CALLS),
      '-l',
      String(CALLS),
      '-r',
      String(CALLS),
      '-p',
      String(localPort),
      '-key',
      'ivr',
      '8000',
      '-key',
      'notify_port',
      String(notifyPort),
      '-timeout',
      '180s',
    ],
    dir,
  );
  const wall = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const l = await listener;
  const cpu = cpuSeconds() - cpu0;
  await app.selfProvisioning.readModels.catchUp()();
  const provisioned = app.selfProvisioning.readModels
    .phones()
    .filter((p) => p.state === 'provisioned' && p.owner?.startsWith('bench')).length;
  const result = {
    calls: CALLS,
    peakConcurrentCalls: peak,
    successful: Number(r.stats['SuccessfulCall(C)']),
    failed: Number(r.stats['FailedCall(C)']),
    retransmissions: Number(r.stats['Retransmissions(C)']),
    infoTransactions: CALLS * 17,
    registerAverageMs: ms(r.stats['ResponseTime1(C)']),
    inviteTo200AverageMs: ms(r.stats['ResponseTime3(C)']),
    infoAverageMs: ms(r.stats['ResponseTime2(C)']),
    averageCallSeconds: Number((ms(r.stats['CallLength(C)']) / 1000).toFixed(1)),
    wallSeconds: Number(wall.toFixed(1)),
    serverCpuSeconds: Number(cpu.toFixed(1)),
    phonesProvisioned: provisioned,
    resyncNotifies: sip.server.resyncStats(),
    listenerSuccessful: Number(l.stats['SuccessfulCall(C)']),
    listenerFailed: Number(l.stats['FailedCall(C)']),
    serverWarnings: warnings,
    sippExitCode: r.code,
    listenerExitCode: l.code,
  };
  await sip.close();
  await app.close();
  if (r.code !== 0) console.log(r.errors.slice(0, 3000));
  if (l.code !== 0) console.log(l.errors.slice(0, 3000));
  return result;
};

if (SIPP === undefined) {
  console.log('bench/sip: skipped, sipp is not installed (apt-get install sip-tester)');
  process.exit(0);
}
// `sipp -v` exits 99 after printing its version.
const sippVersion = spawnSync(SIPP, ['-v'], { encoding: 'utf8' })
  .stdout.split('\n')
  .find((l) => l.includes('SIPp'))
  ?.trim();
const dir = mkdtempSync(join(tmpdir(), 'selfprov-bench-sip-'));
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    sipp: sippVersion,
  },
  store: STORE,
};
let ok = true;
try {
  if (ONLY === '' || ONLY === 'register') {
    const reg = await registrations(dir);
    results.registrations = reg;
    ok &&= reg.failed === 0 && reg.sippExitCode === 0 && reg.successful === reg.attempted && reg.phonesAutoRegistered === reg.attempted;
    console.table(reg);
  }
  if (ONLY === '' || ONLY === 'calls') {
    const calls = await ivrCalls(dir);
    results.ivrCalls = calls;
    ok &&=
      calls.failed === 0 &&
      calls.sippExitCode === 0 &&
      calls.successful === CALLS &&
      calls.phonesProvisioned === CALLS &&
      calls.listenerFailed === 0 &&
      calls.resyncNotifies.answered === CALLS;
    console.table({ ...calls, resyncNotifies: `${calls.resyncNotifies.answered}/${calls.resyncNotifies.sent} answered` });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
results.passed = ok;
if (OUT !== '') writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(ok ? 'bench/sip: passed (zero failed transactions)' : 'bench/sip: FAILED');
process.exit(ok ? 0 : 1);
