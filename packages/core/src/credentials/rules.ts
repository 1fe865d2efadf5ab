import * as E from 'fp-ts/lib/Either.js';
import type { ValidationError } from '../kernel/errors.js';
import {
  type AuthenticationCode,
  type CredentialOwner,
  type CredentialPolicy,
  codePointLength,
  MAX_AUTHENTICATION_CODE_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_PIN_LENGTH,
  type Password,
  type Pin,
} from './codecs.js';
import { type AuthenticationCodeRuleCode, credentialRuleError, type PasswordRuleCode, type PinRuleCode } from './errors.js';

/**
 * The rules a new credential must satisfy. Pure functions of the candidate,
 * the owner's identity facts and the policy. The vendor's trivial-PIN rules
 * come first, then NIST SP 800-63B's (sequential digits, a blocklist).
 */

/** Options the rules read from the policy. */
export type RuleOptions = Pick<CredentialPolicy, 'minLength' | 'trivialCheck'>;

// ---------------------------------------------------------------------------
// Keypad geometry

/** The letters of each phone keypad key (ITU E.161): dial-by-name digits. */
const KEYPAD_LETTERS: Readonly<Record<string, string>> = {
  '2': 'ABC',
  '3': 'DEF',
  '4': 'GHI',
  '5': 'JKL',
  '6': 'MNO',
  '7': 'PQRS',
  '8': 'TUV',
  '9': 'WXYZ',
};
const LETTER_TO_DIGIT: ReadonlyMap<string, string> = new Map(
  Object.entries(KEYPAD_LETTERS).flatMap(([digit, letters]) => [...letters].map((l) => [l, digit] as const)),
);

/** Strips accents and case so `Zoë` and `ZOE` compare equal. */
export const foldName = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase();

/**
 * The digits a caller presses to spell a name on the keypad (dial by name):
 * `Alice` -> `25423`. Characters without a key (spaces, digits, punctuation) are skipped.
 */
export const dialByNameDigits = (name: string): string => [...foldName(name)].map((ch) => LETTER_TO_DIGIT.get(ch) ?? '').join('');

/**
 * The straight lines of three or more digit keys on a phone keypad
 * (1 2 3 / 4 5 6 / 7 8 9 / * 0 #): rows, columns (the middle one runs to 0)
 * and diagonals. Either direction is a line too.
 */
const KEYPAD_LINES = ['123', '456', '789', '147', '2580', '369', '159', '357'];

/** Every run of 3+ consecutive keys along a keypad line, both directions: 123, 321, 258, 580, 2580, 0852, ... */
export const KEYPAD_SEGMENTS: ReadonlySet<string> = new Set(
  KEYPAD_LINES.flatMap((line) => {
    const runs: string[] = [];
    for (let start = 0; start < line.length; start++) {
      for (let end = start + 3; end <= line.length; end++) {
        const run = line.slice(start, end);
        runs.push(run, [...run].reverse().join(''));
      }
    }
    return runs;
  }),
);
const LONGEST_SEGMENT = Math.max(...[...KEYPAD_SEGMENTS].map((s) => s.length));

/**
 * True when the digits are made only of straight keypad lines: one line
 * (2580, 159, 753, 0852) or several in a row (147258369, 123654789). The vendor
 * names single lines; a PIN of the default minimum length (8) can only be
 * several, so this counts chains of lines too.
 */
export const isKeypadLine = (digits: string): boolean => {
  if (digits.length < 3) return false;
  // made[i]: digits.slice(i) splits into keypad segments.
  const made: boolean[] = new Array(digits.length + 1).fill(false);
  made[digits.length] = true;
  for (let i = digits.length - 3; i >= 0; i--) {
    for (let len = 3; len <= LONGEST_SEGMENT && i + len <= digits.length; len++) {
      if (made[i + len] && KEYPAD_SEGMENTS.has(digits.slice(i, i + len))) {
        made[i] = true;
        break;
      }
    }
  }
  return made[0] === true;
};

/** True for a run of consecutive digits, ascending or descending, wrapping 9-0 (1234, 4321, 7890123). 3+ digits. */
export const isSequential = (digits: string): boolean => {
  if (digits.length < 3 || !/^[0-9]+$/.test(digits)) return false;
  const steps = new Set<number>();
  for (let i = 1; i < digits.length; i++) steps.add((Number(digits[i]) - Number(digits[i - 1]) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
};

/** True when the digits are one group repeated (408408, 1212, 123123). */
export const isRepeatedGroup = (digits: string): boolean => /^([0-9]+)\1+$/.test(digits);

/** True when one digit appears more than twice in a row (1112, 9000). */
export const hasRepeatedDigit = (digits: string): boolean => /([0-9])\1\1/.test(digits);

/** Number of different digits. */
export const distinctDigits = (digits: string): number => new Set(digits).size;

/**
 * Common PINs (DataGenetics' PIN frequency study and the usual 6- and 8-digit
 * variants) that no other rule catches on its own; kept short on purpose.
 */
export const COMMON_PINS: ReadonlySet<string> = new Set([
  '1004',
  '2000',
  '2001',
  '1122',
  '1313',
  '6969',
  '112233',
  '121212',
  '131313',
  '123321',
  '102030',
  '696969',
  '11223344',
  '12344321',
  '12121212',
  '19841984',
  '20002000',
  '11112222',
  '13579246',
  '24681357',
  '10203040',
  '12312312',
  '13131313',
  '14141414',
  '12345679',
  '98765431',
  '01012000',
  '01011990',
]);

/** Minimum length of an extension, mailbox, user id or name before the "contains" rules apply (shorter would refuse too much). */
export const MIN_IDENTITY_LENGTH = 3;

const digitsOnly = (s: string | undefined): string => (s ?? '').replace(/[^0-9]/g, '');
const reverse = (s: string): string => [...s].reverse().join('');

/**
 * Every rule a PIN breaks, in a fixed order (format and length first, then
 * the vendor's trivial rules, then NIST's). Empty when the PIN is acceptable.
 * With `trivialCheck` off only format and length are checked.
 */
export const pinViolations = (pin: string, owner: CredentialOwner, options: RuleOptions): PinRuleCode[] => {
  if (pin.length > 0 && !/^[0-9]+$/.test(pin)) return ['pin_not_digits'];
  const found: PinRuleCode[] = [];
  if (pin.length < options.minLength) found.push('pin_too_short');
  if (pin.length > MAX_PIN_LENGTH) found.push('pin_too_long');
  if (!options.trivialCheck || pin.length === 0) return found;
  if (hasRepeatedDigit(pin)) found.push('pin_repeated_digit');
  if (distinctDigits(pin) < 3) found.push('pin_too_few_distinct_digits');
  if (isSequential(pin)) found.push('pin_sequential');
  if (isRepeatedGroup(pin)) found.push('pin_repeated_group');
  if (isKeypadLine(pin)) found.push('pin_keypad_line');
  const numbers = [digitsOnly(owner.extension), digitsOnly(owner.mailbox)].filter((n) => n.length >= MIN_IDENTITY_LENGTH);
  if (numbers.some((n) => pin.includes(n) || pin.includes(reverse(n)))) found.push('pin_contains_extension');
  const names = [owner.firstName, owner.lastName].map((n) => dialByNameDigits(n ?? '')).filter((d) => d.length > 0);
  if (names.includes(pin)) found.push('pin_matches_name');
  if (COMMON_PINS.has(pin)) found.push('pin_blocklisted');
  return found;
};

/** Checks a new phone or voicemail PIN; the error is the first rule broken, naming `field`. */
export const checkPin = (pin: string, owner: CredentialOwner, options: RuleOptions, field = 'pin'): E.Either<ValidationError, Pin> => {
  const [first] = pinViolations(pin, owner, options);
  return first === undefined ? E.right(pin as Pin) : E.left(credentialRuleError(first, field, ruleDetails(first, options)));
};

/** Common passwords (top of the public breach corpora) and this product's own words. Compared case-insensitively. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password',
  'password1',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  '12345678',
  '123456789',
  '1234567890',
  '87654321',
  '11111111',
  '00000000',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  'azertyui',
  '1q2w3e4r',
  '1qaz2wsx',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'superman',
  'trustno1',
  'welcome1',
  'welcome123',
  'letmein1',
  'letmein!',
  'changeme',
  'changeme1',
  'abc12345',
  'abcd1234',
  'admin123',
  'administrator',
  'cisco123',
  'voicemail',
  'telephone',
]);

/**
 * Every rule a password breaks, in a fixed order. Identity rules compare
 * case- and accent-insensitively, and only with ids and names of 3+ characters.
 */
export const passwordViolations = (password: string, owner: CredentialOwner, options: RuleOptions): PasswordRuleCode[] => {
  if (/[\u0000-\u001f\u007f]/.test(password)) return ['password_invalid'];
  const found: PasswordRuleCode[] = [];
  const length = codePointLength(password);
  if (length < options.minLength) found.push('password_too_short');
  if (length > MAX_PASSWORD_LENGTH) found.push('password_too_long');
  if (!options.trivialCheck || length === 0) return found;
  const folded = foldName(password);
  const userId = foldName(owner.userId ?? '');
  if (userId.length >= MIN_IDENTITY_LENGTH && folded.includes(userId)) found.push('password_contains_user_id');
  const names = [owner.firstName, owner.lastName].map((n) => foldName(n ?? '').trim()).filter((n) => n.length >= MIN_IDENTITY_LENGTH);
  if (names.some((n) => folded.includes(n))) found.push('password_contains_name');
  if (COMMON_PASSWORDS.has(password.toLowerCase())) found.push('password_blocklisted');
  return found;
};

/** Checks a new password; the error is the first rule broken, naming `field`. */
export const checkPassword = (
  password: string,
  owner: CredentialOwner,
  options: RuleOptions,
  field = 'password',
): E.Either<ValidationError, Password> => {
  const [first] = passwordViolations(password, owner, options);
  return first === undefined ? E.right(password as Password) : E.left(credentialRuleError(first, field, ruleDetails(first, options)));
};

/**
 * Checks a new system authentication code: 1 to 20 digits. The vendor accepts
 * 0 to 20; an empty code would let anyone provision on anyone's behalf, so it
 * is refused. The PIN policy (length, triviality) does not apply: the code is
 * the administrators' shared secret and its length is theirs to choose.
 */
export const checkAuthenticationCode = (code: string, field = 'authenticationCode'): E.Either<ValidationError, AuthenticationCode> => {
  const violation: AuthenticationCodeRuleCode | undefined =
    !/^[0-9]*$/.test(code) || code.length > MAX_AUTHENTICATION_CODE_LENGTH
      ? 'authentication_code_invalid'
      : code.length === 0
        ? 'authentication_code_empty'
        : undefined;
  return violation === undefined ? E.right(code as AuthenticationCode) : E.left(credentialRuleError(violation, field));
};

const ruleDetails = (code: string, options: RuleOptions): Record<string, unknown> | undefined =>
  code.endsWith('_too_short')
    ? { minLength: options.minLength }
    : code === 'pin_too_long'
      ? { maxLength: MAX_PIN_LENGTH }
      : code === 'password_too_long'
        ? { maxLength: MAX_PASSWORD_LENGTH }
        : undefined;
