import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import type { StoreError } from '../eventstore/errors.js';
import type { EventStore, Subscription } from '../eventstore/port.js';
import type { JsonValue } from '../json.js';

/**
 * A read model folded from the global log. `evolve` may update `state` in place
 * and return it: read models are owned by their runner, and copying on every
 * event would dominate replay time.
 */
export interface Projection<State> {
  readonly name: string;
  /** Bump when `evolve` changes meaning: a stored checkpoint of another version is discarded and the model rebuilt. */
  readonly version: number;
  readonly initialState: () => State;
  readonly evolve: (state: State, event: RecordedEvent) => State;
  /** How to store the state beside its checkpoint; without it the model is rebuilt from zero on each start. */
  readonly snapshot?: {
    readonly encode: (state: State) => JsonValue;
    readonly decode: (stored: JsonValue) => E.Either<unknown, State>;
  };
}

/** A projection's progress: the last global position folded into the stored state. */
export interface Checkpoint {
  readonly projection: string;
  readonly version: number;
  readonly position: number;
  readonly state?: JsonValue;
}

/** Where checkpoints live. Durable stores implement it beside their event table. */
export interface CheckpointStore {
  load(projection: string): TE.TaskEither<StoreError, Checkpoint | undefined>;
  save(checkpoint: Checkpoint): TE.TaskEither<StoreError, void>;
}

export const createMemoryCheckpointStore = (): CheckpointStore & { readonly saved: ReadonlyMap<string, Checkpoint> } => {
  const saved = new Map<string, Checkpoint>();
  return {
    saved,
    load: (projection) => async () => E.right(saved.get(projection)),
    save: (checkpoint) => async () => {
      saved.set(checkpoint.projection, JSON.parse(JSON.stringify(checkpoint)) as Checkpoint);
      return E.right(undefined);
    },
  };
};

export interface ProjectionRunner<State> {
  /** The current read model. */
  state(): State;
  /** Global position of the last event folded in. */
  position(): number;
  /** Loads the stored checkpoint (if its version matches and its snapshot decodes), then catches up. */
  start(): TE.TaskEither<StoreError, void>;
  /** Folds every event after the current position, up to the head; resolves with the new position. Inline use: call after an append. */
  catchUp(): TE.TaskEither<StoreError, number>;
  /** Keeps following the log live until `stop`. */
  follow(onError?: (e: StoreError) => void): Subscription;
  /** Throws the model away and folds the whole log again from position 0. */
  rebuild(): TE.TaskEither<StoreError, number>;
  /** Stores the checkpoint (and snapshot) now. */
  saveCheckpoint(): TE.TaskEither<StoreError, void>;
}

export interface ProjectionRunnerOptions<State> {
  readonly store: EventStore;
  readonly projection: Projection<State>;
  readonly checkpoints?: CheckpointStore;
  /**
   * Save a checkpoint after this many folded events (default 10,000), and at the end of `start` and
   * `rebuild`. An inline `catchUp` (after each append) does not save at its end: encoding the whole
   * snapshot after every command made each command cost O(model size).
   */
  readonly saveEvery?: number;
  readonly pageSize?: number;
}

/**
 * Runs one projection: catch-up from its checkpoint, inline catch-up after the
 * process's own appends, live following, rebuild from zero. Calls are serialised,
 * and an event at or before the current position is never folded twice.
 */
export const createProjectionRunner = <State>(options: ProjectionRunnerOptions<State>): ProjectionRunner<State> => {
  const { store, projection, checkpoints } = options;
  const saveEvery = options.saveEvery ?? 10_000;
  const pageSize = options.pageSize ?? 1000;
  let state = projection.initialState();
  let position = 0;
  let sinceSave = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <A>(task: () => Promise<A>): Promise<A> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const fold = (event: RecordedEvent) => {
    if (event.globalPosition <= position) return;
    state = projection.evolve(state, event);
    position = event.globalPosition;
    sinceSave += 1;
  };

  const save = async (): Promise<E.Either<StoreError, void>> => {
    sinceSave = 0;
    if (!checkpoints) return E.right(undefined);
    const checkpoint: Checkpoint = projection.snapshot
      ? { projection: projection.name, version: projection.version, position, state: projection.snapshot.encode(state) }
      : { projection: projection.name, version: projection.version, position };
    return checkpoints.save(checkpoint)();
  };

  const catchUpNow = async (saveAtEnd: boolean): Promise<E.Either<StoreError, number>> => {
    for (;;) {
      const page = await store.readAll({ after: position, maxCount: pageSize })();
      if (E.isLeft(page)) return page;
      for (const event of page.right) fold(event);
      if (sinceSave >= saveEvery) {
        const saved = await save();
        if (E.isLeft(saved)) return saved;
      }
      if (page.right.length < pageSize) break;
    }
    if (saveAtEnd && sinceSave > 0) {
      const saved = await save();
      if (E.isLeft(saved)) return saved;
    }
    return E.right(position);
  };

  const reset = () => {
    state = projection.initialState();
    position = 0;
    sinceSave = 0;
  };

  return {
    state: () => state,
    position: () => position,
    start: () => () =>
      serial(async () => {
        reset();
        if (checkpoints && projection.snapshot) {
          const stored = await checkpoints.load(projection.name)();
          if (E.isLeft(stored)) return stored;
          const cp = stored.right;
          if (cp && cp.version === projection.version && cp.state !== undefined) {
            const decoded = projection.snapshot.decode(cp.state);
            // An undecodable snapshot is not an error: the model is rebuilt from the log, which is the truth.
            if (E.isRight(decoded)) {
              state = decoded.right;
              position = cp.position;
            }
          }
        }
        return E.map(() => undefined)(await catchUpNow(true));
      }),
    catchUp: () => () => serial(() => catchUpNow(false)),
    follow: (onError) =>
      store.subscribe({
        after: position,
        pageSize,
        onEvent: (event) =>
          serial(async () => {
            fold(event);
            if (sinceSave >= saveEvery) {
              const saved = await save();
              if (E.isLeft(saved)) throw new Error(saved.left.message);
            }
          }),
        ...(onError ? { onError } : {}),
      }),
    rebuild: () => () =>
      serial(async () => {
        reset();
        return catchUpNow(true);
      }),
    saveCheckpoint: () => () => serial(save),
  };
};
