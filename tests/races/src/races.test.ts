import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoData } from '@selfprov/app';
import { acquire, release } from '@selfprov/store-postgres/testing';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLUSTER, checkAcks, checkLog, demoLimits, type Line, open, readLog, startWorker, within } from './support.js';

// Four OS processes share one store. Phase 1: 4 x 30 MACs auto-register concurrently into the
// 100-number range 1000-1099. Phase 2: each provisions 5 of its phones to alice, 3 to bob and 1 to
// dave (whose profile refuses). Phase 3: the exhausted MACs try again, taking the DNs phase 2 freed.
// The parent releases each phase only when all four finished the previous one, so the expected
// counts are exact; inside a phase the processes race freely (two commands in flight each).

const WORKERS = 4;
const MACS = 30;
const RANGE = Array.from({ length: 100 }, (_, i) => String(1000 + i));

const race = async (storeUrl: string) => {
  const seeder = await open(storeUrl);
  const seeded = await seedDemoData(seeder);
  assert.ok(E.isRight(seeded), JSON.stringify(seeded));
  await seeder.close();

  const workers = Array.from({ length: WORKERS }, (_, w) => startWorker('race', w + 1, storeUrl));
  const stuck = (what: string) => () =>
    `${what}: ${workers.map((w, i) => `worker ${i + 1}: ${w.lines.length} lines, last ${JSON.stringify(w.lines.at(-1))}`).join('; ')}`;
  const phase = async (word: string, n: number) => {
    for (const w of workers) w.send(word);
    await within(Promise.all(workers.map((w) => w.until((l) => l.kind === 'done' && l.phase === n))), 60_000, stuck(`phase ${n}`));
  };
  try {
    await within(Promise.all(workers.map((w) => w.until((l) => l.kind === 'ready'))), 60_000, stuck('start'));
    await phase('go', 1);
    await phase('go2', 2);
    await phase('go3', 3);
    for (const w of workers) {
      const end = await within(w.exited, 60_000, stuck('exit after phase 3'));
      assert.is(end.code, 0, end.stderr);
    }
  } finally {
    // A failed or stuck run must not leave processes behind (they would keep the test runner alive).
    for (const w of workers) w.kill();
  }
  const acks: Line[] = workers.flatMap((w) => w.lines);
  const autoregs1 = acks.filter((l) => l.kind === 'autoreg' && l.commandId?.endsWith(':1'));
  const provisions = acks.filter((l) => l.kind === 'provision');
  const autoregs2 = acks.filter((l) => l.kind === 'autoreg' && l.commandId?.endsWith(':2'));

  // Phase 1: exactly the range size succeeds, each number once; the rest find the range exhausted.
  assert.is(autoregs1.length, WORKERS * MACS);
  const won = autoregs1.filter((l) => l.ok);
  assert.equal(won.map((l) => l.dn).sort(), RANGE);
  assert.equal([...new Set(autoregs1.filter((l) => !l.ok).map((l) => l.code))], ['dn_range_exhausted']);
  assert.is(autoregs1.length - won.length, WORKERS * MACS - RANGE.length);

  // Phase 2: alice and bob get at most their limit (exactly, when asked often enough); dave nothing.
  const outcome = (userId: string) => provisions.filter((l) => l.userId === userId);
  for (const userId of ['alice', 'bob'] as const) {
    const asked = outcome(userId);
    const got = asked.filter((l) => l.ok);
    assert.is(got.length, Math.min(demoLimits[userId], asked.length), `${userId}: ${JSON.stringify(asked.map((l) => l.code ?? 'ok'))}`);
    for (const l of asked) if (!l.ok) assert.is(l.code, 'provisioning_limit_reached');
  }
  assert.ok(outcome('alice').length >= 10, 'enough attempts for alice to reach her limit');
  assert.ok(outcome('dave').length > 0);
  for (const l of outcome('dave')) assert.is(l.code, 'self_provisioning_not_allowed');

  // Phase 3: the DNs freed by provisioning go to the waiting MACs, each once.
  const freed = provisions.filter((l) => l.ok).map((l) => l.released);
  const retried = autoregs2.filter((l) => l.ok);
  assert.is(autoregs2.length, WORKERS * MACS - RANGE.length);
  assert.is(retried.length, Math.min(autoregs2.length, freed.length));
  assert.is(new Set(retried.map((l) => l.dn)).size, retried.length);
  for (const l of retried) assert.ok(freed.includes(l.dn), `${l.dn} was not freed`);

  // From the store, read by a fresh process-like instance.
  const reader = await open(storeUrl);
  try {
    const log = await readLog(reader.events);
    const facts = checkLog(log, demoLimits);
    checkAcks(facts, acks);
    // Every phone reservation is an acknowledged auto-registration (no unacknowledged write slipped in).
    const acknowledged = [...won, ...retried].map((l) => `${l.dn}/${l.deviceName}`).sort();
    assert.equal(facts.phoneReservations.map((r) => `${r.dn}/${r.deviceName}`).sort(), acknowledged);
    assert.equal(
      facts.phoneReservations
        .slice(0, RANGE.length)
        .map((r) => r.dn)
        .sort(),
      RANGE,
    );
    assert.is(facts.users.get('alice')?.size, 10);
    // The rebuilt read models agree with the log.
    const sp = reader.selfProvisioning;
    const alicePhones = await sp.phonesOf('alice')();
    assert.ok(E.isRight(alicePhones));
    if (E.isRight(alicePhones))
      assert.equal(alicePhones.right.map((p) => p.deviceName).sort(), [...(facts.users.get('alice') ?? [])].sort());
    const free = await sp.freeDirectoryNumbers(CLUSTER)();
    assert.ok(E.isRight(free));
    if (E.isRight(free))
      assert.equal(
        free.right,
        RANGE.filter((dn) => !facts.held.has(dn)),
      );
    return { events: log.length, acks: acks.length, retries: acks.filter((l) => l.kind === 'retry').length };
  } finally {
    await reader.close();
  }
};

test('4 processes on one SQLite file: no DN held twice, no user over the limit, no event lost or duplicated', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-races-'));
  try {
    const r = await race(`sqlite:${join(dir, 'events.db')}`);
    console.log(`  sqlite: ${r.events} events checked; ${r.retries} concurrent_modification answers retried by the workers`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('4 processes on one PostgreSQL schema: the same guarantees', async () => {
  const db = await acquire();
  try {
    const url = new URL(db.url);
    url.searchParams.set('schema', db.freshSchema('races'));
    const r = await race(url.toString());
    console.log(`  postgres: ${r.events} events checked; ${r.retries} concurrent_modification answers retried by the workers`);
  } finally {
    await release();
  }
});

test.run();
