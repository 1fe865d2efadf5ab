import type { DomainEvent } from '@selfprov/core';

/** Events of `selfcare-domain-<name>`. The default password itself is never here: only whether data is set. */
export type SelfCareDomainCreated = DomainEvent<
  'SelfCareDomainCreated',
  { readonly domain: string; readonly createSelfCareAccounts: boolean }
>;
export type CreateSelfCareAccountsRuleChanged = DomainEvent<
  'CreateSelfCareAccountsRuleChanged',
  { readonly domain: string; readonly enabled: boolean }
>;
export type DefaultPasswordRuleChanged = DomainEvent<
  'DefaultPasswordRuleChanged',
  {
    readonly domain: string;
    readonly enabled: boolean;
    /** True when the rule now has data (a default password is stored by the credentials port). */
    readonly dataSet: boolean;
    /** True when this change stored new data. */
    readonly dataChanged: boolean;
  }
>;

export type DomainRulesEvent = SelfCareDomainCreated | CreateSelfCareAccountsRuleChanged | DefaultPasswordRuleChanged;
export const domainRulesEventTypes: readonly DomainRulesEvent['type'][] = [
  'SelfCareDomainCreated',
  'CreateSelfCareAccountsRuleChanged',
  'DefaultPasswordRuleChanged',
];
