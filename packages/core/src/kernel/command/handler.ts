import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type Decider, type DomainEvent, foldEvents } from '../decider.js';
import type { Actor, Channel, EventMetadata, ExpectedVersion, NewEvent, RecordedEvent } from '../eventstore/envelope.js';
import { isConflict, type StoreError } from '../eventstore/errors.js';
import type { AppendResult, EventStore } from '../eventstore/port.js';
import type { Runtime } from '../runtime/ports.js';

/** Who sends a command, through which channel, and its idempotency key. */
export interface CommandContext {
  /** Unique per intended change: handling the same id twice changes nothing the second time. */
  readonly commandId: string;
  readonly actor: Actor;
  readonly channel: Channel;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** Bounded retry on optimistic-concurrency conflicts, with jittered exponential backoff. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 250 };

export interface CommandDeps {
  readonly store: EventStore;
  readonly runtime: Pick<Runtime, 'clock' | 'random' | 'timers'>;
  readonly retry?: RetryPolicy;
  /** Current `schemaVersion` of each event type (default 1), stamped on new events. */
  readonly schemaVersionOf?: (type: string) => number;
  /** Runs after every successful append (inline projections); a failure is reported in the result, the append stands. */
  readonly afterAppend?: (result: AppendResult) => TE.TaskEither<StoreError, void>;
}

/** A loaded stream as a multi-stream decision sees it. */
export interface LoadedStream {
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

/** One stream's part of a decision. */
export interface StreamDecision {
  readonly streamId: string;
  /** Defaults to the loaded version of the stream; required for streams that were not loaded. */
  readonly expected?: ExpectedVersion;
  /** May be empty: the stream then only guards the decision (its version must not move). */
  readonly events: readonly DomainEvent[];
}

export interface MultiStreamCommand<Err> {
  /** Streams to load; a function is called again on each retry, so it can consult fresh read models. */
  readonly streams: readonly string[] | (() => TE.TaskEither<Err | StoreError, readonly string[]>);
  readonly decide: (loaded: ReadonlyMap<string, LoadedStream>) => E.Either<Err, readonly StreamDecision[]>;
}

export interface CommandResult {
  /** Events recorded by this command (or by its first handling, when `alreadyHandled`). */
  readonly events: readonly RecordedEvent[];
  /** Each touched stream's version after the command. */
  readonly versions: ReadonlyMap<string, number>;
  /** True when the commandId had already been handled: nothing new was written. */
  readonly alreadyHandled: boolean;
  /** How many conflicts were retried. */
  readonly retries: number;
  /** Set when `afterAppend` failed: the events ARE recorded; only the inline read-model update lagged. */
  readonly afterAppendError?: StoreError;
}

/**
 * The pause before retry number `attempt + 1`: exponential from `baseDelayMs`, capped at
 * `maxDelayMs`, with jitter between half and all of it, so processes that lost the same race do
 * not collide again in lockstep. Command retries and workflow replanning both wait this way.
 */
export const backoffDelay = (policy: RetryPolicy, attempt: number, random: Pick<Runtime['random'], 'bytes'>): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jitter = (random.bytes(1)[0] ?? 128) / 255;
  return Math.round(ceiling * (0.5 + jitter / 2));
};

const loadStreams =
  (store: EventStore, ids: readonly string[]): TE.TaskEither<StoreError, ReadonlyMap<string, LoadedStream>> =>
  async () => {
    const loaded = new Map<string, LoadedStream>();
    for (const id of new Set(ids)) {
      const read = await store.readStream(id)();
      if (E.isLeft(read)) return read;
      loaded.set(id, { version: read.right.currentVersion, events: read.right.events });
    }
    return E.right(loaded);
  };

const previousHandling = (loaded: ReadonlyMap<string, LoadedStream>, commandId: string): RecordedEvent[] =>
  [...loaded.values()]
    .flatMap((s) => s.events.filter((e) => e.metadata.commandId === commandId))
    .sort((a, b) => a.globalPosition - b.globalPosition);

/**
 * Load, decide, append with the loaded versions; on a conflict, reload and decide
 * again, a bounded number of times. Idempotent by `commandId`: if any loaded stream
 * already holds events of this command, they are returned and nothing is written.
 */
export const handleMultiStreamCommand =
  <Err>(deps: CommandDeps, command: MultiStreamCommand<Err>, context: CommandContext): TE.TaskEither<Err | StoreError, CommandResult> =>
  async () => {
    const policy = deps.retry ?? defaultRetryPolicy;
    const metadata: EventMetadata = {
      actor: context.actor,
      channel: context.channel,
      commandId: context.commandId,
      correlationId: context.correlationId ?? context.commandId,
      causationId: context.causationId ?? context.commandId,
    };
    let lastConflict: StoreError | undefined;
    for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
      if (attempt > 0) await deps.runtime.timers.sleep(backoffDelay(policy, attempt - 1, deps.runtime.random));
      const ids = typeof command.streams === 'function' ? await command.streams()() : E.right(command.streams);
      if (E.isLeft(ids)) return ids;
      const loaded = await loadStreams(deps.store, ids.right)();
      if (E.isLeft(loaded)) return loaded;
      const earlier = previousHandling(loaded.right, context.commandId);
      if (earlier.length > 0) {
        const versions = new Map([...new Set(earlier.map((e) => e.streamId))].map((id) => [id, loaded.right.get(id)?.version ?? -1]));
        return E.right({ events: earlier, versions, alreadyHandled: true, retries: attempt });
      }
      const decision = command.decide(loaded.right);
      if (E.isLeft(decision)) return decision;
      if (decision.right.every((d) => d.events.length === 0))
        return E.right({ events: [], versions: new Map(), alreadyHandled: false, retries: attempt });
      const occurredAt = deps.runtime.clock.now().toISOString();
      const requests = decision.right.map((d) => ({
        streamId: d.streamId,
        expected: d.expected ?? expectedFromLoad(loaded.right.get(d.streamId)),
        events: d.events.map(
          (e): NewEvent => ({ type: e.type, data: e.data, metadata, occurredAt, schemaVersion: deps.schemaVersionOf?.(e.type) ?? 1 }),
        ),
      }));
      const appended = await deps.store.appendMulti(requests)();
      if (E.isLeft(appended)) {
        if (isConflict(appended.left)) {
          lastConflict = appended.left;
          continue;
        }
        return appended;
      }
      const after = deps.afterAppend ? await deps.afterAppend(appended.right)() : E.right(undefined);
      const result: CommandResult = {
        events: appended.right.streams.flatMap((s) => s.events),
        versions: new Map(appended.right.streams.map((s) => [s.streamId, s.nextExpectedVersion])),
        alreadyHandled: false,
        retries: attempt,
      };
      // The append is the fact: a lagging read model must not turn a recorded command into a reported failure.
      return E.right(E.isLeft(after) ? { ...result, afterAppendError: after.left } : result);
    }
    // The command could not be applied within the retry budget: the last conflict is returned.
    return E.left(lastConflict as StoreError);
  };

const expectedFromLoad = (stream: LoadedStream | undefined): ExpectedVersion =>
  stream === undefined || stream.version < 0 ? 'no_stream' : stream.version;

/** Handles a command against one aggregate stream with its decider. */
export const handleCommand = <Command, Event extends DomainEvent, State, Err>(
  deps: CommandDeps,
  decider: Decider<Command, Event, State, Err>,
  streamId: string,
  command: Command,
  context: CommandContext,
): TE.TaskEither<Err | StoreError, CommandResult> =>
  handleMultiStreamCommand<Err>(
    deps,
    {
      streams: [streamId],
      decide: (loaded) => {
        // The stream holds what this decider wrote (after upcasting), so the cast is the decider's own contract.
        const state = foldEvents(decider, (loaded.get(streamId)?.events ?? []) as unknown as readonly Event[]);
        return E.map((events: readonly Event[]) => [{ streamId, events }])(decider.decide(command, state));
      },
    },
    context,
  );

/**
 * Appends events that record facts already established elsewhere (a credential store's answer, an
 * erasure done by the key store) to one stream, through the handler: guarded by the version it
 * read, retried on a conflict, idempotent by `commandId`. Nothing to record answers at once.
 */
export const recordFacts = (
  deps: CommandDeps,
  streamId: string,
  events: readonly DomainEvent[],
  context: CommandContext,
): TE.TaskEither<StoreError, CommandResult> =>
  events.length === 0
    ? async () => E.right({ events: [], versions: new Map(), alreadyHandled: false, retries: 0 })
    : handleMultiStreamCommand<never>(deps, { streams: [streamId], decide: () => E.right([{ streamId, events }]) }, context);
