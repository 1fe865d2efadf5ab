import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CommandContext, CommandResult, RetryPolicy } from '../../kernel/command/handler.js';
import { runWorkflow as runKernelWorkflow, type StalePlan, type WorkflowCommand } from '../../kernel/command/workflow.js';
import type { DomainError, ValidationError } from '../../kernel/errors.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import type { EventStore } from '../../kernel/eventstore/port.js';
import type { Runtime } from '../../kernel/runtime/ports.js';
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

/** What a planning step answers on the left: a refusal, or a plan made on older data (planned again). */
export type PlanError = DomainError | StalePlan;

/**
 * Runs a provisioning workflow with the kernel's workflow engine (kernel/command/workflow.ts):
 * replanned while its decision finds the plan stale, conflicts on append retried.
 */
export const runWorkflow = (
  deps: WorkflowDeps,
  command: WorkflowCommand<DomainError>,
  context: CommandContext,
): TE.TaskEither<DomainError | StoreError, CommandResult> =>
  runKernelWorkflow<DomainError>(
    {
      store: deps.store,
      runtime: deps.runtime,
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.afterAppend ? { afterAppend: deps.afterAppend } : {}),
    },
    command,
    context,
  );

/** A value read from recorded events passed its codec when it was written: re-brand it for a typed command. */
export const recorded = <T extends string>(value: string): T => value as T;
