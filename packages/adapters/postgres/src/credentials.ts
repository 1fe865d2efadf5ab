import {
  type CredentialKind,
  type CredentialPortError,
  type CredentialStore,
  credentialRecordFromRow,
  credentialRevisionConflict,
  freezeCredentialRecord,
  storedCredentialFields,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import { isTransientConflict } from './errors.js';
import { quoteIdent } from './identifiers.js';
import { mapPortError, retryingConflicts } from './securityErrors.js';
import type { PostgresEventStore } from './store.js';

/**
 * A `CredentialStore` in `<schema>.credentials` of a PostgreSQL event store (migration 2): one row
 * per (subject, kind), the record as JSON, and its revision.
 *
 * `save` is ONE conditional statement: an `INSERT ... ON CONFLICT DO NOTHING` when no record may
 * exist yet, an `UPDATE ... WHERE revision = expected` otherwise. Concurrent writers of one record
 * queue on its row lock and re-check the revision, so exactly one wins and the others get
 * `credential_revision_conflict` (so does a serialization failure under REPEATABLE READ or
 * SERIALIZABLE: another writer won). Other failures are `credential_store_unavailable` with a
 * fixed message. The store's pool, schema and migrations are the event store's.
 */
export const createPostgresCredentialStore = (store: Pick<PostgresEventStore, 'schema' | 'withPool'>): CredentialStore => {
  const table = `${quoteIdent(store.schema)}.credentials`;
  const run = <A>(body: (pool: pg.Pool) => Promise<E.Either<never, E.Either<CredentialPortError, A>>>) =>
    mapPortError('credential_store_unavailable', 'credential store', store.withPool(body));

  const actualRevision = async (pool: pg.Pool, subject: string, kind: CredentialKind) => {
    const { rows } = await pool.query<{ revision: string }>(`SELECT revision FROM ${table} WHERE subject = $1 AND kind = $2`, [
      subject,
      kind,
    ]);
    return rows[0] === undefined ? null : Number(rows[0].revision);
  };

  return {
    load: (subject, kind) =>
      run(async (pool) => {
        const { rows } = await pool.query<{ revision: string; record: unknown }>(
          `SELECT revision, record FROM ${table} WHERE subject = $1 AND kind = $2`,
          [subject, kind],
        );
        const row = rows[0];
        if (row === undefined) return E.right(E.right(undefined));
        return E.right(credentialRecordFromRow(subject, kind, Number(row.revision), row.record));
      }),
    save: (state, expected) =>
      run(async (pool) => {
        const fields = storedCredentialFields(state);
        const json = JSON.stringify(fields);
        let written: number;
        try {
          const { rowCount } =
            expected === null
              ? await pool.query(
                  `INSERT INTO ${table} (subject, kind, revision, record) VALUES ($1, $2, 1, $3::json) ON CONFLICT (subject, kind) DO NOTHING`,
                  [state.subject, state.kind, json],
                )
              : await pool.query(
                  `UPDATE ${table} SET revision = revision + 1, record = $3::json, updated_at = now()
                    WHERE subject = $1 AND kind = $2 AND revision = $4`,
                  [state.subject, state.kind, json, expected],
                );
          written = rowCount ?? 0;
        } catch (cause) {
          // A serialization failure or a unique violation means that another writer won the race.
          if (!isTransientConflict(cause)) throw cause;
          written = 0;
        }
        if (written === 0)
          return E.right(E.left(credentialRevisionConflict(expected, await actualRevision(pool, state.subject, state.kind))));
        return E.right(
          E.right(freezeCredentialRecord({ ...fields, subject: state.subject, kind: state.kind, revision: (expected ?? 0) + 1 })),
        );
      }),
    remove: (subject) =>
      run(async (pool) => {
        const { rowCount } = await retryingConflicts(() => pool.query(`DELETE FROM ${table} WHERE subject = $1`, [subject]));
        return E.right(E.right(rowCount ?? 0));
      }),
  };
};
