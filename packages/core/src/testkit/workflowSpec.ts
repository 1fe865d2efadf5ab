import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';
import type { CommandContext, CommandResult } from '../kernel/command/handler.js';
import { runWorkflow, type WorkflowCommand, type WorkflowRunDeps } from '../kernel/command/workflow.js';
import type { DomainEvent } from '../kernel/decider.js';
import type { DomainError } from '../kernel/errors.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import { createMemoryEventStore } from '../kernel/eventstore/memory.js';
import type { EventStore } from '../kernel/eventstore/port.js';
import { type Runtime, sequentialIds, systemRuntime } from '../kernel/runtime/ports.js';
import { testEvent } from './events.js';

/** Events per stream: what the log holds before the workflow runs, or what it appended. */
export type StreamEvents = Readonly<Record<string, readonly DomainEvent[]>>;

export interface WorkflowSpecOptions {
  /** Default: the system runtime with sequential ids and sleeps that return at once. */
  readonly runtime?: Runtime;
  /** Passed to the engine (`replan`, `retry`...). */
  readonly deps?: Partial<Omit<WorkflowRunDeps, 'store' | 'runtime'>>;
}

const context: CommandContext = { commandId: 'workflow-spec', actor: { kind: 'system', id: 'testkit' }, channel: 'system' };

/**
 * Given/when/then for workflows run by the kernel's engine (`runWorkflow`), as `deciderSpec` is
 * for deciders: the given streams are written to a fresh in-memory store, the workflow runs on
 * it, and the outcome is what the log holds afterwards.
 *
 * ```ts
 * await workflowSpec()
 *   .given({ 'cluster-1': [clusterCreated] })
 *   .when((store) => provisionCommand(store))
 *   .thenAppended({ 'phone-SEP001122334455': [phoneProvisioned] });
 * ```
 */
export const workflowSpec = (options: WorkflowSpecOptions = {}) => {
  const runtime: Runtime = options.runtime ?? { ...systemRuntime(), ids: sequentialIds(), timers: { sleep: async () => undefined } };
  return {
    given: (streams: StreamEvents) => ({
      /** The command, or a function building it over the store (workflows whose streams are discovered by reading). */
      when: <Err extends { readonly code: string; readonly message: string }>(
        command: WorkflowCommand<Err> | ((store: EventStore) => WorkflowCommand<Err>),
      ) => {
        const run = async (): Promise<{ result: E.Either<Err | DomainError | StoreError, CommandResult>; appended: StreamEvents }> => {
          const store = createMemoryEventStore(runtime);
          for (const [streamId, events] of Object.entries(streams)) {
            const written = await store.append(
              streamId,
              'no_stream',
              events.map((e) => testEvent(e.type, e.data as never)),
            )();
            if (E.isLeft(written)) assert.unreachable(`given ${streamId}: ${written.left.code}`);
          }
          const before = (await store.readAll()()) as E.Either<StoreError, readonly { globalPosition: number }[]>;
          const head = E.isRight(before) ? (before.right.at(-1)?.globalPosition ?? 0) : 0;
          const built = typeof command === 'function' ? command(store) : command;
          const result = await runWorkflow<Err>({ ...options.deps, store, runtime }, built, context)();
          const after = await store.readAll()();
          const appended: Record<string, DomainEvent[]> = {};
          if (E.isRight(after))
            for (const e of after.right.filter((r) => r.globalPosition > head)) {
              appended[e.streamId] = [...(appended[e.streamId] ?? []), { type: e.type, data: e.data }];
            }
          await store.close();
          return { result, appended };
        };
        const outcome = run();
        return {
          /** The workflow succeeded and appended exactly these events, per stream. */
          thenAppended: async (expected: StreamEvents) => {
            const { result, appended } = await outcome;
            if (E.isLeft(result)) assert.unreachable(`expected events, got ${result.left.code}: ${result.left.message}`);
            assert.equal(appended, expected);
          },
          /** The workflow succeeded and appended nothing. */
          thenNothing: async () => {
            const { result, appended } = await outcome;
            if (E.isLeft(result)) assert.unreachable(`expected success, got ${result.left.code}: ${result.left.message}`);
            assert.equal(appended, {});
          },
          /** The workflow was refused with this code, and nothing was appended. */
          thenError: async (code: string) => {
            const { result, appended } = await outcome;
            if (E.isRight(result)) assert.unreachable(`expected ${code}, got ${JSON.stringify(appended)}`);
            assert.is((result as E.Left<{ code: string }>).left.code, code);
            assert.equal(appended, {}, 'a refused workflow appends nothing');
          },
        };
      },
    }),
  };
};
