import { testEvents } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sqlState } from '../errors.js';
import { createPostgresEventStore } from '../index.js';
import { DROP_ATTEMPTS, dropTestSchema } from './dropSchema.js';
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

/**
 * A pool to hand `dropTestSchema` that records the outcome of each DROP SCHEMA it sends ('ok' or the
 * SQLSTATE), and runs `onDropFailed` on a failed one before the drop sees the failure: a test can act
 * exactly between two attempts, never on a guess of when they happen.
 */
const recordingDrops = (db: TestDatabase, onDropFailed: (attempt: number) => Promise<void>) => {
  const drops: string[] = [];
  class Recording extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      const query = this.query.bind(this) as (...args: unknown[]) => unknown;
      (this as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const text = args[0];
        if (args.length !== 1 || typeof text !== 'string' || !text.startsWith('DROP SCHEMA')) return query(...args);
        return (query(text) as Promise<unknown>).then(
          (result) => {
            drops.push('ok');
            return result;
          },
          async (cause: unknown) => {
            drops.push(sqlState(cause) ?? String(cause));
            await onDropFailed(drops.length);
            throw cause;
          },
        );
      };
    }
  }
  const pool = new pg.Pool({ ...db.config, max: 2, application_name: 'selfprov-test-drop', Client: Recording });
  pool.on('error', () => undefined);
  return { pool, drops };
};

/**
 * Holds a lock DROP SCHEMA must wait for, from a backend dropSchema does not end: creating a table in
 * the schema, in a transaction left open, locks the schema itself (ACCESS SHARE on the namespace, the
 * object DROP SCHEMA locks exclusively). By dropSchema's rules this backend is not working in the
 * schema: the only relation it locks there is the new table, which no other session sees before it
 * commits, and its statement names the schema unquoted (the store always quotes it). So the drop can
 * only wait, meet its lock_timeout (55P03) and try again.
 */
const holdSchemaLock = async (holder: pg.Client, schema: string) => {
  await holder.query('BEGIN');
  await holder.query(`CREATE TABLE ${schema}.late_table (x int)`);
};

test('a drop that meets a lock timeout is retried, and succeeds once the lock is gone', async ({ db }) => {
  const schema = await migrated(db, 'retry');
  const holder = new pg.Client(db.config);
  holder.on('error', () => undefined);
  // After the first failed attempt, and before the next: the holder lets go.
  const recorded = recordingDrops(db, async (attempt) => {
    if (attempt === 1) await holder.query('ROLLBACK');
  });
  try {
    await holder.connect();
    await holdSchemaLock(holder, schema);
    await dropTestSchema(recorded.pool, schema);
    assert.equal(recorded.drops, ['55P03', 'ok'], 'one lock timeout, then the drop');
    const gone = await db.admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    assert.is(gone.rowCount, 0, 'the schema is dropped');
  } finally {
    await holder.end().catch(() => undefined);
    await recorded.pool.end().catch(() => undefined);
    await db.dropSchema(schema);
  }
});

test('a drop that meets the lock at every attempt gives up after its attempts, naming why', async ({ db }) => {
  const schema = await migrated(db, 'stuck');
  const holder = new pg.Client(db.config);
  holder.on('error', () => undefined);
  const recorded = recordingDrops(db, async () => undefined);
  try {
    await holder.connect();
    await holdSchemaLock(holder, schema);
    const failure = await dropTestSchema(recorded.pool, schema).then(
      () => undefined,
      (cause: unknown) => cause,
    );
    assert.instance(failure, Error, 'the drop fails');
    const message = (failure as Error).message;
    assert.ok(
      message.startsWith(
        `could not drop test schema "${schema}" in ${DROP_ATTEMPTS} attempts (last: 55P03 canceling statement due to lock timeout); backends still in it: `,
      ),
      message,
    );
    assert.equal(
      recorded.drops,
      Array.from({ length: DROP_ATTEMPTS }, () => '55P03'),
      'every attempt met the lock, none more were made',
    );
    const still = await db.admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    assert.is(still.rowCount, 1, 'the schema is still there');
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end().catch(() => undefined);
    await recorded.pool.end().catch(() => undefined);
    await db.dropSchema(schema);
  }
});

test.run();
