// Hash chains on SQLite: raw SQL tampering with the file is detected by `verifyStore` (the testkit's
// tampering suite), and events recorded before the file had chains are hashed by migration 6, so an
// upgraded file verifies and keeps chaining.
import { type RecordedEvent, verifyStore } from '@selfprov/core';
import { defineTamperingSuite } from '@selfprov/core/testkit';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, type SqliteEventStore } from './index.js';
import { migrateSchema } from './schema.js';
import { removeDatabase, tempDir } from './testing/files.js';

const tmp = tempDir('audit');
let n = 0;
const db = (store: unknown) => (store as SqliteEventStore).database;

const tampering = defineTamperingSuite('sqlite (raw SQL on the file)', {
  create: async () => {
    n += 1;
    return createSqliteEventStore({ path: tmp.file(`tamper-${n}.db`) });
  },
  dispose: async (store) => removeDatabase((store as SqliteEventStore).path),
  editData: async (store, position, from, to) => {
    db(store).prepare('UPDATE events SET data = replace(data, ?, ?) WHERE position = ?').run(from, to, position);
  },
  deleteEvent: async (store, position) => {
    db(store).prepare('DELETE FROM events WHERE position = ?').run(position);
  },
  swapPositions: async (store, a, b) => {
    const move = db(store).prepare('UPDATE events SET position = ? WHERE position = ?');
    db(store).transaction(() => {
      move.run(-1, a);
      move.run(a, b);
      move.run(b, -1);
    })();
  },
  insertEvent: async (store, forged) => {
    const d = db(store);
    d.transaction(() => {
      // Two steps, so the unique (stream, version) index never sees two rows at one version.
      d.prepare('UPDATE events SET stream_version = stream_version + 1000000 WHERE stream_id = ? AND stream_version >= ?').run(
        forged.streamId,
        forged.streamVersion,
      );
      d.prepare('UPDATE events SET stream_version = stream_version - 999999 WHERE stream_id = ? AND stream_version >= 1000000').run(
        forged.streamId,
      );
      d.prepare(
        `INSERT INTO events (position, stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        forged.globalPosition,
        forged.streamId,
        forged.streamVersion,
        forged.eventId,
        forged.type,
        JSON.stringify(forged.data),
        JSON.stringify(forged.metadata),
        forged.schemaVersion,
        forged.occurredAt,
        forged.prevHash,
        forged.hash,
      );
    })();
  },
});
tampering.run();

const upgrade = suite('sqlite: migration 6 hashes the events recorded before hash chains');
upgrade.after(() => tmp.remove());

upgrade('a version-5 file is chained on open, verifies, and new appends continue its chains', async () => {
  const path = tmp.file('v5.db');
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  assert.ok(E.isRight(migrateSchema(old, '2026-03-01T00:00:00.000Z', 5)));
  const insert = old.prepare(
    'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const meta = JSON.stringify({ actor: { kind: 'system', id: 'v5' }, channel: 'system' });
  // Interleaved, as a real log: a0 b0 a1 b1 a2.
  for (const [stream, version] of [
    ['legacy-a', 0],
    ['legacy-b', 0],
    ['legacy-a', 1],
    ['legacy-b', 1],
    ['legacy-a', 2],
  ] as const)
    insert.run(
      stream,
      version,
      `00000000-0000-4000-8000-0000000000${stream.endsWith('a') ? 'a' : 'b'}${version}`,
      `E${version}`,
      JSON.stringify({ version }),
      meta,
      1,
      '2026-03-01T09:00:00.000Z',
    );
  old.close();

  const store = createSqliteEventStore({ path });
  try {
    const more = await store.append('legacy-a', 2, [
      { type: 'New', data: {}, metadata: { actor: { kind: 'system', id: 'v6' }, channel: 'system' } },
    ])();
    assert.ok(E.isRight(more), E.isLeft(more) ? more.left.message : '');
    const read = (await store.readStream('legacy-a')()) as E.Right<{ events: readonly RecordedEvent[] }>;
    const events = read.right.events;
    assert.equal(
      events.map((e) => e.type),
      ['E0', 'E1', 'E2', 'New'],
    );
    assert.is(events[0]?.prevHash, null);
    for (let i = 1; i < events.length; i++) assert.is(events[i]?.prevHash, events[i - 1]?.hash, `link ${i}`);
    const report = await verifyStore(store)();
    assert.ok(E.isRight(report) && report.right.ok, JSON.stringify(report));
    assert.is(E.isRight(report) && report.right.events, 6);
  } finally {
    await store.close();
  }
});

upgrade('an event whose JSON was broken is reported as unreadable at its position; verification goes on past it', async () => {
  const store = createSqliteEventStore({ path: tmp.file('broken.db') });
  try {
    for (let i = 0; i < 5; i++)
      await store.append(`s-${i % 2}`, 'any', [
        { type: 'E', data: { i }, metadata: { actor: { kind: 'system', id: 't' }, channel: 'system' } },
      ])();
    store.database.prepare("UPDATE events SET data = '{broken' WHERE position = 3").run();
    const report = await verifyStore(store, { pageSize: 2 })();
    if (E.isLeft(report)) return assert.unreachable(report.left.message);
    assert.not.ok(report.right.ok);
    assert.is(report.right.problems[0]?.kind, 'unreadable');
    assert.is(report.right.problems[0]?.globalPosition, 3);
    assert.is(report.right.events, 4, 'every other event was still read and checked');
  } finally {
    await store.close();
  }
});

upgrade.run();
