/**
 * One competitor of the race and crash tests, run as its own Node process:
 * `node --conditions=source --import <tsx> src/worker.ts <mode> <worker>`, the store URL in
 * SELFPROV_RACE_STORE (it may hold a password: never printed). Every acknowledged result is one
 * JSON line on stdout, written synchronously (`print`: in the pipe before the next command starts,
 * so a SIGKILL cannot lose it).
 * Before a command's first attempt it prints `{"kind":"start","commandId":...}`: the parent then
 * knows every command that may have written, acknowledged or not (in flight when it was killed).
 *
 * - `race`: waits for `go` on stdin, auto-registers its own MACs, prints `{"kind":"done","phase":1}`;
 *   on `go2` provisions its phones (some to alice, some to bob, one to dave), prints done 2; on `go3`
 *   retries the MACs that found the range exhausted, prints done 3 and exits.
 * - `crash`: auto-registers and provisions in a loop (two commands in flight) until it is killed,
 *   saving the read models' checkpoints every few commands.
 */
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createSelfprov, type Selfprov } from '@selfprov/app';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';

const mode = process.argv[2];
const worker = Number(process.argv[3]);
const url = process.env.SELFPROV_RACE_STORE;
const perWorker = Number(process.env.SELFPROV_RACE_MACS ?? '30');
const clusterId = 'cluster-1';

const pause = new Int32Array(new SharedArrayBuffer(4));
/**
 * One JSON line on stdout, SYNCHRONOUSLY: it returns once every byte is in the kernel's pipe buffer.
 * `process.stdout.write` queues inside the process while the pipe is full (a busy parent), and a
 * SIGKILL loses that queue: a `start` or a result the parent must know of would silently be missing.
 * A full pipe (EAGAIN on the non-blocking descriptor) is waited out, 1 ms at a time.
 */
const print = (line: object) => {
  const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
};
const die = (what: string, e: { code: string; message: string }): never => {
  process.stderr.write(`worker ${worker}: ${what}: ${e.code}: ${e.message}\n`);
  process.exit(2);
};

if (url === undefined || Number.isNaN(worker)) die('arguments', { code: 'usage', message: 'worker.ts <race|crash> <n>' });
const opened = await createSelfprov({ store: url as string, hasher: createScryptHasher({ log2N: 10 }) });
if (E.isLeft(opened)) die('open', opened.left);
const app = (opened as E.Right<Selfprov>).right;
const sp = app.selfProvisioning;

/** A MAC no other worker uses: the worker in the second byte, the index in the last two. */
const macOf = (i: number) => `02${worker.toString(16).padStart(2, '0')}0000${i.toString(16).padStart(4, '0')}`.toUpperCase();

// Lines from the parent, consumed in order by `waitFor`.
const pending: string[] = [];
let wake: (() => void) | undefined;
createInterface({ input: process.stdin }).on('line', (l) => {
  pending.push(l.trim());
  wake?.();
});
const waitFor = async (word: string) => {
  for (;;) {
    const i = pending.indexOf(word);
    if (i >= 0) {
      pending.splice(i, 1);
      return;
    }
    await new Promise<void>((r) => {
      wake = r;
    });
  }
};

/**
 * The product answers `concurrent_modification` ("try again") when its bounded replanning loses
 * every round to other writers. A client retries: same commandId (the failed try wrote nothing),
 * after a random pause. Each such retry is printed, so the test can count them.
 */
const withRetry = async <L extends { readonly code: string }, A>(commandId: string, run: () => Promise<E.Either<L, A>>) => {
  print({ kind: 'start', worker, commandId });
  for (let attempt = 1; ; attempt++) {
    const r = await run();
    if (E.isRight(r) || r.left.code !== 'concurrent_modification' || attempt >= 50) return r;
    print({ kind: 'retry', worker, commandId });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  }
};

const autoRegister = async (i: number, attempt: number) => {
  const commandId = `w${worker}:autoreg:${i}:${attempt}`;
  const r = await withRetry(commandId, () =>
    sp.autoRegisterPhone({ clusterId, mac: macOf(i), model: 'Cisco 8845', protocol: 'SIP' }, { commandId })(),
  );
  if (E.isRight(r)) print({ kind: 'autoreg', ok: true, worker, i, commandId, deviceName: r.right.deviceName, dn: r.right.directoryNumber });
  else if (r.left._tag === 'DomainError' || r.left._tag === 'ValidationError')
    print({ kind: 'autoreg', ok: false, worker, i, commandId, code: r.left.code });
  else die('autoRegisterPhone', r.left);
  return r;
};

const provision = async (deviceName: string, userId: string) => {
  const commandId = `w${worker}:provision:${deviceName}:${userId}`;
  const r = await withRetry(commandId, () =>
    sp.provisionPhone({ clusterId, deviceName, userId, authentication: { method: 'pin' } }, { commandId })(),
  );
  if (E.isRight(r))
    print({
      kind: 'provision',
      ok: true,
      worker,
      commandId,
      deviceName,
      userId,
      dn: r.right.directoryNumber,
      released: r.right.releasedDirectoryNumber,
    });
  else if (r.left._tag === 'DomainError' || r.left._tag === 'ValidationError')
    print({ kind: 'provision', ok: false, worker, commandId, deviceName, userId, code: r.left.code });
  else die('provisionPhone', r.left);
  return r;
};

/** Runs `n` jobs, `width` at a time. */
const pool = async (n: number, width: number, job: (i: number) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await job(next++);
    }),
  );
};

if (mode === 'race') {
  print({ kind: 'ready', worker });
  await waitFor('go');
  const phones: string[] = [];
  const exhausted: number[] = [];
  await pool(perWorker, 2, async (i) => {
    const r = await autoRegister(i, 1);
    if (E.isRight(r)) phones.push(r.right.deviceName);
    else exhausted.push(i);
  });
  print({ kind: 'done', phase: 1, worker });
  await waitFor('go2');
  // 5 to alice, 3 to bob, 1 to dave (not allowed): 4 workers ask alice for 20 phones, bob for 12.
  const plan = phones.slice(0, 9).map((d, k) => [d, k < 5 ? 'alice' : k < 8 ? 'bob' : 'dave'] as const);
  await pool(plan.length, 2, (k) => provision(...(plan[k] as readonly [string, string])));
  print({ kind: 'done', phase: 2, worker });
  await waitFor('go3');
  await pool(exhausted.length, 2, (k) => autoRegister(exhausted[k] as number, 2));
  print({ kind: 'done', phase: 3, worker });
  await app.close();
  process.exit(0);
} else if (mode === 'crash') {
  const users = ['alice', 'bob', 'dave'];
  let done = 0;
  print({ kind: 'ready', worker });
  await pool(1_000_000, 2, async (i) => {
    const r = await autoRegister(i, 1);
    if (E.isRight(r)) await provision(r.right.deviceName, users[i % users.length] as string);
    done += 1;
    if (done % 5 === 0) {
      const saved = await sp.readModels.saveCheckpoints()();
      if (E.isLeft(saved)) die('saveCheckpoints', saved.left);
      print({ kind: 'checkpoint', worker });
    }
  });
} else die('arguments', { code: 'usage', message: `unknown mode ${String(mode)}` });
