import type { Channel, CommandResult, DomainEvent } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { defaultPasswordApplies, domainRulesDecider } from '../domainRules/decider.js';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, foldLoaded, type Op, op, readFolded } from '../facade/support.js';
import type { SelfCareError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { domainCredentialSubject, selfCareStreams } from '../shared/streams.js';
import { CreateAccountInput, SetSelfCareRoleInput } from './codecs.js';
import { accountDecider, hasSelfCare } from './decider.js';

/**
 * Gives the domain's default password to an account that has the self-care
 * role and no password yet, when the domain's `DefaultCUPMPassword` rule is
 * set. The secret is copied inside the credentials port; the event records
 * only that a password now exists. Answers whether it applied.
 */
export const applyDefaultPassword = async (
  deps: SelfCareDeps,
  principal: Principal,
  userId: string,
  commandId: string,
  channel?: Channel,
): Promise<E.Either<SelfCareError, boolean>> => {
  const { store, credentials } = deps;
  const account = await readFolded(store, accountDecider, selfCareStreams.account(userId));
  if (E.isLeft(account)) return account;
  if (!account.right.exists || !hasSelfCare(account.right) || account.right.passwordSet) return E.right(false);
  const rules = await readFolded(store, domainRulesDecider, selfCareStreams.domain(account.right.domain));
  if (E.isLeft(rules)) return rules;
  if (!defaultPasswordApplies(rules.right)) return E.right(false);
  const copied = await credentials.copy({ from: domainCredentialSubject(account.right.domain), to: userId, kind: 'password' })();
  if (E.isLeft(copied)) return copied;
  const audited = await deps.audit(
    deps.context(principal, `${commandId}:default-password`, channel),
    selfCareStreams.account(userId),
    copied.right,
  );
  if (E.isLeft(audited)) return audited;
  const recorded = await deps.append(
    accountDecider,
    selfCareStreams.account(userId),
    { type: 'RecordPasswordSet', data: { userId, source: 'domain-default' }, actor: 'system' },
    deps.context(principal, `${commandId}:default-password`, channel),
  );
  return E.map(() => true)(recorded);
};

/** Creates the account (guarded by its domain's rules), then gives it the default password if that applies. */
export const createAccountWith = (
  deps: SelfCareDeps,
  principal: Principal,
  data: CreateAccountInput,
  commandId: string,
  channel?: Channel,
): Op<CommandResult> =>
  op(async () => {
    const accountId = selfCareStreams.account(data.userId);
    const domainId = selfCareStreams.domain(data.domain);
    const { firstName, lastName, email } = data.personal ?? {};
    const settled = await deps.appendMulti(
      {
        streams: [accountId, domainId],
        decide: (loaded) => {
          const domainRules = foldLoaded(domainRulesDecider, loaded, domainId);
          const events = accountDecider.decide(
            {
              type: 'CreateAccount',
              data: {
                userId: data.userId,
                domain: data.domain,
                roles: data.roles ?? [],
                personal: { firstName: firstName ?? null, lastName: lastName ?? null, email: email ?? null },
              },
              actor: deps.actorKind(principal),
              domainRules,
            },
            foldLoaded(accountDecider, loaded, accountId),
          );
          return E.map((ev: readonly DomainEvent[]) => [
            { streamId: accountId, events: ev },
            { streamId: domainId, events: [] },
          ])(events);
        },
      },
      deps.context(principal, commandId, channel),
    );
    if (E.isLeft(settled)) return settled;
    const applied = await applyDefaultPassword(deps, principal, data.userId, commandId, channel);
    return E.isLeft(applied) ? applied : settled;
  });

/**
 * Gives or takes away the `SelfCareUser` role (guarded by the account's domain
 * rules), then, when given and `defaultPassword` is true, the default password
 * if that applies.
 */
export const setSelfCareRoleWith = (
  deps: SelfCareDeps,
  principal: Principal,
  data: { userId: string; enabled: boolean; domain?: string },
  commandId: string,
  channel?: Channel,
  defaultPassword = true,
): Op<CommandResult> =>
  op(async () => {
    const accountId = selfCareStreams.account(data.userId);
    let domainId: string | undefined;
    const settled = await deps.appendMulti(
      {
        streams: () => async () => {
          const account = await readFolded(deps.store, accountDecider, accountId);
          if (E.isLeft(account)) return account;
          domainId = account.right.exists ? selfCareStreams.domain(account.right.domain) : undefined;
          return E.right(domainId === undefined ? [accountId] : [accountId, domainId]);
        },
        decide: (loaded) => {
          const domainRules = domainId === undefined ? domainRulesDecider.initialState() : foldLoaded(domainRulesDecider, loaded, domainId);
          const events = accountDecider.decide(
            {
              type: 'SetSelfCareRole',
              data: { userId: data.userId, enabled: data.enabled, ...(data.domain === undefined ? {} : { expectedDomain: data.domain }) },
              actor: deps.actorKind(principal),
              domainRules,
            },
            foldLoaded(accountDecider, loaded, accountId),
          );
          return E.map((ev: readonly DomainEvent[]) => [
            { streamId: accountId, events: ev },
            ...(domainId === undefined ? [] : [{ streamId: domainId, events: [] }]),
          ])(events);
        },
      },
      deps.context(principal, commandId, channel),
    );
    if (E.isLeft(settled) || !data.enabled || !defaultPassword) return settled;
    const applied = await applyDefaultPassword(deps, principal, data.userId, commandId, channel);
    return E.isLeft(applied) ? applied : settled;
  });

/** Creates a provisioning account of a domain with its roles; `SelfCareUser` needs the domain's rule. */
export const createAccount = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(CreateAccountInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return createAccountWith(deps, principal, data.right, deps.commandIdOf(call));
};

/** Gives (needs the domain's rule) or takes away the `SelfCareUser` role; taking it away closes the sessions. */
export const setSelfCareRole = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
  const data = decode(SetSelfCareRoleInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return setSelfCareRoleWith(deps, principal, data.right, deps.commandIdOf(call));
};
