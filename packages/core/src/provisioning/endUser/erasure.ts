import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type CommandContext, type CommandDeps, type CommandResult, recordFacts } from '../../kernel/command/handler.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import { streams } from '../shared/streams.js';
import type { PersonalDataErased } from './events.js';

/**
 * Records on `user-<id>` that the user's personal data was erased (the key store and the credential
 * store did the erasing; this is the auditor's record of it): through the command handler, guarded
 * by the stream's version and idempotent by `commandId`, like every other write of the domain.
 */
export const recordPersonalDataErasure = (
  deps: CommandDeps,
  data: PersonalDataErased['data'],
  context: CommandContext,
): TE.TaskEither<StoreError, CommandResult> => {
  const event: PersonalDataErased = { type: 'PersonalDataErased', data };
  return recordFacts(deps, streams.user(data.userId), [event], context);
};
