/**
 * Workflows: commands that decide over several streams found while planning (a cluster, its route
 * point, a user, their profile and templates, a free number...). The planner reads streams on
 * demand (`reader`), `discoverStreams` loads every stream it turned out to need, the decision runs
 * the same planner on the loaded streams and collects events per stream (`decisions`, `decideOn`),
 * and `runWorkflow` appends them guarded by every loaded version. A decision that finds its plan
 * made on older data answers `stalePlan(...)`: a result that makes `runWorkflow` plan again, never
 * an error a caller sees. Conflicts on append are retried by `handleMultiStreamCommand` itself;
 * both loops wait with the same jittered exponential `backoffDelay`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Decider, DomainEvent } from '../decider.js';
import { type DomainError, domainError } from '../errors.js';
import type { Actor, Channel } from '../eventstore/envelope.js';
import type { StoreError } from '../eventstore/errors.js';
import type { EventStore } from '../eventstore/port.js';
import type { Runtime } from '../runtime/ports.js';
import {
  backoffDelay,
  type CommandContext,
  type CommandDeps,
  type CommandResult,
  handleMultiStreamCommand,
  type LoadedStream,
  type RetryPolicy,
  type StreamDecision,
} from './handler.js';

/** The decision was made on data older than the streams it needed: plan again. */
export interface StalePlan {
  readonly _tag: 'StalePlan';
  /** For tracing only. */
  readonly reason: string;
}

export const stalePlan = (reason: string): StalePlan => ({ _tag: 'StalePlan', reason });

export const isStalePlan = (value: unknown): value is StalePlan =>
  typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'StalePlan';

/** A workflow's command: like `MultiStreamCommand`, but its decision may answer a stale plan. */
export interface WorkflowCommand<Err> {
  readonly streams: readonly string[] | (() => TE.TaskEither<Err | StalePlan | StoreError, readonly string[]>);
  readonly decide: (loaded: ReadonlyMap<string, LoadedStream>) => E.Either<Err | StalePlan, readonly StreamDecision[]>;
}

/** How often a stale plan is made again, and the pauses between (2, 4, 8... ms, capped at 200 ms). */
export const defaultReplanPolicy: RetryPolicy = { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 200 };

export interface WorkflowRunDeps extends CommandDeps {
  readonly replan?: RetryPolicy;
}

/** Who asks, through which channel; `commandId` makes a retried request a no-op. Absent fields take `defaults`. */
export const contextWith = (
  runtime: Pick<Runtime, 'ids'>,
  context: Partial<CommandContext> | undefined,
  defaults: { actor: Actor; channel: Channel },
): CommandContext => ({
  commandId: context?.commandId ?? runtime.ids.uuid(),
  actor: context?.actor ?? defaults.actor,
  channel: context?.channel ?? defaults.channel,
  ...(context?.correlationId === undefined ? {} : { correlationId: context.correlationId }),
  ...(context?.causationId === undefined ? {} : { causationId: context.causationId }),
});

/**
 * Runs a workflow command, planning again (after a pause) while its decision answers a stale plan.
 * When the data keeps moving for `replan.maxAttempts` rounds, answers `concurrent_modification`.
 */
export const runWorkflow =
  <Err>(
    deps: WorkflowRunDeps,
    command: WorkflowCommand<Err>,
    context: CommandContext,
  ): TE.TaskEither<Err | DomainError | StoreError, CommandResult> =>
  async () => {
    const policy = deps.replan ?? defaultReplanPolicy;
    for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
      if (attempt > 0) await deps.runtime.timers.sleep(backoffDelay(policy, attempt - 1, deps.runtime.random));
      const result = await handleMultiStreamCommand<Err | StalePlan>(deps, command, context)();
      if (E.isRight(result) || !isStalePlan(result.left)) return result as E.Either<Err | StoreError, CommandResult>;
    }
    return E.left(
      domainError('concurrent_modification', 'the data changed repeatedly while the request was decided; try again', {
        details: { attempts: policy.maxAttempts },
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

/** How many references a plan may follow (cluster -> route point, user -> profile -> template...). */
const MAX_DISCOVERY_ROUNDS = 16;

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
    for (let round = 0; round < MAX_DISCOVERY_ROUNDS; round++) {
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
