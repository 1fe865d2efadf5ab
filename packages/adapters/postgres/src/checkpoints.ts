import { type Checkpoint, type CheckpointStore, type JsonValue, type StoreError, validateJson, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type pg from 'pg';

type Run = <A>(body: (pool: pg.Pool) => Promise<E.Either<StoreError, A>>) => TE.TaskEither<StoreError, A>;

const validName = (value: unknown): boolean =>
  typeof value === 'string' && value.length > 0 && value.length <= 256 && !/[\u0000-\u001f\u007f]/.test(value);

const validateCheckpoint = (c: Checkpoint): E.Either<StoreError, Checkpoint> => {
  if (typeof c !== 'object' || c === null)
    return E.left(validationError('invalid_checkpoint', 'checkpoint', 'checkpoint must be an object'));
  if (!validName(c.projection))
    return E.left(validationError('invalid_checkpoint', 'projection', 'projection must be 1-256 characters without control characters'));
  if (!Number.isSafeInteger(c.version) || c.version < 0 || c.version > 2_147_483_647)
    return E.left(validationError('invalid_checkpoint', 'version', 'version must be an integer from 0 to 2147483647'));
  if (!Number.isSafeInteger(c.position) || c.position < 0)
    return E.left(validationError('invalid_checkpoint', 'position', 'position must be an integer >= 0'));
  if (c.state !== undefined) {
    const state = validateJson(c.state, 'state');
    if (E.isLeft(state)) return state;
  }
  return E.right(c);
};

/**
 * Projection checkpoints in `<schema>.checkpoints`, beside the events they refer to, so a
 * projection's stored read model and position live in the same database as the log.
 */
export const createCheckpointStore = (deps: { readonly schema: string; readonly run: Run }): CheckpointStore => {
  const { schema: s, run } = deps;
  return {
    load: (projection) => {
      if (!validName(projection))
        return async () =>
          E.left(validationError('invalid_checkpoint', 'projection', 'projection must be 1-256 characters without control characters'));
      return run(async (pool) => {
        const { rows } = await pool.query<{ version: number; position: string; state: JsonValue | null }>(
          `SELECT version, position, state FROM ${s}.checkpoints WHERE projection = $1`,
          [projection],
        );
        const row = rows[0];
        if (!row) return E.right(undefined);
        const checkpoint: Checkpoint = { projection, version: row.version, position: Number(row.position) };
        return E.right(row.state === null ? checkpoint : { ...checkpoint, state: row.state });
      });
    },
    save: (checkpoint) => {
      const valid = validateCheckpoint(checkpoint);
      if (E.isLeft(valid)) return async () => valid;
      const c = valid.right;
      return run(async (pool) => {
        await pool.query(
          `INSERT INTO ${s}.checkpoints (projection, version, position, state) VALUES ($1, $2, $3, $4::json)
           ON CONFLICT (projection) DO UPDATE
             SET version = EXCLUDED.version, position = EXCLUDED.position, state = EXCLUDED.state, updated_at = now()`,
          [c.projection, c.version, c.position, c.state === undefined ? null : JSON.stringify(c.state)],
        );
        return E.right(undefined);
      });
    },
  };
};
