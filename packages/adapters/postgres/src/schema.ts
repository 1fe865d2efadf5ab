import { type StoreError, storeUnavailable } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Pool, PoolClient } from 'pg';
import { toStoreError } from './errors.js';
import { quoteIdent } from './identifiers.js';
import { LOCK_CLASS_MIGRATE, schemaLockKey } from './locks.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';

const ignoreError = (): void => undefined;

/**
 * Brings `schema` to the latest version. Runs in one transaction under an advisory lock, so any
 * number of processes may call it at once: one applies each migration, the others wait and find
 * it done. Creates nothing that exists already (a user without CREATE privileges can run an
 * up-to-date store). Refuses a schema newer than this code.
 *
 * @returns the versions applied by this call (empty when the schema was up to date).
 */
export const migrate = async (pool: Pool, schema: string, target: string): Promise<E.Either<StoreError, readonly number[]>> => {
  let client: PoolClient | undefined;
  let failure: Error | undefined;
  const s = quoteIdent(schema);
  try {
    client = await pool.connect();
    // The server may close the connection between two statements (idle_in_transaction_session_timeout,
    // see sessionTimeouts.ts): unheard, that 'error' would crash the process; the next statement fails typed.
    client.on('error', ignoreError);
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [LOCK_CLASS_MIGRATE, schemaLockKey(schema)]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
    const table = await client.query('SELECT to_regclass($1) AS t', [`${s}.schema_migrations`]);
    if (table.rows[0]?.t === null)
      await client.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > LATEST_SCHEMA_VERSION) {
      await client.query('ROLLBACK');
      return E.left(
        storeUnavailable(
          `the event store schema "${schema}" at ${target} is at version ${newest}, newer than this code (${LATEST_SCHEMA_VERSION}): upgrade selfprov`,
          false,
        ),
      );
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql(s));
      await m.after?.(client, s);
      await client.query(`INSERT INTO ${s}.schema_migrations (version, description) VALUES ($1, $2)`, [m.version, m.description]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return E.right(applied);
  } catch (cause) {
    failure = cause instanceof Error ? cause : new Error(String(cause));
    await client?.query('ROLLBACK').catch(() => undefined);
    return E.left(toStoreError(cause, target, false));
  } finally {
    client?.removeListener('error', ignoreError);
    client?.release(failure);
  }
};
