import { randomBytes } from 'node:crypto';
import { type KeyStore, type RandomSource, storeUnavailable } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { quoteIdent } from './identifiers.js';
import { retryingConflicts } from './securityErrors.js';
import type { PostgresEventStore } from './store.js';

/** Length of a personal-data key: AES-256. */
const KEY_BYTES = 32;

/** Options of {@link createPostgresKeyStore}. */
export interface PostgresKeyStoreOptions {
  /** Where new keys come from; default node:crypto's `randomBytes`. Must be cryptographically strong. */
  readonly random?: RandomSource;
}

const nodeRandom: RandomSource = { bytes: (length) => new Uint8Array(randomBytes(length)) };

/**
 * A `KeyStore` (crypto-shredding keys of personal data) in the PostgreSQL event store's schema
 * (migration 2): `personal_data_keys(subject, key)` and `personal_data_subjects(subject, erased_at)`.
 *
 * - `keyFor(subject, false)` and `keyFor` of an existing key are one plain read.
 * - Creation and erasure are each one call of a function that first locks the subject's row in
 *   `personal_data_subjects`, so they are serialised per subject across every process: concurrent
 *   creators all get the same key, and once erased a subject never gets a key again.
 * - `erase` DELETEs the key row. PostgreSQL keeps the dead row version on disk until VACUUM (and
 *   its WAL and backups keep it longer): see the README.
 */
export const createPostgresKeyStore = (
  store: Pick<PostgresEventStore, 'schema' | 'withPool'>,
  options: PostgresKeyStoreOptions = {},
): KeyStore => {
  const s = quoteIdent(store.schema);
  const random = options.random ?? nodeRandom;
  // A copy as a plain Uint8Array: callers get bytes, not a Buffer tied to the driver.
  const bytes = (stored: Buffer | null | undefined): Uint8Array | undefined => (stored ? new Uint8Array(stored) : undefined);
  return {
    keyFor: (subject, create) =>
      store.withPool(async (pool) => {
        const { rows } = await pool.query<{ key: Buffer }>(`SELECT key FROM ${s}.personal_data_keys WHERE subject = $1`, [subject]);
        if (rows[0] !== undefined || !create) return E.right(bytes(rows[0]?.key));
        const candidate = random.bytes(KEY_BYTES);
        if (!(candidate instanceof Uint8Array) || candidate.length !== KEY_BYTES)
          return E.left(storeUnavailable(`the random source gave no ${KEY_BYTES}-byte key`, false));
        const created = await retryingConflicts(() =>
          pool.query<{ key: Buffer | null }>(`SELECT ${s}.personal_data_key($1, $2) AS key`, [
            subject,
            Buffer.from(candidate.buffer, candidate.byteOffset, candidate.byteLength),
          ]),
        );
        return E.right(bytes(created.rows[0]?.key));
      }),
    erase: (subject) =>
      store.withPool(async (pool) => {
        const { rows } = await retryingConflicts(() =>
          pool.query<{ removed: boolean }>(`SELECT ${s}.erase_personal_data_key($1) AS removed`, [subject]),
        );
        return E.right(rows[0]?.removed === true);
      }),
    isErased: (subject) =>
      store.withPool(async (pool) => {
        const { rows } = await pool.query(`SELECT 1 FROM ${s}.personal_data_subjects WHERE subject = $1 AND erased_at IS NOT NULL`, [
          subject,
        ]);
        return E.right(rows.length > 0);
      }),
  };
};
