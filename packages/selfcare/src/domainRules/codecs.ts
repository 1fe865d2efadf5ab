import type * as t from 'io-ts';
import { Bool, DomainName, SecretInput, struct } from '../shared/codecs.js';

/** `DefaultCUPMPassword`: the enabled flag and, optionally, new data (the password, kept by the credentials port only). */
export const DefaultPasswordRuleInput = struct('DefaultPasswordRule', { enabled: Bool }, { password: SecretInput });
export type DefaultPasswordRuleInput = t.TypeOf<typeof DefaultPasswordRuleInput>;

/** Input of `createDomain`. `createSelfCareAccounts` defaults to false (the vendor's default). */
export const CreateDomainInput = struct(
  'CreateDomain',
  { domain: DomainName },
  { createSelfCareAccounts: Bool, defaultPassword: DefaultPasswordRuleInput },
);
export type CreateDomainInput = t.TypeOf<typeof CreateDomainInput>;

/** Input of `setCreateSelfCareAccountsRule`. */
export const SetCreateSelfCareAccountsInput = struct('SetCreateSelfCareAccounts', { domain: DomainName, enabled: Bool });
export type SetCreateSelfCareAccountsInput = t.TypeOf<typeof SetCreateSelfCareAccountsInput>;

/** Input of `setDefaultPasswordRule`. */
export const SetDefaultPasswordRuleInput = struct(
  'SetDefaultPasswordRule',
  { domain: DomainName, enabled: Bool },
  { password: SecretInput },
);
export type SetDefaultPasswordRuleInput = t.TypeOf<typeof SetDefaultPasswordRuleInput>;
