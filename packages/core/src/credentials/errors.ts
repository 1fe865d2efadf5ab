import { type DomainError, domainError, type ErrorShape, type ValidationError, validationError } from '../kernel/errors.js';

/** Why a new PIN (phone or voicemail) is refused. One code per rule. */
export type PinRuleCode =
  | 'pin_not_digits'
  | 'pin_too_short'
  | 'pin_too_long'
  | 'pin_repeated_digit'
  | 'pin_too_few_distinct_digits'
  | 'pin_sequential'
  | 'pin_repeated_group'
  | 'pin_keypad_line'
  | 'pin_contains_extension'
  | 'pin_matches_name'
  | 'pin_blocklisted';

/** Why a new password is refused. */
export type PasswordRuleCode =
  | 'password_invalid'
  | 'password_too_short'
  | 'password_too_long'
  | 'password_contains_user_id'
  | 'password_contains_name'
  | 'password_blocklisted';

/** Why a new system authentication code is refused. */
export type AuthenticationCodeRuleCode = 'authentication_code_invalid' | 'authentication_code_empty';

/** Every code a new credential can be refused with (as a `ValidationError` naming the field). */
export type CredentialRuleCode = PinRuleCode | PasswordRuleCode | AuthenticationCodeRuleCode | 'credential_reused' | 'secret_too_long';

/** Refusals that depend on stored state rather than the input. */
export type CredentialDomainCode = 'credential_not_set';

/** Infrastructure failures of the ports (store, throttle store, hasher). */
export type CredentialPortErrorCode =
  | 'credential_revision_conflict'
  | 'credential_store_unavailable'
  | 'throttle_store_unavailable'
  | 'hasher_failed'
  | 'credential_conflict_retries_exhausted';

/** A port failed. Never carries the secret, the hash, nor the underlying exception text (it might echo either). */
export interface CredentialPortError extends ErrorShape<'CredentialPortError', CredentialPortErrorCode> {}

/** Anything a credentials operation can fail with. */
export type CredentialError = ValidationError | DomainError<CredentialDomainCode> | CredentialPortError;

export const credentialPortError = (
  code: CredentialPortErrorCode,
  message: string,
  details?: Record<string, unknown>,
): CredentialPortError =>
  details === undefined ? { _tag: 'CredentialPortError', code, message } : { _tag: 'CredentialPortError', code, message, details };

const RULE_MESSAGES: Readonly<Record<CredentialRuleCode, string>> = {
  pin_not_digits: 'must contain digits 0-9 only',
  pin_too_short: 'is shorter than the policy minimum length',
  pin_too_long: 'is longer than the maximum length',
  pin_repeated_digit: 'must not repeat one digit more than twice in a row',
  pin_too_few_distinct_digits: 'must contain at least 3 different digits',
  pin_sequential: 'must not be a run of consecutive digits (ascending or descending)',
  pin_repeated_group: 'must not be a repeated group of digits',
  pin_keypad_line: 'must not be a straight line of keys on the keypad',
  pin_contains_extension: "must not contain the user's extension or mailbox number, nor its reverse",
  pin_matches_name: "must not spell the user's first or last name on the keypad",
  pin_blocklisted: 'is too common',
  password_invalid: 'must be 1 to 256 characters without control characters',
  password_too_short: 'is shorter than the policy minimum length',
  password_too_long: 'is longer than the maximum length',
  password_contains_user_id: "must not contain the user's id",
  password_contains_name: "must not contain the user's first or last name",
  password_blocklisted: 'is too common',
  authentication_code_invalid: 'must be 0 to 20 digits 0-9',
  authentication_code_empty: 'must not be empty',
  credential_reused: 'was used recently and may not be used again yet',
  secret_too_long: 'is longer than any credential can be',
};

/** The refusal for a credential rule: fixed wording, the field, never the value. */
export const credentialRuleError = (code: CredentialRuleCode, field: string, details?: Record<string, unknown>): ValidationError =>
  validationError(code, field, `${field} ${RULE_MESSAGES[code]}`, details);

export const credentialNotSet = (field: string): DomainError<'credential_not_set'> =>
  domainError('credential_not_set', `no ${field} is set for this subject`, { field });
