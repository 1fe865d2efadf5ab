import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import {
  type CommandContext,
  type CommandResult,
  handleMultiStreamCommand,
  type LoadedStream,
  type RetryPolicy,
  type StreamDecision,
} from '../../command/handler.js';
import type { Actor, Channel } from '../../eventstore/envelope.js';
import type { StoreError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/port.js';
import type { Decider, DomainEvent } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import type { Runtime } from '../../runtime/ports.js';
import type { ReadModels } from '../readModels/index.js';

/** What every workflow needs: the store, the runtime ports and the read models it consults. */
export interface WorkflowDeps {
  readonly store: EventStore;
  readonly runtime: Runtime;
  readonly readModels: ReadModels;
  readonly retry?: RetryPolicy;
  /** Runs after each successful append (the facade catches its read models up inline). */
  readonly afterAppend?: () => TE.TaskEither<StoreError, void>;
  /**
   * Directory numbers this process is reserving right now, per cluster. Concurrent
   * auto-registrations in one process then aim at different free numbers instead of
   * all racing for the lowest one (the store still decides: a number can never be held twice).
   */
  readonly claimedNumbers?: Map<string, Set<string>>;
}

/** Who asks, through which channel; `commandId` makes a retried request a no-op. Defaults are filled in. */
export type WorkflowContext = Partial<CommandContext>;

export type WorkflowError = DomainError | ValidationError | StoreError;

export const contextWith = (
  runtime: Runtime,
  context: WorkflowContext | undefined,
  defaults: { actor: Actor; channel: Channel },
): CommandContext => ({
  commandId: context?.commandId ?? runtime.ids.uuid(),
  actor: context?.actor ?? defaults.actor,
  channel: context?.channel ?? defaults.channel,
  ...(context?.correlationId === undefined ? {} : { correlationId: context.correlationId }),
  ...(context?.causationId === undefined ? {} : { causationId: context.causationId }),
});

/** A stream was needed by the decision but not loaded: the plan was made on older data. Internal; never returned. */
const STALE = 'stale_plan';
export const stale = (why: string): DomainError => domainError(STALE, why);

/** How many times a stale plan is redone (each time after catching the read models up). */
const MAX_REPLANS = 12;

/**
 * Pause before re-planning: exponential with jitter (2, 4, 8... ms, capped at 200 ms), so
 * processes that lost the same race do not collide again in lockstep.
 */
const replanDelay = (attempt: number, random: WorkflowDeps['runtime']['random']): number => {
  const ceiling = Math.min(200, 2 ** attempt);
  return Math.round(ceiling * (0.5 + (random.bytes(1)[0] ?? 128) / 510));
};

/**
 * Runs a multi-stream command, replanning when its decision finds the plan stale
 * (a read model or a stream read lagged behind a concurrent writer). Conflicts on
 * append are retried by `handleMultiStreamCommand` itself.
 */
export const runWorkflow =
  (
    deps: WorkflowDeps,
    command: Parameters<typeof handleMultiStreamCommand<DomainError>>[1],
    context: CommandContext,
  ): TE.TaskEither<DomainError | StoreError, CommandResult> =>
  async () => {
    const handlerDeps = {
      store: deps.store,
      runtime: deps.runtime,
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.afterAppend ? { afterAppend: deps.afterAppend } : {}),
    };
    for (let attempt = 0; attempt < MAX_REPLANS; attempt++) {
      if (attempt > 0) await deps.runtime.timers.sleep(replanDelay(attempt, deps.runtime.random));
      const result = await handleMultiStreamCommand<DomainError>(handlerDeps, command, context)();
      if (E.isRight(result) || result.left.code !== STALE) return result;
    }
    return E.left(
      domainError('concurrent_modification', 'the data changed repeatedly while the request was decided; try again', {
        details: { attempts: MAX_REPLANS },
      }),
    );
  };

/** The events of a stream, or `undefined` when it was not read. */
export type StreamSource = (streamId: string) => readonly DomainEvent[] | undefined;

/**
 * Reads streams on demand while a plan is computed: `state` folds a stream it
 * knows, and records the streams it does not know yet. The planner is run until
 * it needs nothing new (streams are read from the store between rounds); the
 * decision then runs the same planner on the loaded streams.
 */
export interface Reader {
  /** Folds `streamId` with `decider`; `undefined` (and the stream is noted as missing) when it was not read. */
  state<S>(decider: Pick<Decider<never, never, S, never>, 'initialState' | 'evolve'>, streamId: string): S | undefined;
  readonly missing: ReadonlySet<string>;
}

export const reader = (source: StreamSource): Reader => {
  const missing = new Set<string>();
  return {
    missing,
    state: (decider, streamId) => {
      const events = source(streamId);
      if (events === undefined) {
        missing.add(streamId);
        return undefined;
      }
      return (events as readonly never[]).reduce(decider.evolve, decider.initialState());
    },
  };
};

/**
 * Finds every stream a planner needs by reading them round by round, so the
 * command loads exactly those (and each of their versions guards the decision).
 */
export const discoverStreams =
  (
    store: EventStore,
    plan: (source: StreamSource) => { readonly missing: ReadonlySet<string> },
  ): TE.TaskEither<StoreError, readonly string[]> =>
  async () => {
    const known = new Map<string, readonly DomainEvent[]>();
    // Each round follows one more reference (cluster -> route point, user -> profile -> template...).
    for (let round = 0; round < 16; round++) {
      const { missing } = plan((id) => known.get(id));
      if (missing.size === 0) break;
      for (const id of missing) {
        const read = await store.readStream(id)();
        if (E.isLeft(read)) return read;
        known.set(id, read.right.events);
      }
    }
    return E.right([...known.keys()]);
  };

/** Events per stream, merged in order (a stream may appear once per append), plus guards. */
export const decisions = () => {
  const order: string[] = [];
  const byStream = new Map<string, DomainEvent[]>();
  const touch = (streamId: string): DomainEvent[] => {
    let list = byStream.get(streamId);
    if (list === undefined) {
      list = [];
      byStream.set(streamId, list);
      order.push(streamId);
    }
    return list;
  };
  return {
    add: (streamId: string, events: readonly DomainEvent[]) => {
      touch(streamId).push(...events);
    },
    /** The stream's version must not move before the append: a concurrent change forces a re-decision. */
    guard: (streamId: string) => {
      touch(streamId);
    },
    pending: (streamId: string): readonly DomainEvent[] => byStream.get(streamId) ?? [],
    list: (): StreamDecision[] => order.map((streamId) => ({ streamId, events: byStream.get(streamId) ?? [] })),
  };
};
export type Decisions = ReturnType<typeof decisions>;

/**
 * Decides `command` on a stream with its decider, taking into account events
 * already planned for that stream in this decision, and adds the result.
 */
export const decideOn = <C, Ev extends DomainEvent, S, Err>(
  plan: Decisions,
  loaded: ReadonlyMap<string, LoadedStream>,
  decider: Decider<C, Ev, S, Err>,
  streamId: string,
  command: C,
): E.Either<Err, readonly Ev[]> => {
  const history = [...((loaded.get(streamId)?.events ?? []) as unknown as readonly Ev[]), ...(plan.pending(streamId) as readonly Ev[])];
  const state = history.reduce(decider.evolve, decider.initialState());
  const result = decider.decide(command, state);
  if (E.isRight(result)) plan.add(streamId, result.right);
  return result;
};

/** A source over the loaded streams of a decision. */
export const loadedSource =
  (loaded: ReadonlyMap<string, LoadedStream>): StreamSource =>
  (id) =>
    loaded.get(id)?.events as readonly DomainEvent[] | undefined;

/** A value read from recorded events passed its codec when it was written: re-brand it for a typed command. */
export const recorded = <T extends string>(value: string): T => value as T;
