import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type ValidationError, validationError } from '../errors.js';
import type { JsonValue } from '../json.js';
import type { RecordedEvent } from './envelope.js';
import type { StoreError } from './errors.js';
import type { EventStore } from './port.js';

/** Lifts one event type's data from `fromVersion` to `fromVersion + 1`. Old events are never rewritten. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (data: JsonValue, event: RecordedEvent) => JsonValue;
}

export interface UpcasterRegistry {
  /** The event with its data lifted through every applicable step. */
  upcast(event: RecordedEvent): RecordedEvent;
  /** The newest schema version of a type: what new events are written with. */
  currentVersion(type: string): number;
}

/** Builds a registry; refuses two upcasters for the same type and version. */
export const createUpcasterRegistry = (upcasters: readonly Upcaster[]): E.Either<ValidationError, UpcasterRegistry> => {
  const steps = new Map<string, Upcaster>();
  const latest = new Map<string, number>();
  for (const [i, u] of upcasters.entries()) {
    const key = `${u.type}@${u.fromVersion}`;
    if (!Number.isSafeInteger(u.fromVersion) || u.fromVersion < 1)
      return E.left(validationError('invalid_upcaster', `upcasters[${i}].fromVersion`, 'fromVersion must be an integer >= 1'));
    if (steps.has(key)) return E.left(validationError('duplicate_upcaster', `upcasters[${i}]`, `two upcasters for ${key}`));
    steps.set(key, u);
    latest.set(u.type, Math.max(latest.get(u.type) ?? 1, u.fromVersion + 1));
  }
  return E.right({
    currentVersion: (type) => latest.get(type) ?? 1,
    upcast: (event) => {
      let current = event;
      for (
        let step = steps.get(`${current.type}@${current.schemaVersion}`);
        step;
        step = steps.get(`${current.type}@${current.schemaVersion}`)
      ) {
        current = { ...current, data: step.upcast(current.data, current), schemaVersion: current.schemaVersion + 1 };
      }
      return current;
    },
  });
};

const mapEvents =
  <A>(task: TE.TaskEither<StoreError, A>, f: (a: A) => A): TE.TaskEither<StoreError, A> =>
  async () =>
    E.map(f)(await task());

/** The same store, with every event read (streams, global log, subscriptions) upcast to its current schema. */
export const withUpcasting = (store: EventStore, registry: UpcasterRegistry): EventStore => ({
  ...store,
  append: store.append,
  appendMulti: store.appendMulti,
  readStream: (id, options) => mapEvents(store.readStream(id, options), (r) => ({ ...r, events: r.events.map(registry.upcast) })),
  readAll: (options) => mapEvents(store.readAll(options), (events) => events.map(registry.upcast)),
  subscribe: (options) => store.subscribe({ ...options, onEvent: (e) => options.onEvent(registry.upcast(e)) }),
  close: () => store.close(),
});
