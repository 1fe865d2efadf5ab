import type { Actor } from '@selfprov/core';
import type { DomainName } from '../shared/codecs.js';

type By = { readonly actor: Actor['kind'] };

export type CreateDomain = By & {
  readonly type: 'CreateDomain';
  readonly data: { readonly domain: DomainName; readonly createSelfCareAccounts: boolean };
};
export type SetCreateSelfCareAccountsRule = By & {
  readonly type: 'SetCreateSelfCareAccountsRule';
  readonly data: { readonly domain: DomainName; readonly enabled: boolean };
};
/** `dataProvided`: the facade has just stored a new default password through the credentials port. */
export type SetDefaultPasswordRule = By & {
  readonly type: 'SetDefaultPasswordRule';
  readonly data: { readonly domain: DomainName; readonly enabled: boolean; readonly dataProvided: boolean };
};

export type DomainRulesCommand = CreateDomain | SetCreateSelfCareAccountsRule | SetDefaultPasswordRule;
