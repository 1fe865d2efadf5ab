import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, sqliteSecurityStores } from './index.js';
import { spawnScript } from './testing/children.js';
import { tempDir } from './testing/files.js';

const WORKERS = 4;
const ROUNDS = 500;
const SUBJECTS = 200;
const LIMIT = 25;
const tmp = tempDir('security-race');

test.after(() => tmp.remove());

test(`${WORKERS} processes on one file: no failure count lost, throttle never over its limit, one key per subject`, async () => {
  const path = tmp.file('shared.db');
  // The account exists before the race: the workers only count failures on it.
  const setup = createSqliteEventStore({ path });
  const seeded = await sqliteSecurityStores(setup).credentials.save(
    {
      subject: 'alice',
      kind: 'pin',
      hash: '$scrypt$test',
      history: [],
      failedAttempts: 0,
      firstFailureAt: null,
      consecutiveFailures: 0,
      lockout: null,
      changedAt: '2026-03-01T09:00:00.000Z',
      mustChange: false,
    },
    null,
  )();
  assert.ok(E.isRight(seeded));
  await setup.close();

  const workers = Array.from({ length: WORKERS }, (_, w) =>
    spawnScript('testing/securityWorker.ts', [path, String(w), String(ROUNDS), String(SUBJECTS), String(LIMIT)]),
  );
  await Promise.all(workers.map((w) => w.waitFor((l) => l === 'ready')));
  for (const w of workers) w.process.stdin.end('go\n');
  const exits = await Promise.all(workers.map((w) => w.closed));
  exits.forEach((x, w) => {
    const errors = workers[w]?.lines.filter((l) => l.startsWith('error')) ?? [];
    assert.is(x.code, 0, `worker ${w} exited with ${x.code ?? x.signal}: ${errors.join('; ')} ${x.stderr.slice(-1500)}`);
  });

  const store = createSqliteEventStore({ path });
  const { credentials, keys } = sqliteSecurityStores(store);

  // Failures: every one of the WORKERS * ROUNDS counted exactly once.
  const record = await credentials.load('alice', 'pin')();
  assert.ok(E.isRight(record) && record.right !== undefined);
  const alice = (record as E.Right<NonNullable<(typeof record)['right']>>).right;
  assert.is(alice.consecutiveFailures, WORKERS * ROUNDS, 'no failure count lost');
  assert.is(alice.revision, WORKERS * ROUNDS + 1, 'one save per failure, plus the seed');
  const conflicts = workers.map((w) => Number(w.lines.find((l) => l.startsWith('done '))?.split(' ')[1]));
  assert.ok(conflicts.every(Number.isInteger), 'every worker finished');

  // Throttle: exactly LIMIT grants in all, each count 1..LIMIT handed out once.
  const grants = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('grant ')).map((l) => Number(l.split(' ')[1])));
  assert.equal(
    grants.sort((a, b) => a - b),
    Array.from({ length: LIMIT }, (_, i) => i + 1),
  );

  // Keys: for each subject, every worker saw the same key, and it is the stored one.
  for (let i = 0; i < SUBJECTS; i++) {
    const subject = `subject-${i}`;
    const seen = new Set(workers.flatMap((w) => w.lines.filter((l) => l.startsWith(`key ${subject} `)).map((l) => l.split(' ')[2])));
    const stored = await keys.keyFor(subject, false)();
    assert.ok(E.isRight(stored) && stored.right !== undefined, `${subject} has a key`);
    const digest = createHash('sha256')
      .update((stored as E.Right<Uint8Array>).right)
      .digest('hex');
    assert.equal([...seen], [digest], `${subject}: one key for all ${WORKERS} workers`);
  }
  const count = store.database.prepare('SELECT count(*) FROM personal_data_keys').pluck().get();
  assert.is(count, SUBJECTS, 'no extra key rows');
  console.log(`  (credential conflicts retried per worker: ${conflicts.join(', ')})`);
  await store.close();
});

test.run();
