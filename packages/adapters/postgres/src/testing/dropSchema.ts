/**
 * Drops a test's schema without ever deadlocking with what is still running in it.
 *
 * A test may end while the server still works for it: a transaction whose client gave up (a query
 * timeout), a holder connection not yet gone, a worker process. Such a backend holds row locks and
 * relation locks in the schema, and a `DROP SCHEMA ... CASCADE` that waits on it can deadlock with it
 * (groupCommit.test.ts did, on a loaded machine). So the drop first ends exactly those backends, then
 * drops under a `lock_timeout`, and retries a drop that still meets a lock or a deadlock, a bounded
 * number of times, before failing with the backends that stood in the way.
 *
 * "Exactly those": backends of this database, other than the dropping session, that hold or await a
 * lock on a relation of the schema, or are inside a statement or transaction whose text names the
 * schema quoted (`"<schema>"`, as every statement of the store does: schema.ts `quoteIdent`). Test
 * schemas carry the process id and a counter (server.ts `freshSchema`), so no backend of another
 * test, in this process or another one sharing the server, matches. Idle connections hold no lock
 * and are left alone (a store still open on the schema keeps its pool).
 */
import type pg from 'pg';
import { sqlState } from '../errors.js';

/** Attempts of the drop, each after ending the backends in the way (so at most DROP_ATTEMPTS - 1 retries). */
export const DROP_ATTEMPTS = 6;
/** How long one attempt of the drop may wait for a lock before it is retried. */
const DROP_LOCK_TIMEOUT_MS = 2000;
/** Generous: a terminated backend exits within milliseconds unless the machine is starved. */
const BACKEND_EXIT_DEADLINE_MS = 20_000;
/** Backoff before attempt n (n >= 2): 100 ms, 200 ms, 400 ms, ... */
const BACKOFF_MS = 100;

interface Backend {
  readonly pid: number;
  readonly application_name: string;
  readonly state: string | null;
  readonly query: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const backendsIn = async (admin: pg.Pool, schema: string): Promise<Backend[]> =>
  (
    await admin.query<Backend>(
      `SELECT a.pid, a.application_name, a.state, left(a.query, 160) AS query
         FROM pg_stat_activity a
        WHERE a.pid <> pg_backend_pid() AND a.datname = current_database()
          AND (EXISTS (SELECT 1 FROM pg_locks l
                         JOIN pg_class c ON c.oid = l.relation
                         JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE l.pid = a.pid AND n.nspname = $1
                          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
               OR (a.state <> 'idle' AND strpos(a.query, $2) > 0))`,
      [schema, `"${schema}"`],
    )
  ).rows;

/** Ends the backends working in `schema` and waits until they are gone (or the deadline passes). */
const endBackendsIn = async (admin: pg.Pool, schema: string): Promise<void> => {
  const pids = (await backendsIn(admin, schema)).map((b) => b.pid);
  if (pids.length === 0) return;
  // All in one statement, waiters first: a waiter signalled only after its lock holder has gone would
  // first run on (and might take new locks). One by one if that fails (a backend we may not signal).
  const all = await admin
    .query(
      `SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a WHERE a.pid = ANY($1::int[])
        ORDER BY (a.wait_event_type = 'Lock') DESC NULLS LAST`,
      [pids],
    )
    .then(
      () => true,
      () => false,
    );
  if (!all) for (const pid of pids) await admin.query('SELECT pg_terminate_backend($1)', [pid]).catch(() => undefined);
  const deadline = Date.now() + BACKEND_EXIT_DEADLINE_MS;
  while (Date.now() < deadline) {
    const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
    if (Number(rows[0]?.n) === 0) return;
    await sleep(10);
  }
};

const dropOnce = async (admin: pg.Pool, schema: string): Promise<void> => {
  const client = await admin.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${DROP_LOCK_TIMEOUT_MS}`);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw cause;
  } finally {
    client.release();
  }
};

/** Drops `schema` (and everything in it); throws, naming what blocked it, if it cannot within the bounded retries. */
export const dropTestSchema = async (admin: pg.Pool, schema: string): Promise<void> => {
  let last: unknown;
  for (let attempt = 1; attempt <= DROP_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(BACKOFF_MS * 2 ** (attempt - 2));
    await endBackendsIn(admin, schema);
    try {
      await dropOnce(admin, schema);
      return;
    } catch (cause) {
      // 40P01 deadlock_detected, 55P03 lock_not_available (the lock_timeout): something came back in between.
      const code = sqlState(cause);
      if (code !== '40P01' && code !== '55P03') throw cause;
      last = cause;
    }
  }
  const blockers = await backendsIn(admin, schema).catch(() => []);
  const why = last instanceof Error ? last.message : String(last);
  throw new Error(
    `could not drop test schema "${schema}" in ${DROP_ATTEMPTS} attempts (last: ${sqlState(last)} ${why}); backends still in it: ${
      blockers.length === 0
        ? 'none'
        : blockers.map((b) => `pid ${b.pid} (${b.application_name || 'no application_name'}, ${b.state}): ${b.query}`).join('; ')
    }`,
  );
};
