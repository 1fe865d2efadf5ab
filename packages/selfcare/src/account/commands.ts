import type { Actor } from '@selfprov/core';
import type { DomainRulesState } from '../domainRules/decider.js';
import type { VerifyOutcome } from '../ports/credentials.js';
import type { PersonalData } from './events.js';

type By = { readonly actor: Actor['kind'] };

/** An administrator creates a provisioning account; `SelfCareUser` among the roles needs the domain's rule. */
export type CreateAccount = By & {
  readonly type: 'CreateAccount';
  readonly data: { readonly userId: string; readonly domain: string; readonly roles: readonly string[]; readonly personal: PersonalData };
  /** The rules of `data.domain`, loaded in the same decision. */
  readonly domainRules: DomainRulesState;
};

/** Gives or takes away `SelfCareUser`. `expectedDomain`: the batch file's domain column, which must match. */
export type SetSelfCareRole = By & {
  readonly type: 'SetSelfCareRole';
  readonly data: { readonly userId: string; readonly enabled: boolean; readonly expectedDomain?: string };
  /** The rules of the account's domain. */
  readonly domainRules: DomainRulesState;
};

/** Records that a password now exists (the credentials port stored it first). `keepSessionId`: the session that changed it stays open. */
export type RecordPasswordSet = By & {
  readonly type: 'RecordPasswordSet';
  readonly data: { readonly userId: string; readonly source: 'administrator' | 'user' | 'domain-default'; readonly keepSessionId?: string };
};

/** Records a login attempt and its outcome; on success opens the session. */
export type RecordLogin = {
  readonly type: 'RecordLogin';
  readonly data: {
    readonly userId: string;
    /** The credentials port's answer, or `not_attempted` when `loginPrecheck` refused first. */
    readonly outcome: VerifyOutcome | { readonly result: 'not_attempted' };
    readonly session: { readonly sessionId: string; readonly tokenHash: string; readonly openedAt: string; readonly expiresAt: string };
  };
};

export type Logout = { readonly type: 'Logout'; readonly data: { readonly userId: string; readonly sessionId: string } };

export type ChangeName = {
  readonly type: 'ChangeName';
  readonly data: { readonly userId: string; readonly firstName: string; readonly lastName: string };
};
export type ChangeEmail = { readonly type: 'ChangeEmail'; readonly data: { readonly userId: string; readonly email: string } };
/** `ownPhones`: the subject's phones from the phone directory, read in the same decision. */
export type ChangePrimaryPhone = {
  readonly type: 'ChangePrimaryPhone';
  readonly data: { readonly userId: string; readonly deviceName: string };
  readonly ownPhones: readonly string[];
};
/** Records that a PIN changed (the credentials port stored it first). */
export type RecordPinChanged = By & {
  readonly type: 'RecordPinChanged';
  readonly data: { readonly userId: string; readonly pin: 'phone' | 'voicemail' };
};

export type AccountCommand =
  | CreateAccount
  | SetSelfCareRole
  | RecordPasswordSet
  | RecordLogin
  | Logout
  | ChangeName
  | ChangeEmail
  | ChangePrimaryPhone
  | RecordPinChanged;
