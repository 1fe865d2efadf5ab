import { type CommandResult, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { type CallOptions, notAdmin, type SelfCareDeps } from '../facade/deps.js';
import { decode, type Op, op, readFolded } from '../facade/support.js';
import type { SecretKind } from '../ports/credentials.js';
import { refuse } from '../shared/errors.js';
import type { Feature } from '../shared/features.js';
import type { Principal } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import { AdminSetPasswordInput, ChangePasswordInput, ChangePinInput } from './codecs.js';
import type { AccountCommand } from './commands.js';
import { accountDecider } from './decider.js';
import { accountCommand, noFacts } from './userSettings.js';

/**
 * Sets a secret of the subject through the credentials port, records what the
 * port reports, then records the change (never the secret) in the account stream.
 */
const changeSecret = (
  deps: SelfCareDeps,
  principal: Principal,
  kind: SecretKind,
  secret: string,
  field: string,
  feature: Feature,
  record: (subject: string) => AccountCommand,
  call?: CallOptions,
): Op<CommandResult> =>
  op(async () => {
    const who = await deps.authorizeNow(principal, 'user', feature);
    if (E.isLeft(who)) return who;
    const owner = await deps.ownerFacts(who.right.subject, who.right.account);
    if (E.isLeft(owner)) return owner;
    // The credentials port applies the policy (length, trivial-PIN rules, history); the secret goes nowhere else.
    const stored = await deps.credentials.set({
      subject: who.right.subject,
      kind,
      secret,
      owner: owner.right,
      by: principal.kind === 'user' ? 'user' : 'administrator',
      field,
    })();
    if (E.isLeft(stored)) return stored;
    const commandId = deps.commandIdOf(call);
    const audited = await deps.audit(deps.context(principal, commandId), selfCareStreams.account(who.right.subject), stored.right);
    if (E.isLeft(audited)) return audited;
    return accountCommand(deps, principal, feature, noFacts, record, { commandId })();
  });

/** A user gives `currentPassword`; an administrator acting for the user does not. Other sessions are closed. */
export const changePassword = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
  op(async () => {
    const data = decode(ChangePasswordInput, input);
    if (E.isLeft(data)) return data;
    const { newPassword, currentPassword } = data.right;
    if (principal.kind === 'user') {
      if (currentPassword === undefined) return E.left(validationError('invalid_input', 'currentPassword', 'currentPassword is required'));
      const who = await deps.authorizeNow(principal, 'user', 'Password');
      if (E.isLeft(who)) return who;
      const verified = await deps.credentials.verify({
        subject: who.right.subject,
        kind: 'password',
        secret: currentPassword,
        deviceKey: `session:${principal.sessionId}`,
      })();
      if (E.isLeft(verified)) return verified;
      const audited = await deps.audit(
        deps.context(principal, deps.runtime.ids.uuid()),
        selfCareStreams.account(who.right.subject),
        verified.right,
      );
      if (E.isLeft(audited)) return audited;
      if (verified.right.result === 'locked_out')
        return E.left(
          refuse('account_locked', 'too many failed attempts: the account is locked', 'currentPassword', {
            until: verified.right.until,
          }),
        );
      if (verified.right.result !== 'verified')
        return E.left(refuse('current_password_wrong', 'currentPassword is wrong', 'currentPassword'));
    }
    const keep = principal.kind === 'user' ? { keepSessionId: principal.sessionId } : {};
    return changeSecret(
      deps,
      principal,
      'password',
      newPassword,
      'newPassword',
      'Password',
      (userId) => ({
        type: 'RecordPasswordSet',
        data: { userId, source: principal.kind === 'user' ? 'user' : 'administrator', ...keep },
        actor: deps.actorKind(principal),
      }),
      call,
    )();
  });

/** The phone PIN (Unified CM / extension mobility), under the trivial-PIN and history rules. */
export const changePhonePin = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(ChangePinInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return changeSecret(
    deps,
    principal,
    'pin',
    data.right.pin,
    'pin',
    'Pin',
    (userId) => ({ type: 'RecordPinChanged', data: { userId, pin: 'phone' }, actor: deps.actorKind(principal) }),
    call,
  );
};

/** The voicemail PIN (Unity Connection), separate from the phone PIN. */
export const changeVoicemailPin = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(ChangePinInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return changeSecret(
    deps,
    principal,
    'voicemail-pin',
    data.right.pin,
    'pin',
    'Pin',
    (userId) => ({ type: 'RecordPinChanged', data: { userId, pin: 'voicemail' }, actor: deps.actorKind(principal) }),
    call,
  );
};

/** Sets an account's password (after the policy); until then an account without the default password cannot log in. */
export const setPassword = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
  op(async () => {
    const data = decode(AdminSetPasswordInput, input);
    if (E.isLeft(data)) return data;
    if (principal.kind !== 'administrator') return E.left(notAdmin());
    const { userId, password } = data.right;
    const account = await readFolded(deps.store, accountDecider, selfCareStreams.account(userId));
    if (E.isLeft(account)) return account;
    if (!account.right.exists) return E.left(refuse('account_not_found', `no self-care account for user ${userId}`, 'userId'));
    const owner = await deps.ownerFacts(userId, account.right);
    if (E.isLeft(owner)) return owner;
    const stored = await deps.credentials.set({
      subject: userId,
      kind: 'password',
      secret: password,
      owner: owner.right,
      by: 'administrator',
      field: 'password',
    })();
    if (E.isLeft(stored)) return stored;
    const commandId = deps.commandIdOf(call);
    const audited = await deps.audit(deps.context(principal, commandId), selfCareStreams.account(userId), stored.right);
    if (E.isLeft(audited)) return audited;
    return deps.append(
      accountDecider,
      selfCareStreams.account(userId),
      { type: 'RecordPasswordSet', data: { userId, source: 'administrator' }, actor: 'administrator' },
      deps.context(principal, commandId),
    );
  });
