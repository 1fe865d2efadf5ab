import {
  type Decider,
  type DomainEvent,
  decodeWith,
  type EventStore,
  foldEvents,
  type LoadedStream,
  type RecordedEvent,
  type StoreError,
  type ValidationError,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import type { SelfCareError } from '../shared/errors.js';

/** A facade operation: a lazy async computation that fails with a typed error. */
export type Op<A> = TE.TaskEither<SelfCareError, A>;

/** Runs an async body as an `Op` (a thrown exception is a bug, not an outcome: it propagates). */
export const op =
  <A>(body: () => Promise<E.Either<SelfCareError, A>>): Op<A> =>
  () =>
    body();

/** Drops `undefined` members (deeply, in plain objects and arrays), so no `undefined` can reach event data. */
export const withoutUndefined = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
  return out;
};

/** Boundary validation: the error names the field, never echoes the value. */
export const decode = <A, O>(codec: t.Type<A, O, unknown>, input: unknown): E.Either<ValidationError, A> =>
  decodeWith(codec, 'invalid_input')(withoutUndefined(input));

/** Folds a loaded stream with a decider. */
export const foldLoaded = <C, Ev extends DomainEvent, S, Er>(
  decider: Decider<C, Ev, S, Er>,
  loaded: ReadonlyMap<string, LoadedStream>,
  streamId: string,
): S => foldEvents(decider, (loaded.get(streamId)?.events ?? []) as unknown as readonly Ev[]);

/** Reads and folds one stream now (for checks made before a port call). */
export const readFolded = async <C, Ev extends DomainEvent, S, Er>(
  store: EventStore,
  decider: Decider<C, Ev, S, Er>,
  streamId: string,
): Promise<E.Either<StoreError, S>> => {
  const read = await store.readStream(streamId)();
  if (E.isLeft(read)) return read;
  return E.right(foldEvents(decider, read.right.events as unknown as readonly Ev[]));
};

/** Events of a command result, as `{type, data}`. */
export const typesOf = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.type);
