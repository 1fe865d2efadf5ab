import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, foldLoaded, type Op } from '../facade/support.js';
import type { DirectoryDevice } from '../ports/phoneDirectory.js';
import type { SelfCareError } from '../shared/errors.js';
import type { Feature } from '../shared/features.js';
import type { Principal } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import { ChangeEmailInput, ChangeNameInput, ChangePrimaryPhoneInput } from './codecs.js';
import type { AccountCommand } from './commands.js';
import { accountDecider } from './decider.js';

/** A user-settings command: the account stream is the target (and, as the subject's account, also the guard). */
export const accountCommand = <F>(
  deps: SelfCareDeps,
  principal: Principal,
  feature: Feature,
  facts: (subject: string) => Promise<E.Either<SelfCareError, F>>,
  command: (subject: string, facts: F) => AccountCommand,
  call?: CallOptions,
): Op<CommandResult> =>
  deps.scoped<F>(
    principal,
    {
      page: 'user',
      feature,
      target: (subject) => selfCareStreams.account(subject),
      facts,
      decide: (loaded, f, subject, target) => accountDecider.decide(command(subject, f), foldLoaded(accountDecider, loaded, target)),
    },
    call,
  );

/** For account commands that need nothing from the phone directory. */
export const noFacts = async () => E.right(undefined);

/** Changes the user's first and last name (personal data). */
export const changeName = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(ChangeNameInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return accountCommand(
    deps,
    principal,
    'Information',
    noFacts,
    (userId) => ({ type: 'ChangeName', data: { userId, ...data.right } }),
    call,
  );
};

/** Changes the user's email address (personal data). */
export const changeEmail = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(ChangeEmailInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return accountCommand(
    deps,
    principal,
    'Information',
    noFacts,
    (userId) => ({ type: 'ChangeEmail', data: { userId, email: data.right.email } }),
    call,
  );
};

/** Only one of the user's own phones can be primary. */
export const changePrimaryPhone = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(ChangePrimaryPhoneInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return accountCommand<readonly string[]>(
    deps,
    principal,
    'Information',
    async (subject) =>
      E.map((ds: readonly DirectoryDevice[]) => ds.filter((d) => d.kind === 'phone').map((d) => d.deviceName))(
        await deps.phones.phonesOf(subject)(),
      ),
    (userId, ownPhones) => ({ type: 'ChangePrimaryPhone', data: { userId, deviceName: data.right.primaryPhone }, ownPhones }),
    call,
  );
};
