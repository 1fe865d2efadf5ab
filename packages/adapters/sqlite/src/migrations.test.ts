import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSqliteEventStore, migrations, openSqliteEventStore, SCHEMA_VERSION } from './index.js';
import { migrateSchema } from './schema.js';
import { tempDir } from './testing/files.js';

const tmp = tempDir('migrations');
test.after(() => tmp.remove());

const meta = { actor: { kind: 'system', id: 'migration-test' }, channel: 'system' } as const;
const appliedVersions = (path: string) => {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
    applied_at: string;
  }[];
  db.close();
  return rows;
};

test('migrations are an ordered list with unique versions', () => {
  const versions = migrations.map((m) => m.version);
  assert.equal(
    versions,
    versions.map((_, i) => i + 1),
  );
  assert.is(SCHEMA_VERSION, versions.length);
});

test('a new file is created at the latest version; close and reopen keeps data and applies nothing again', async () => {
  const path = tmp.file('a/b/new.db');
  const first = createSqliteEventStore({ path });
  assert.ok(E.isRight(await first.append('phone-SEP1', 'no_stream', [{ type: 'Created', data: { n: 1 }, metadata: meta }])()));
  assert.ok(E.isRight(await first.checkpoints.save({ projection: 'p', version: 1, position: 1 })()));
  await first.close();
  const before = appliedVersions(path);
  assert.equal(
    before.map((r) => r.version),
    migrations.map((m) => m.version),
  );

  const again = createSqliteEventStore({ path });
  const read = await again.readStream('phone-SEP1')();
  assert.ok(E.isRight(read) && read.right.events[0]?.type === 'Created');
  const cp = await again.checkpoints.load('p')();
  assert.equal(E.isRight(cp) && cp.right, { projection: 'p', version: 1, position: 1 });
  // Positions continue after the reopen: never reused.
  const next = await again.append('phone-SEP1', 0, [{ type: 'Renamed', data: {}, metadata: meta }])();
  assert.is(E.isRight(next) && next.right.lastGlobalPosition, 2);
  await again.close();
  assert.equal(appliedVersions(path), before, 'nothing re-applied, applied_at unchanged');
});

test('a file at an old schema version is migrated on open, its events intact', async () => {
  const path = tmp.file('old.db');
  // Build a version-1 file the way an older release left it: events table only, one event written.
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  assert.ok(E.isRight(migrateSchema(old, '2026-01-01T00:00:00.000Z', 1)));
  old
    .prepare(
      'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      'user-alice',
      0,
      '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f',
      'UserCreated',
      '{"name":"alice"}',
      JSON.stringify(meta),
      1,
      '2026-01-01T00:00:00.000Z',
    );
  assert.is(old.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'checkpoints'").pluck().get(), 0);
  old.close();
  assert.equal(
    appliedVersions(path).map((r) => r.version),
    [1],
  );

  const store = createSqliteEventStore({ path });
  assert.equal(
    appliedVersions(path).map((r) => r.version),
    migrations.map((m) => m.version),
  );
  const read = await store.readStream('user-alice')();
  assert.ok(E.isRight(read));
  if (E.isRight(read)) {
    assert.is(read.right.currentVersion, 0);
    assert.equal(read.right.events[0]?.data, { name: 'alice' });
    assert.is(read.right.events[0]?.globalPosition, 1);
  }
  // The table added by migration 2 works.
  assert.ok(E.isRight(await store.checkpoints.save({ projection: 'users', version: 1, position: 1, state: { n: 1 } })()));
  const appended = await store.append('user-alice', 0, [{ type: 'UserRenamed', data: {}, metadata: meta }])();
  assert.is(E.isRight(appended) && appended.right.lastGlobalPosition, 2);
  await store.close();
});

test('a file from a NEWER schema version is refused, not touched', () => {
  const path = tmp.file('newer.db');
  const db = new Database(path);
  assert.ok(E.isRight(migrateSchema(db, '2026-01-01T00:00:00.000Z')));
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 5, 'future', 'later');
  db.close();
  const r = openSqliteEventStore({ path });
  assert.ok(E.isLeft(r));
  if (E.isLeft(r)) {
    assert.is(r.left.code, 'store_unavailable');
    assert.is(r.left._tag === 'StoreUnavailable' && r.left.retryable, false);
    assert.match(r.left.message, /newer than this adapter supports/);
  }
  assert.is(appliedVersions(path).length, SCHEMA_VERSION + 1);
});

test('a file that is not a database is refused with store_unavailable', () => {
  const path = tmp.file('garbage.db');
  const text = 'this is not a SQLite database, just text that is long enough to have a header'.repeat(20);
  writeFileSync(path, text);
  const r = openSqliteEventStore({ path });
  assert.ok(E.isLeft(r) && r.left.code === 'store_unavailable');
  assert.throws(() => createSqliteEventStore({ path }), /not a database/);
  assert.is(readFileSync(path, 'utf8'), text, 'the file is left as it was');
});

test('a path that is a directory, or under a file, is refused with store_unavailable', () => {
  const r = openSqliteEventStore({ path: tmp.dir });
  assert.ok(E.isLeft(r) && r.left.code === 'store_unavailable', 'directory');
  const file = tmp.file('plain-file');
  writeFileSync(file, 'x');
  const under = openSqliteEventStore({ path: `${file}/events.db` });
  assert.ok(E.isLeft(under) && under.left.code === 'store_unavailable', 'under a file');
});

test('bad options are refused naming the option', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ path: '' }, 'path'],
    [{ path: 42 }, 'path'],
    [{ path: tmp.file('x.db'), busyTimeoutMs: -1 }, 'busyTimeoutMs'],
    [{ path: tmp.file('x.db'), pollIntervalMs: 0 }, 'pollIntervalMs'],
    [{ path: tmp.file('x.db'), pollIntervalMs: 1.5 }, 'pollIntervalMs'],
    [{ path: tmp.file('x.db'), synchronous: 'off' }, 'synchronous'],
  ];
  for (const [options, field] of cases) {
    const r = openSqliteEventStore(options as never);
    assert.ok(E.isLeft(r) && r.left.code === 'invalid_store_options' && r.left.field === field, field);
  }
});

test.run();
