import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Selfprov, seedDemoData, verifyLog } from '@selfprov/app';
import { createSelfProvisioning, type RecordedEvent } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CLUSTER,
  checkAcks,
  checkLog,
  crashSeed,
  demoLimits,
  type Line,
  open,
  readLog,
  seededRandom,
  snapshotOf,
  startWorker,
  within,
} from './support.js';

// A writer process auto-registers and provisions continuously (two commands in flight, read-model
// checkpoints saved every 5 commands) on a SQLite file and is SIGKILLed at an instant drawn from a
// seed. The store is then reopened as after a restart. Per kill:
// - every command whose result reached this process (acknowledged) is in the store, exactly once;
// - every command in the store is one the worker started (it prints `start` before each), and each
//   is whole: exactly the events of its kind, never part of them (the ones in flight at the kill
//   included: at most two, present whole or absent);
// - the cross-stream invariants hold and every hash chain verifies;
// - the read models started from the stored checkpoints equal a rebuild from position 0;
// - the store takes new writes, and they are durable too.
// 20 kills, each on a fresh copy of one seeded file. The seed is printed first: replay a failed run
// with SELFPROV_CRASH_SEED=<seed> (same kill schedule; the interleaving still depends on the machine).

const KILLS = 20;
const seed = crashSeed();
console.log(`  crash.test.ts: seed ${seed} (replay the kill schedule with SELFPROV_CRASH_SEED=${seed})`);

/**
 * The kill schedule, drawn from the seed up front. Odd kills count their delay from `ready` (some die
 * before their first commit); even kills from their n-th acknowledged result, so every run checks
 * acknowledged commands whatever the machine's load.
 */
const random = seededRandom(seed);
const schedule = Array.from({ length: KILLS }, (_, i) => {
  const [a, b] = [random(), random()];
  return { kill: i + 1, afterResults: i % 2 === 1 ? 1 + Math.floor(a * 10) : 0, delayMs: 50 + Math.floor(b * 350) };
});

const isResult = (l: Line) => l.kind === 'autoreg' || l.kind === 'provision';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sorted = (es: readonly RecordedEvent[]) => es.map((e) => `${e.type} ${e.streamId}`).sort();

/**
 * A command in the log is whole: exactly the events its kind writes, on the streams it names.
 * Auto-registration: the DN reservation and the phone. Provisioning: the phone provisioned and its
 * reset requested, the user's list, the temporary DN released, and the user's line DN reserved when
 * this is the user's first phone (then held by the user's line).
 */
const checkWhole = (commandId: string, es: readonly RecordedEvent[], label: string) => {
  const [, kind, a, b] = commandId.split(':');
  if (kind === 'autoreg') {
    const phone = es.find((e) => e.type === 'PhoneAutoRegistered');
    const d = phone?.data as { deviceName: string; directoryNumber: string } | undefined;
    assert.ok(d, `${label}: ${commandId} wrote ${sorted(es)}`);
    assert.equal(
      sorted(es),
      [`DirectoryNumberReserved dn-${CLUSTER}-${d?.directoryNumber}`, `PhoneAutoRegistered phone-${d?.deviceName}`],
      `${label}: ${commandId} is whole`,
    );
  } else if (kind === 'provision') {
    const [deviceName, userId] = [a, b];
    const released = es.find((e) => e.type === 'DirectoryNumberReleased');
    const line = es.find((e) => e.type === 'DirectoryNumberReserved');
    const expected = [
      `DirectoryNumberReleased ${released?.streamId}`,
      `PhoneAssignedToUser user-${userId}`,
      `PhoneProvisioned phone-${deviceName}`,
      `PhoneResetRequested phone-${deviceName}`,
      ...(line ? [`DirectoryNumberReserved ${line.streamId}`] : []),
    ].sort();
    assert.ok(released?.streamId.startsWith(`dn-${CLUSTER}-`), `${label}: ${commandId} released no DN: ${sorted(es)}`);
    assert.equal(sorted(es), expected, `${label}: ${commandId} is whole`);
    if (line) assert.equal((line.data as { holder: unknown }).holder, { kind: 'user-line', userId }, `${label}: ${commandId} line holder`);
  } else assert.unreachable(`${label}: unexpected command ${commandId} in the log`);
};

test(`SIGKILL a writer at ${KILLS} seeded instants: acknowledged => durable, every command whole, chains verify, projections consistent`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-crash-'));
  const template = join(dir, 'seeded.db');
  const totals = { acknowledged: 0, beforeKill: 0, inFlightCommitted: 0, checkpoints: 0, events: 0 };
  try {
    const seeder = await open(`sqlite:${template}`);
    const seeded = await seedDemoData(seeder);
    assert.ok(E.isRight(seeded), JSON.stringify(seeded));
    /** Where the seeded log ends: everything after it was written by the worker (or the restart). */
    const seededUpTo = (await readLog(seeder.events)).at(-1)?.globalPosition ?? 0;
    assert.ok(seededUpTo > 0, 'the demo data was written');
    await seeder.close();

    for (const plan of schedule) {
      const k = plan.kill;
      const label = `kill ${k} (seed ${seed}: ${plan.delayMs} ms after ${plan.afterResults > 0 ? `result ${plan.afterResults}` : 'ready'})`;
      const file = join(dir, `crash-${k}.db`);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(template + suffix)) copyFileSync(template + suffix, file + suffix);
      const url = `sqlite:${file}`;

      const worker = startWorker('crash', k, url);
      try {
        await within(
          worker.until((l) => l.kind === 'ready'),
          60_000,
          () => `${label}: worker not ready`,
        );
        if (plan.afterResults > 0)
          await within(
            worker.until(() => worker.lines.filter(isResult).length >= plan.afterResults),
            60_000,
            () => `${label}: ${worker.lines.filter(isResult).length} results so far`,
          );
        await sleep(plan.delayMs);
      } catch (e) {
        worker.kill();
        throw e;
      }
      const seenBeforeKill = worker.lines.length;
      worker.kill();
      const end = await worker.exited;
      assert.is(end.signal, 'SIGKILL', `${label}: worker ended on its own (${end.code}): ${end.stderr}`);

      // Every complete line the worker wrote before it died has been read by now (`exited` waits for
      // the end of its stdout): the ones read before kill() and the ones still in the pipe then. A
      // result line is written only after the store acknowledged the command.
      const lines = worker.lines;
      const results = lines.filter(isResult);
      const started = new Set(lines.filter((l) => l.kind === 'start').map((l) => l.commandId));
      for (const r of results) assert.ok(started.has(r.commandId), `${label}: ${r.commandId} answered but never started`);
      const answered = new Set(results.map((r) => r.commandId));
      assert.is(answered.size, results.length, `${label}: a command answered twice`);
      const inFlight = [...started].filter((c) => !answered.has(c));
      assert.ok(inFlight.length <= 2, `${label}: ${inFlight.length} commands in flight, the worker runs two at a time`);
      if (plan.afterResults > 0) assert.ok(results.length >= plan.afterResults, label);

      const app = await open(url); // the restart: read models from the stored checkpoints, caught up
      try {
        const log = await readLog(app.events);
        const facts = checkLog(log, demoLimits);
        // Acknowledged => durable: every result line (so every one acknowledged before the kill) is in
        // the log exactly once with what it answered; an acknowledged refusal wrote nothing.
        checkAcks(facts, lines);
        // Nothing else was written, and nothing in part: each command in the log is one the worker
        // started, whole; a command in flight at the kill is whole or absent.
        for (const e of log)
          if (e.globalPosition > seededUpTo)
            assert.ok(started.has(e.metadata.commandId), `${label}: ${e.type} on ${e.streamId} by ${e.metadata.commandId}, never started`);
        for (const commandId of started) {
          const es = facts.byCommand.get(commandId as string) ?? [];
          if (es.length > 0) checkWhole(commandId as string, es, label);
        }
        const inFlightCommitted = inFlight.filter((c) => (facts.byCommand.get(c as string)?.length ?? 0) > 0).length;
        await checkChains(app, log.length, label);

        const rebuilt = createSelfProvisioning({ store: app.events, runtime: app.runtime });
        const startedRebuild = await rebuilt.start()();
        assert.ok(E.isRight(startedRebuild), label);
        assert.equal(
          snapshotOf(app),
          snapshotOf({ selfProvisioning: rebuilt }),
          `${label}: checkpointed read models differ from a rebuild`,
        );
        const alice = [...(facts.users.get('alice') ?? [])].sort();
        assert.equal(
          app.selfProvisioning.readModels
            .phonesOf('alice')
            .map((p) => p.deviceName)
            .sort(),
          alice,
          label,
        );

        await checkNewWrite(app, log, facts.held, k, label);

        totals.acknowledged += results.length;
        totals.beforeKill += lines.slice(0, seenBeforeKill).filter(isResult).length;
        totals.inFlightCommitted += inFlightCommitted;
        totals.checkpoints += lines.filter((l) => l.kind === 'checkpoint').length;
        totals.events += log.length;
      } finally {
        await app.close();
      }
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
    console.log(
      `  ${KILLS} kills (seed ${seed}): ${totals.acknowledged} acknowledged results checked (${totals.beforeKill} read before the kill signal), ` +
        `${totals.inFlightCommitted} unacknowledged in-flight commands found committed whole, ${totals.checkpoints} checkpoint saves, ${totals.events} events verified`,
    );
    assert.ok(totals.acknowledged >= KILLS / 2, 'every other kill waited for acknowledged results');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Every hash chain and the global log verify (the raw store: hashes cover events as stored). */
const checkChains = async (app: Selfprov, events: number, label: string) => {
  const report = await verifyLog(app.store);
  if (E.isLeft(report)) return assert.unreachable(`${label}: verifyLog: ${report.left.code}: ${report.left.message}`);
  assert.ok(report.right.ok, `${label}: chains: ${JSON.stringify(report.right.problems.slice(0, 3))}`);
  assert.is(report.right.problemCount, 0, label);
  assert.is(report.right.events, events, `${label}: the verifier read the whole log`);
};

/**
 * After the restart the store takes a write, and it is durable: an auto-registration gets a DN that
 * was free and writes exactly its two events; or, when the worker had taken the whole range, it is
 * refused with dn_range_exhausted and writes nothing.
 */
const checkNewWrite = async (
  app: Selfprov,
  log: readonly RecordedEvent[],
  held: ReadonlyMap<string, unknown>,
  k: number,
  label: string,
) => {
  const commandId = `after-restart-${k}`;
  const free = app.selfProvisioning.readModels.freeDirectoryNumbers(CLUSTER);
  const after = await app.selfProvisioning.autoRegisterPhone(
    { clusterId: CLUSTER, mac: 'AA0000000001', model: 'Cisco 8845', protocol: 'SIP' },
    { commandId },
  )();
  const afterLog = await readLog(app.events);
  assert.equal(
    afterLog.slice(0, log.length).map((e) => e.eventId),
    log.map((e) => e.eventId),
    `${label}: the log before the write is unchanged`,
  );
  const written = afterLog.slice(log.length);
  if (E.isRight(after)) {
    const dn = after.right.directoryNumber;
    assert.ok(free.includes(dn) && !held.has(dn), `${label}: the new phone got ${dn}, which was not free`);
    assert.equal(sorted(written), [`DirectoryNumberReserved dn-${CLUSTER}-${dn}`, `PhoneAutoRegistered phone-${after.right.deviceName}`]);
    for (const e of written) assert.is(e.metadata.commandId, commandId);
  } else {
    assert.is(after.left.code, 'dn_range_exhausted', `${label}: ${JSON.stringify(after.left)}`);
    assert.equal(free, [], `${label}: refused while DNs were free`);
    assert.equal(written, [], `${label}: a refusal wrote nothing`);
  }
  checkLog(afterLog, demoLimits);
  await checkChains(app, afterLog.length, `${label}, after the new write`);
};

test.run();
