import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { type CallOptions, notAdmin, type SelfCareDeps } from '../facade/deps.js';
import { decode, type Op, op, readFolded } from '../facade/support.js';
import { refuse } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { domainCredentialSubject, selfCareStreams } from '../shared/streams.js';
import { CreateDomainInput, SetCreateSelfCareAccountsInput, SetDefaultPasswordRuleInput } from './codecs.js';
import type { DomainRulesCommand } from './commands.js';
import { domainRulesDecider } from './decider.js';

const domainCommand = (deps: SelfCareDeps, principal: Principal, command: DomainRulesCommand, call?: CallOptions): Op<CommandResult> =>
  op(async () =>
    deps.append(domainRulesDecider, selfCareStreams.domain(command.data.domain), command, deps.context(principal, deps.commandIdOf(call))),
  );

/** `DefaultCUPMPassword`: enabled flag and, optionally, new data (stored by the credentials port, never in events). */
export const setDefaultPasswordRule = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
  op(async () => {
    const data = decode(SetDefaultPasswordRuleInput, input);
    if (E.isLeft(data)) return data;
    const { domain, enabled, password } = data.right;
    if (principal.kind !== 'administrator') return E.left(notAdmin());
    const commandId = deps.commandIdOf(call);
    if (password !== undefined) {
      const rules = await readFolded(deps.store, domainRulesDecider, selfCareStreams.domain(domain));
      if (E.isLeft(rules)) return rules;
      if (!rules.right.exists) return E.left(refuse('domain_not_found', `domain ${domain} does not exist`, 'domain'));
      const stored = await deps.credentials.set({
        subject: domainCredentialSubject(domain),
        kind: 'password',
        secret: password,
        owner: {},
        by: 'administrator',
        field: 'password',
      })();
      if (E.isLeft(stored)) return stored;
      const audited = await deps.audit(deps.context(principal, commandId), selfCareStreams.domain(domain), stored.right);
      if (E.isLeft(audited)) return audited;
    }
    return domainCommand(
      deps,
      principal,
      { type: 'SetDefaultPasswordRule', data: { domain, enabled, dataProvided: password !== undefined }, actor: deps.actorKind(principal) },
      { commandId },
    )();
  });

/** Creates a domain; `CreateSelfCareAccounts` off unless given, `DefaultCUPMPassword` optional. */
export const createDomain = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
  op(async () => {
    const data = decode(CreateDomainInput, input);
    if (E.isLeft(data)) return data;
    const { domain, createSelfCareAccounts, defaultPassword } = data.right;
    const created = await domainCommand(
      deps,
      principal,
      {
        type: 'CreateDomain',
        data: { domain, createSelfCareAccounts: createSelfCareAccounts ?? false },
        actor: deps.actorKind(principal),
      },
      call,
    )();
    if (E.isLeft(created) || defaultPassword === undefined) return created;
    const commandId = deps.commandIdOf(call);
    const rule = await setDefaultPasswordRule(
      deps,
      principal,
      { domain, ...defaultPassword },
      { commandId: `${commandId}:default-password` },
    )();
    return E.isLeft(rule) ? rule : E.right({ ...created.right, events: [...created.right.events, ...rule.right.events] });
  });

/** Turns the domain's `CreateSelfCareAccounts` rule on or off. */
export const setCreateSelfCareAccountsRule = (
  deps: SelfCareDeps,
  principal: Principal,
  input: unknown,
  call?: CallOptions,
): Op<CommandResult> => {
  const data = decode(SetCreateSelfCareAccountsInput, input);
  if (E.isLeft(data)) return deps.fail(data.left);
  return domainCommand(
    deps,
    principal,
    { type: 'SetCreateSelfCareAccountsRule', data: data.right, actor: deps.actorKind(principal) },
    call,
  );
};
