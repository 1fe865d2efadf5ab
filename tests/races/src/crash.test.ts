import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoData } from '@selfprov/app';
import { createSelfProvisioning } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLUSTER, checkAcks, checkLog, demoLimits, open, readLog, snapshotOf, startWorker, within } from './support.js';

// A writer process auto-registers and provisions continuously (two commands in flight, read-model
// checkpoints saved every 5 commands) on a SQLite file and is SIGKILLed 50-400 ms after it is ready.
// The store is then reopened as after a restart: every acknowledged command must be there, the
// cross-stream invariants must hold, the read models started from the stored checkpoints must equal
// a rebuild from position 0, and the store must take new writes. 20 kills, each on a fresh copy of
// one seeded file.

const KILLS = 20;

test(`SIGKILL a writer at ${KILLS} random instants: acknowledged commands kept, store and projections consistent`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-crash-'));
  const template = join(dir, 'seeded.db');
  let acknowledged = 0;
  let checkpoints = 0;
  let events = 0;
  try {
    const seeder = await open(`sqlite:${template}`);
    const seeded = await seedDemoData(seeder);
    assert.ok(E.isRight(seeded), JSON.stringify(seeded));
    await seeder.close();

    for (let k = 1; k <= KILLS; k++) {
      const file = join(dir, `crash-${k}.db`);
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(template + suffix)) copyFileSync(template + suffix, file + suffix);
      const url = `sqlite:${file}`;

      const worker = startWorker('crash', k, url);
      try {
        await within(
          worker.until((l) => l.kind === 'ready'),
          30_000,
          () => `worker ${k} not ready`,
        );
      } catch (e) {
        worker.kill();
        throw e;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 350));
      worker.kill();
      const end = await worker.exited;
      assert.is(end.signal, 'SIGKILL', `worker ${k} ended on its own (${end.code}): ${end.stderr}`);

      const app = await open(url); // the restart: read models from the stored checkpoints, caught up
      try {
        const log = await readLog(app.events);
        const facts = checkLog(log, demoLimits);
        checkAcks(facts, worker.lines);
        const rebuilt = createSelfProvisioning({ store: app.events, runtime: app.runtime });
        const started = await rebuilt.start()();
        assert.ok(E.isRight(started));
        assert.equal(
          snapshotOf(app),
          snapshotOf({ selfProvisioning: rebuilt }),
          `kill ${k}: checkpointed read models differ from a rebuild`,
        );
        const alice = [...(facts.users.get('alice') ?? [])].sort();
        assert.equal(
          app.selfProvisioning.readModels
            .phonesOf('alice')
            .map((p) => p.deviceName)
            .sort(),
          alice,
        );
        // The store takes writes again after the crash.
        const after = await app.selfProvisioning.autoRegisterPhone({
          clusterId: CLUSTER,
          mac: 'AA0000000001',
          model: 'Cisco 8845',
          protocol: 'SIP',
        })();
        assert.ok(E.isRight(after) || after.left.code === 'dn_range_exhausted', JSON.stringify(after));
        acknowledged += worker.lines.filter((l) => l.kind === 'autoreg' || l.kind === 'provision').length;
        checkpoints += worker.lines.filter((l) => l.kind === 'checkpoint').length;
        events += log.length;
      } finally {
        await app.close();
      }
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
    console.log(
      `  ${KILLS} kills: ${acknowledged} acknowledged results checked, ${checkpoints} checkpoint saves, ${events} events verified`,
    );
    assert.ok(acknowledged > 0, 'the writers acknowledged some commands before being killed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
