import { type DomainError, domainError, type ErrorShape, type StoreError, type ValidationError } from '@selfprov/core';

/**
 * Every code a self-care rule refuses a command with. Stable: callers branch
 * on them, the HTTP adapter maps them to 4xx answers.
 */
export type SelfCareCode =
  // authorization and sessions
  | 'not_owner'
  | 'not_authorized'
  | 'not_authenticated'
  | 'session_expired'
  | 'self_care_not_enabled'
  | 'subject_required'
  | 'feature_hidden'
  // login
  | 'invalid_credentials'
  | 'account_locked'
  | 'login_throttled'
  | 'current_password_wrong'
  // domains, accounts, roles
  | 'domain_not_found'
  | 'domain_exists'
  | 'self_care_rule_off'
  | 'default_password_missing'
  | 'account_not_found'
  | 'account_exists'
  | 'domain_mismatch'
  // phone, line and single-number-reach settings
  | 'unknown_line'
  | 'not_applicable'
  | 'mac_in_use'
  | 'locale_not_installed'
  | 'unknown_audio_source'
  | 'forward_loop'
  | 'too_many_speed_dials'
  | 'speed_dial_not_found'
  | 'too_many_alternate_numbers'
  | 'alternate_number_exists'
  | 'alternate_number_not_found'
  | 'alternate_number_is_own_line'
  | 'timers_inconsistent';

/** A refusal by a self-care rule. */
export type SelfCareDomainError = DomainError<SelfCareCode>;

/** What a decider of this package refuses with: bad input, or a rule. */
export type SelfCareDecideError = ValidationError | SelfCareDomainError;

/** A port (phone directory, credentials) failed. Never carries a secret. */
export interface SelfCarePortError extends ErrorShape<'SelfCarePortError', 'directory_unavailable' | 'credentials_unavailable'> {}

/** The credentials port refused or failed; its error passes through unchanged (it names the field, never the secret). */
export type CredentialsError = ValidationError | ErrorShape;

/** Anything a facade operation can fail with. */
export type SelfCareError = SelfCareDecideError | StoreError | SelfCarePortError | CredentialsError;

export const refuse = (code: SelfCareCode, message: string, field?: string, details?: Record<string, unknown>): SelfCareDomainError =>
  domainError(code, message, {
    ...(field === undefined ? {} : { field }),
    ...(details === undefined ? {} : { details }),
  });

export const notOwner = (field: string, what = 'phones or profiles'): SelfCareDomainError =>
  refuse('not_owner', `${field} is not one of your ${what}`, field);

export const featureHidden = (page: string, feature: string): SelfCareDomainError =>
  refuse('feature_hidden', `the ${feature} feature of the ${page} settings page is hidden by the operator`, 'feature', { page, feature });

export const portError = (code: SelfCarePortError['code'], message: string): SelfCarePortError => ({
  _tag: 'SelfCarePortError',
  code,
  message,
});
