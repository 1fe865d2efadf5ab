/**
 * Credentials: PINs, passwords, voicemail PINs and the system authentication
 * code. Policy and triviality rules, lockout, throttling, the hasher and store
 * ports, and events that never carry a secret. See README.md.
 */
export {
  AuthenticationCode,
  ChangedBy,
  CredentialKind,
  CredentialOwner,
  CredentialPolicy,
  CredentialSubject,
  codePointLength,
  DeviceKey,
  decodeCredentialPolicy,
  decodeThrottlePolicy,
  defaultCredentialPolicy,
  defaultThrottlePolicy,
  fieldForKind,
  isPinKind,
  MAX_AUTHENTICATION_CODE_LENGTH,
  MAX_CONSECUTIVE_FAILURES,
  MAX_PASSWORD_LENGTH,
  MAX_PIN_LENGTH,
  MAX_SECRET_LENGTH,
  Password,
  Pin,
  SYSTEM_SUBJECT,
  ThrottlePolicy,
} from './codecs.js';
export {
  type AuthenticationCodeRuleCode,
  type CredentialDomainCode,
  type CredentialError,
  type CredentialPortError,
  type CredentialPortErrorCode,
  type CredentialRuleCode,
  credentialNotSet,
  credentialPortError,
  credentialRuleError,
  type PasswordRuleCode,
  type PinRuleCode,
} from './errors.js';
export {
  CREDENTIAL_EVENT_TYPES,
  type CredentialEvent,
  type CredentialLockedOut,
  type CredentialLockedOutData,
  type CredentialSet,
  type CredentialSetData,
  type CredentialUnlocked,
  type CredentialUnlockedData,
  type CredentialVerificationFailed,
  type CredentialVerificationFailedData,
  type CredentialVerificationRefused,
  type CredentialVerificationRefusedData,
  type CredentialVerified,
  type CredentialVerifiedData,
  credentialLockedOut,
  credentialSet,
  credentialUnlocked,
  credentialVerificationFailed,
  credentialVerificationRefused,
  credentialVerified,
  type LockoutReason,
  type RefusalReason,
} from './events.js';
export { createMemoryCredentialStore, createMemoryThrottleStore, type MemoryCredentialStore, type MemoryThrottleStore } from './memory.js';
export { setAuthenticationCode, verifyAuthenticationCode } from './operations/authenticationCode.js';
export { type SetCredentialInput, type SetCredentialResult, setCredential } from './operations/set.js';
export { credentialStatus } from './operations/status.js';
export { type CredentialDeps, MAX_CONFLICT_RETRIES } from './operations/support.js';
export { type UnlockResult, unlockCredential } from './operations/unlock.js';
export {
  type VerificationOutcome,
  type VerificationResult,
  type VerifyCredentialInput,
  verifyCredential,
  verifyPin,
} from './operations/verify.js';
export {
  type CredentialRecord,
  type CredentialState,
  type CredentialStore,
  type Lockout,
  recommendedScryptParameters,
  type SecretHasher,
  type ThrottleAnswer,
  type ThrottleStore,
} from './ports.js';
export { type CredentialRecordingRequest, recordCredentialEvents } from './recording.js';
export {
  credentialRecordFromRow,
  credentialRevisionConflict,
  freezeCredentialRecord,
  isStoredCredentialFields,
  type StoredCredentialFields,
  storedCredentialFields,
} from './records.js';
export {
  COMMON_PASSWORDS,
  COMMON_PINS,
  checkAuthenticationCode,
  checkPassword,
  checkPin,
  dialByNameDigits,
  distinctDigits,
  foldName,
  hasRepeatedDigit,
  isKeypadLine,
  isRepeatedGroup,
  isSequential,
  KEYPAD_SEGMENTS,
  MIN_IDENTITY_LENGTH,
  passwordViolations,
  pinViolations,
  type RuleOptions,
} from './rules.js';
export {
  type CredentialReplacement,
  type CredentialStatus,
  clearFailures,
  credentialExpiresAt,
  describeCredential,
  type FailureCounted,
  failuresInWindow,
  isCredentialExpired,
  type LockStatus,
  lockStatus,
  registerFailure,
  registerSuccess,
  rememberedHashes,
  replaceCredential,
} from './state.js';
