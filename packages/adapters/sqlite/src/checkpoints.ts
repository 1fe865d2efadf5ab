import { type Checkpoint, type CheckpointStore, type Clock, type JsonValue, validateJson, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Run } from './runner.js';
import type { Statements } from './statements.js';

/** Projection checkpoints (and snapshots) in the `checkpoints` table, beside the events; `clock` stamps `updated_at`. */
export const createCheckpointStore = (stmt: Statements, run: Run, clock: Clock): CheckpointStore => ({
  load: (projection) =>
    run(() => {
      if (typeof projection !== 'string' || projection.length === 0)
        return E.left(validationError('invalid_checkpoint', 'projection', 'projection must be a non-empty string'));
      const row = stmt.loadCheckpoint.get(projection) as [number, number, string | null] | undefined;
      if (row === undefined) return E.right(undefined);
      const [version, position, state] = row;
      const checkpoint: Checkpoint =
        state === null ? { projection, version, position } : { projection, version, position, state: JSON.parse(state) as JsonValue };
      return E.right(checkpoint);
    }),
  save: (checkpoint) =>
    run(() => {
      const c = (checkpoint ?? {}) as Partial<Checkpoint>;
      if (typeof c.projection !== 'string' || c.projection.length === 0)
        return E.left(validationError('invalid_checkpoint', 'projection', 'projection must be a non-empty string'));
      if (!Number.isSafeInteger(c.version)) return E.left(validationError('invalid_checkpoint', 'version', 'version must be an integer'));
      if (!Number.isSafeInteger(c.position) || (c.position as number) < 0)
        return E.left(validationError('invalid_checkpoint', 'position', 'position must be an integer >= 0'));
      let state: string | null = null;
      if (c.state !== undefined) {
        const json = validateJson(c.state, 'state');
        if (E.isLeft(json)) return json;
        state = JSON.stringify(json.right);
      }
      stmt.saveCheckpoint.run(c.projection, c.version, c.position, state, clock.now().toISOString());
      return E.right(undefined);
    }),
});
