import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, migrations } from './index.js';
import { spawnScript } from './testing/children.js';
import { tempDir } from './testing/files.js';
import { byStream, readEverything } from './testing/readEverything.js';

const WORKERS = 4;
const ROUNDS = 300;
const DNS = 100;
const tmp = tempDir('race');

test.after(() => tmp.remove());

test(`${WORKERS} processes race on one NEW file: nothing lost, doubled or reordered; each DN won once`, async () => {
  const path = tmp.file('shared/events.db');
  const workers = Array.from({ length: WORKERS }, (_, w) =>
    spawnScript('testing/raceWorker.ts', [path, String(w), String(ROUNDS), String(DNS)]),
  );
  // Barrier: every worker is loaded before any opens the (not yet existing) file, so they create,
  // migrate and write it at the same time.
  await Promise.all(workers.map((w) => w.waitFor((l) => l === 'ready')));
  for (const w of workers) w.process.stdin.end('go\n');
  const exits = await Promise.all(workers.map((w) => w.closed));
  exits.forEach((x, w) => {
    const errors = workers[w]?.lines.filter((l) => l.startsWith('error')) ?? [];
    assert.is(x.code, 0, `worker ${w} exited with ${x.code ?? x.signal}: ${errors.join('; ')} ${x.stderr.slice(-1500)}`);
  });

  // What the workers were told was written.
  const acked = new Map<string, string>();
  const ack = (eventId: string | undefined, streamId: string) => {
    assert.ok(eventId && !acked.has(eventId), `event id ${eventId} acknowledged twice`);
    acked.set(eventId as string, streamId);
  };
  const winners = new Map<string, number[]>();
  let lost = 0;
  workers.forEach((w, worker) => {
    for (const line of w.lines) {
      const [kind, a, b, c] = line.split(' ');
      if (kind === 'ack') ack(b, a as string);
      else if (kind === 'won') {
        ack(b, a as string);
        ack(c, `phone-w${worker}`);
        winners.set(a as string, [...(winners.get(a as string) ?? []), worker]);
      } else if (kind === 'lost') lost += 1;
    }
  });
  assert.is([...acked.values()].filter((s) => s.startsWith('counter-')).length, WORKERS * ROUNDS, 'every counter append was acknowledged');

  const db = new Database(path, { readonly: true });
  assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();

  const store = createSqliteEventStore({ path });
  const all = await readEverything(store, 128);
  // Global positions: strictly increasing, no duplicate.
  for (let i = 1; i < all.length; i++) assert.ok((all[i]?.globalPosition ?? 0) > (all[i - 1]?.globalPosition ?? 0), `position at ${i}`);
  // Every acknowledged append present exactly once, and nothing else was written.
  const seen = new Map<string, number>();
  for (const e of all) seen.set(e.eventId, (seen.get(e.eventId) ?? 0) + 1);
  for (const [eventId, streamId] of acked) {
    assert.is(seen.get(eventId), 1, `acknowledged event ${eventId} in ${streamId}`);
  }
  assert.is(all.length, acked.size, 'no event that was not acknowledged');
  // Every stream: versions 0..n-1 in global order, matching readStream.
  for (const [streamId, events] of byStream(all)) {
    assert.equal(
      events.map((e) => e.streamVersion),
      events.map((_, i) => i),
      `versions of ${streamId}`,
    );
    const read = await store.readStream(streamId)();
    assert.ok(read._tag === 'Right' && read.right.events.length === events.length, `readStream ${streamId}`);
    for (const e of events) assert.is(acked.get(e.eventId), streamId, `event ${e.eventId} is where it was acknowledged`);
  }
  // Each DN won by exactly one process; its phone stream holds exactly the lines of the DNs it won.
  const streams = byStream(all);
  for (let n = 0; n < DNS; n++) {
    const dn = `dn-${1000 + n}`;
    const won = winners.get(dn) ?? [];
    assert.is(won.length, 1, `${dn} won by ${JSON.stringify(won)}`);
    const events = streams.get(dn) ?? [];
    assert.is(events.length, 1, `${dn} reserved once`);
    assert.is((events[0]?.data as { worker?: number } | undefined)?.worker, won[0]);
  }
  assert.is(lost, DNS * (WORKERS - 1), 'every other attempt lost its DN');
  const retried = workers.map((w) => Number(w.lines.find((l) => l.startsWith('done '))?.split(' ')[1]));
  assert.ok(retried.every(Number.isInteger), 'every worker finished its rounds');
  console.log(`  (optimistic conflicts retried per worker: ${retried.join(', ')})`);
  for (let w = 0; w < WORKERS; w++) {
    const lines = (streams.get(`phone-w${w}`) ?? []).map((e) => (e.data as { dn?: string }).dn).sort();
    const mine = [...winners]
      .filter(([, ws]) => ws[0] === w)
      .map(([dn]) => dn)
      .sort();
    assert.equal(lines, mine, `phone-w${w} lines`);
  }
  await store.close();
});

test('several processes creating the same new file at once: one schema, every open succeeds', async () => {
  const OPENERS = 6;
  for (let round = 0; round < 3; round++) {
    const path = tmp.file(`open-${round}/events.db`);
    const openers = Array.from({ length: OPENERS }, (_, w) => spawnScript('testing/openWorker.ts', [path, String(w)]));
    await Promise.all(openers.map((o) => o.waitFor((l) => l === 'ready')));
    for (const o of openers) o.process.stdin.end('go\n');
    const exits = await Promise.all(openers.map((o) => o.closed));
    for (const [w, x] of exits.entries())
      assert.is(x.code, 0, `round ${round}, opener ${w}: ${openers[w]?.lines.join('; ')} ${x.stderr.slice(-1500)}`);
    const positions = openers.map((o) => Number(o.lines.find((l) => l.startsWith('ok '))?.split(' ')[1])).sort((a, b) => a - b);
    assert.equal(
      positions,
      Array.from({ length: OPENERS }, (_, i) => i + 1),
    );
    const db = new Database(path, { readonly: true });
    assert.equal(
      db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all(),
      migrations.map((m) => m.version),
      'each migration applied exactly once',
    );
    assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  }
});

test.run();
