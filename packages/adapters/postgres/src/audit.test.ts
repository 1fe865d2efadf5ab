// Hash chains on PostgreSQL: raw SQL tampering with the tables is detected by `verifyStore` (the
// testkit's tampering suite), and events recorded before the schema had chains are hashed by
// migration 3, so an upgraded store verifies and keeps chaining.
import { type RecordedEvent, verifyStore } from '@selfprov/core';
import { defineTamperingSuite, testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { toAppendArgs } from './appendSql.js';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { acquire, release, type TestDatabase, useTestDatabase } from './testing/server.js';

let db: TestDatabase | undefined;
const schemaOf = (store: unknown) => `"${(store as PostgresEventStore).schema}"`;
const sql = async (text: string, values: unknown[] = []) => {
  if (!db) throw new Error('no database');
  await db.admin.query(text, values);
};

const tampering = defineTamperingSuite('postgres (raw SQL on the tables)', {
  create: async () => {
    db ??= await acquire();
    return createPostgresEventStore({ connectionString: db.config, schema: db.freshSchema('tamper') });
  },
  dispose: async (store) => {
    await db?.dropSchema((store as PostgresEventStore).schema);
  },
  editData: (store, position, from, to) =>
    sql(`UPDATE ${schemaOf(store)}.events SET data = replace(data::text, $2, $3)::json WHERE global_position = $1`, [position, from, to]),
  deleteEvent: (store, position) => sql(`DELETE FROM ${schemaOf(store)}.events WHERE global_position = $1`, [position]),
  swapPositions: async (store, a, b) => {
    const s = schemaOf(store);
    await sql(`UPDATE ${s}.events SET global_position = -1 WHERE global_position = $1`, [a]);
    await sql(`UPDATE ${s}.events SET global_position = $1 WHERE global_position = $2`, [a, b]);
    await sql(`UPDATE ${s}.events SET global_position = $1 WHERE global_position = -1`, [b]);
  },
  insertEvent: async (store, forged) => {
    const s = schemaOf(store);
    const where = `stream_key = (SELECT stream_key FROM ${s}.streams WHERE stream_id = $1)`;
    // Two steps, so the unique (stream, version) index never sees two rows at one version.
    await sql(`UPDATE ${s}.events SET stream_version = stream_version + 1000000 WHERE ${where} AND stream_version >= $2`, [
      forged.streamId,
      forged.streamVersion,
    ]);
    await sql(`UPDATE ${s}.events SET stream_version = stream_version - 999999 WHERE ${where} AND stream_version >= 1000000`, [
      forged.streamId,
    ]);
    await sql(
      `INSERT INTO ${s}.events (global_position, stream_key, stream_id, stream_version, event_id, type, schema_version, data, metadata,
                                occurred_at, prev_hash, hash)
       SELECT $1, stream_key, $2, $3, $4, $5, $6, $7::json, $8::json, $9, $10, $11 FROM ${s}.streams WHERE stream_id = $2`,
      [
        forged.globalPosition,
        forged.streamId,
        forged.streamVersion,
        forged.eventId,
        forged.type,
        forged.schemaVersion,
        JSON.stringify(forged.data),
        JSON.stringify(forged.metadata),
        forged.occurredAt,
        forged.prevHash,
        forged.hash,
      ],
    );
  },
  // Per operation (the suite's default is 10 s): only a hang should reach it, even on a loaded machine.
  timeoutMs: 30_000,
});
tampering.after(async () => {
  if (db) await release();
  db = undefined;
});
tampering.run();

const upgrade = suite<{ db: TestDatabase }>('postgres: migration 3 hashes the events recorded before hash chains');
useTestDatabase(upgrade);

upgrade('a version-2 log is chained by the upgrade, verifies, and new appends continue its chains', async ({ db }) => {
  const schema = db.freshSchema('upgrade');
  const s = `"${schema}"`;
  const client = await db.admin.connect();
  try {
    // The schema as version 2 left it, written through version 1's append function (10 parameters).
    await client.query(`CREATE SCHEMA ${s}`);
    await client.query(
      `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
      await client.query(m.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, description) VALUES ($1, $2)`, [m.version, m.description]);
    }
    const prepared = (stream: string, n: number, tag: string) => ({
      streamId: stream,
      expected: 'any' as const,
      events: testEvents(n, tag).map((e, i) => ({
        ...e,
        eventId: `${tag === 'A' ? 'a' : 'b'}0000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        schemaVersion: 1,
        occurredAt: '2026-03-01T09:00:00.000Z',
      })),
    });
    for (const request of [prepared('legacy-a', 3, 'A'), prepared('legacy-b', 2, 'B')]) {
      const args = toAppendArgs([request]).slice(0, 10);
      await client.query(
        `SELECT ${s}.append($1::text[], $2::text[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])`,
        args as unknown as unknown[],
      );
    }
  } finally {
    client.release();
  }
  const store = createPostgresEventStore({ connectionString: db.config, schema });
  try {
    const more = await store.append('legacy-a', 2, testEvents(2, 'New'))();
    assert.ok(E.isRight(more), E.isLeft(more) ? more.left.message : '');
    const events = (await store.readStream('legacy-a')()) as E.Right<{ events: readonly RecordedEvent[] }>;
    assert.equal(
      events.right.events.map((e) => e.type),
      ['A0', 'A1', 'A2', 'New0', 'New1'],
    );
    for (let i = 1; i < 5; i++) assert.is(events.right.events[i]?.prevHash, events.right.events[i - 1]?.hash, `link ${i}`);
    const report = await verifyStore(store)();
    assert.ok(E.isRight(report) && report.right.ok, JSON.stringify(report));
    assert.is(E.isRight(report) && report.right.events, 7);
  } finally {
    await store.close();
    await db.dropSchema(schema);
  }
});

upgrade.run();
