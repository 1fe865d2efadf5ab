import type { Decider } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { refuse, type SelfCareDecideError } from '../shared/errors.js';
import type { DomainRulesCommand } from './commands.js';
import type { DomainRulesEvent } from './events.js';

export interface DomainRulesState {
  readonly exists: boolean;
  readonly domain: string;
  /** `CreateSelfCareAccounts`: users of the domain may be given the `SelfCareUser` role. Off by default. */
  readonly createSelfCareAccounts: boolean;
  /** `DefaultCUPMPassword`: enabled flag, and whether its data (the password) is set. */
  readonly defaultPassword: { readonly enabled: boolean; readonly dataSet: boolean };
}

export const initialDomainRules = (): DomainRulesState => ({
  exists: false,
  domain: '',
  createSelfCareAccounts: false,
  defaultPassword: { enabled: false, dataSet: false },
});

/** True when new self-care accounts of the domain get the default password. */
export const defaultPasswordApplies = (s: DomainRulesState): boolean => s.defaultPassword.enabled && s.defaultPassword.dataSet;

/**
 * The migration rule (packages/selfcare/README.md, "Migration utility"): a
 * domain is processed when both `CreateSelfCareAccounts` and `DefaultCUPMPassword` are set.
 */
export const migrationApplies = (s: DomainRulesState): boolean => s.exists && s.createSelfCareAccounts && defaultPasswordApplies(s);

const adminOnly = (actor: string, field: string) =>
  actor === 'administrator' || actor === 'system'
    ? undefined
    : refuse('not_authorized', 'only an administrator changes domain rules', field);

/** Domain rules (`selfcare-domain-<name>`). */
export const domainRulesDecider: Decider<DomainRulesCommand, DomainRulesEvent, DomainRulesState, SelfCareDecideError> = {
  initialState: initialDomainRules,
  evolve: (state, event) => {
    switch (event.type) {
      case 'SelfCareDomainCreated':
        return {
          ...initialDomainRules(),
          exists: true,
          domain: event.data.domain,
          createSelfCareAccounts: event.data.createSelfCareAccounts,
        };
      case 'CreateSelfCareAccountsRuleChanged':
        return { ...state, createSelfCareAccounts: event.data.enabled };
      case 'DefaultPasswordRuleChanged':
        return { ...state, defaultPassword: { enabled: event.data.enabled, dataSet: event.data.dataSet } };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    const denied = adminOnly(command.actor, 'domain');
    if (denied) return E.left(denied);
    const { domain } = command.data;
    if (command.type === 'CreateDomain') {
      if (state.exists) return E.left(refuse('domain_exists', `domain ${domain} already exists`, 'domain'));
      return E.right([{ type: 'SelfCareDomainCreated', data: { domain, createSelfCareAccounts: command.data.createSelfCareAccounts } }]);
    }
    if (!state.exists) return E.left(refuse('domain_not_found', `domain ${domain} does not exist`, 'domain'));
    if (command.type === 'SetCreateSelfCareAccountsRule') {
      if (state.createSelfCareAccounts === command.data.enabled) return E.right([]);
      return E.right([{ type: 'CreateSelfCareAccountsRuleChanged', data: { domain, enabled: command.data.enabled } }]);
    }
    const { enabled, dataProvided } = command.data;
    const dataSet = state.defaultPassword.dataSet || dataProvided;
    if (enabled && !dataSet)
      return E.left(refuse('default_password_missing', 'enabling DefaultCUPMPassword needs a default password (its data)', 'password'));
    if (!dataProvided && state.defaultPassword.enabled === enabled) return E.right([]);
    return E.right([{ type: 'DefaultPasswordRuleChanged', data: { domain, enabled, dataSet, dataChanged: dataProvided } }]);
  },
};
