import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type CommandContext, type CommandDeps, type CommandResult, recordFacts } from '../kernel/command/handler.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import type { CredentialEvent } from './events.js';

/** Where a credential operation's events go and on whose behalf: the subject's stream, chosen by the caller. */
export interface CredentialRecordingRequest {
  /** The stream the facts belong to (`user-<id>`, a self-care account, a domain...). */
  readonly streamId: string;
  readonly events: readonly CredentialEvent[];
  /** `commandId` makes a repeated recording (a retried request) a no-op. */
  readonly context: CommandContext;
}

/**
 * The one way to record what a credentials operation reports (packages/core/src/credentials/
 * operations/ answer `events`, facts that never carry a secret): appended to the subject's
 * stream through the command handler, guarded by the version it read (a concurrent writer makes it
 * re-read and append again, never interleave), idempotent by `commandId`. Self-care, the IVR
 * gateway, the admin API and the demo seed record through it (erasure records its own
 * `PersonalDataErased` the same way: provisioning/endUser/erasure.ts). Nothing to record answers at once.
 */
export const recordCredentialEvents = (deps: CommandDeps, request: CredentialRecordingRequest): TE.TaskEither<StoreError, CommandResult> =>
  recordFacts(deps, request.streamId, request.events, request.context);
