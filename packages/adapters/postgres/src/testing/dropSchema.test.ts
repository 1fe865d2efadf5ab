import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPostgresEventStore } from '../index.js';
import { type TestDatabase, useTestDatabase } from './server.js';
import { untilWaitingOnLock } from './wait.js';

// The tests' clean-up (dropSchema.ts) must neither deadlock with what still runs in a schema nor
// touch what runs in another test's schema on the same server.

const test = suite<{ db: TestDatabase }>('test schema clean-up');
useTestDatabase(test);

const migrated = async (db: TestDatabase, prefix: string) => {
  const schema = db.freshSchema(prefix);
  const store = createPostgresEventStore({ connectionString: db.config, schema });
  assert.ok(E.isRight(await store.append('x', 'no_stream', testEvents(1))()));
  await store.close();
  return schema;
};

test('dropSchema ends the transactions still working in the schema, and only those', async ({ db }) => {
  const doomed = await migrated(db, 'drop');
  const other = await migrated(db, 'keep');
  const [holder, waiter, neighbour] = [new pg.Client(db.config), new pg.Client(db.config), new pg.Client(db.config)];
  for (const c of [holder, waiter, neighbour]) c.on('error', () => undefined);
  try {
    await Promise.all([holder.connect(), waiter.connect(), neighbour.connect()]);
    const pidOf = async (c: pg.Client) => Number((await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const [holderPid, waiterPid, neighbourPid] = [await pidOf(holder), await pidOf(waiter), await pidOf(neighbour)];
    // Idle in a transaction holding a row lock, and a statement queued behind it: what a test that
    // gave up on a call leaves behind.
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "${doomed}".streams FOR UPDATE`);
    const waiting = waiter.query(`UPDATE "${doomed}".streams SET version = version`).catch(() => undefined);
    await untilWaitingOnLock(db.admin, `UPDATE "${doomed}".streams`, 'the waiter to queue on the lock');
    // Another test's transaction, in its own schema.
    await neighbour.query('BEGIN');
    await neighbour.query(`SELECT 1 FROM "${other}".streams FOR UPDATE`);

    await db.dropSchema(doomed);
    const gone = await db.admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [doomed]);
    assert.is(gone.rowCount, 0, 'the schema is dropped');
    await waiting;
    const left = await db.admin.query('SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])', [
      [holderPid, waiterPid, neighbourPid],
    ]);
    assert.equal(
      left.rows.map((r) => r.pid),
      [neighbourPid],
      'the holder and the waiter are gone, the neighbour is not',
    );
    // The neighbour's transaction is untouched: still open, still holding its lock.
    const still = await neighbour.query('SELECT count(*) AS n FROM pg_locks WHERE pid = pg_backend_pid() AND granted');
    assert.ok(Number(still.rows[0].n) > 0, "the other schema's transaction lives on");
    await neighbour.query('COMMIT');
  } finally {
    for (const c of [holder, waiter, neighbour]) await c.end().catch(() => undefined);
    await db.dropSchema(doomed);
    await db.dropSchema(other);
  }
});

test.run();
