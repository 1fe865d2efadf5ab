import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore, LATEST_SCHEMA_VERSION, migrate } from './index.js';
import { type TestDatabase, useTestDatabase } from './testing/server.js';

const test = suite<{ db: TestDatabase; schema: string }>('schema migrations');
useTestDatabase(test);

test.before.each((ctx) => {
  ctx.schema = ctx.db.freshSchema('mig');
});
test.after.each(async (ctx) => {
  await ctx.db.dropSchema(ctx.schema);
});

const recorded = async (db: TestDatabase, schema: string) =>
  (await db.admin.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows.map((r) => r.version as number);

test('the first use creates the schema; running the migrations again changes nothing', async ({ db, schema }) => {
  const pool = new pg.Pool({ ...db.config, max: 2 });
  try {
    const first = await migrate(pool, schema, 'test');
    assert.equal(first, E.right(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1)));
    const tables = await db.admin.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema]);
    assert.equal(
      tables.rows.map((r) => r.tablename),
      [
        'checkpoints',
        'credentials',
        'events',
        'personal_data_keys',
        'personal_data_subjects',
        'schema_migrations',
        'streams',
        'throttle_attempts',
        'throttle_keys',
      ],
    );
    for (let i = 0; i < 3; i++) assert.equal(await migrate(pool, schema, 'test'), E.right([]));
    assert.equal(
      await recorded(db, schema),
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  } finally {
    await pool.end();
  }
});

test('many stores starting at once on a new schema: each migration applied exactly once, all usable', async ({ db, schema }) => {
  const pools = Array.from({ length: 6 }, () => new pg.Pool({ ...db.config, max: 1 }));
  try {
    const results = await Promise.all(pools.map((p) => migrate(p, schema, 'test')));
    const applied = results.map((r): readonly number[] => {
      if (E.isLeft(r)) assert.unreachable(r.left.message);
      return E.isRight(r) ? r.right : [];
    });
    assert.is(applied.filter((a) => a.length > 0).length, 1, 'one caller applied the migrations');
    assert.equal(
      applied.flat().sort(),
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    assert.equal(
      await recorded(db, schema),
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
  // The stores' own lazy migration, racing too, then appending at once.
  const stores = Array.from({ length: 4 }, () => createPostgresEventStore({ connectionString: db.config, schema: `${schema}_b` }));
  try {
    const appends = await Promise.all(stores.map((s, i) => s.append(`m-${i}`, 'no_stream', testEvents(1))()));
    for (const r of appends) assert.ok(E.isRight(r));
    assert.equal(
      await recorded(db, `${schema}_b`),
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  } finally {
    for (const s of stores) await s.close();
    await db.dropSchema(`${schema}_b`);
  }
});

test('a schema newer than the code is refused with a typed, non-retryable error', async ({ db, schema }) => {
  const store = createPostgresEventStore({ connectionString: db.config, schema });
  assert.ok(E.isRight(await store.ready()()));
  await store.close();
  await db.admin.query(`INSERT INTO "${schema}".schema_migrations (version, description) VALUES (999, 'from the future')`);
  const later = createPostgresEventStore({ connectionString: db.config, schema });
  const r = await later.append('x', 'any', testEvents(1))();
  assert.ok(E.isLeft(r));
  const e = (r as E.Left<{ code: string; message: string; retryable?: boolean }>).left;
  assert.is(e.code, 'store_unavailable');
  assert.is(e.retryable, false);
  assert.match(e.message, /version 999, newer than this code/);
  await later.close();
});

test('a user who may not create anything can use an up-to-date schema', async ({ db, schema }) => {
  const owner = createPostgresEventStore({ connectionString: db.config, schema });
  assert.ok(E.isRight(await owner.ready()()));
  await owner.close();
  const role = `app_${schema}`;
  await db.admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'app-pw'`);
  try {
    // A new role has no CREATE on the database (so no CREATE SCHEMA) by default; give it only data rights.
    await db.admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`);
    await db.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
    await db.admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${role}`);
    const app = createPostgresEventStore({ connectionString: { ...db.config, user: role, password: 'app-pw' }, schema });
    try {
      const r = await app.append('least-privilege', 'no_stream', testEvents(2))();
      assert.ok(E.isRight(r), E.isLeft(r) ? r.left.message : '');
    } finally {
      await app.close();
    }
  } finally {
    await db.admin.query(`DROP OWNED BY ${role}`);
    await db.admin.query(`DROP ROLE ${role}`);
  }
});

test.run();
