/**
 * @selfprov/selfcare: the self-care portal domain on the event log. Accounts,
 * domains and roles, login and sessions, phone, line, user and single number
 * reach settings, feature visibility, batch provisioning and the migration
 * utility. Pure: storage, phones, credentials, time and randomness are ports.
 * @packageDocumentation
 */

// Every public name, listed explicitly by the module that declares it (handlers and helpers not listed here are internal).
export { type AccessFacts, authorize } from './account/access.js';
export {
  AdminSetPasswordInput,
  ChangeEmailInput,
  ChangeNameInput,
  ChangePasswordInput,
  ChangePinInput,
  ChangePrimaryPhoneInput,
  CreateAccountInput,
  LoginInput,
  PersonalInput,
  SetSelfCareRoleInput,
} from './account/codecs.js';
export type {
  AccountCommand,
  ChangeEmail,
  ChangeName,
  ChangePrimaryPhone,
  CreateAccount,
  Logout,
  RecordLogin,
  RecordPasswordSet,
  RecordPinChanged,
  SetSelfCareRole,
} from './account/commands.js';
export {
  type AccountState,
  accountDecider,
  hasSelfCare,
  initialAccount,
  landingOf,
  liveSession,
  loginPrecheck,
  type Session,
} from './account/decider.js';
export {
  type AccountEvent,
  type AccountPasswordSet,
  type AccountRolesChanged,
  accountEventTypes,
  type EmailChanged,
  type Landing,
  type LoginFailed,
  type LoginFailureReason,
  type NameChanged,
  type PersonalData,
  type PinChanged,
  type PrimaryPhoneChanged,
  type SelfCareAccountCreated,
  type SessionClosed,
  type SessionCloseReason,
  type SessionOpened,
} from './account/events.js';
export type { LoginResult } from './account/sessions.js';
export {
  type BatchAction,
  type BatchEntry,
  type BatchLineError,
  OPTIONAL_COLUMNS,
  parseBatchFile,
  REQUIRED_COLUMNS,
} from './batch/batchFile.js';
export { type CsvEntry, type CsvRecord, type CsvRecordError, decodeUtf8, isRecordError, parseCsv } from './batch/csv.js';
export type { BatchLineReport, BatchReport } from './batch/run.js';
export {
  CreateDomainInput,
  DefaultPasswordRuleInput,
  SetCreateSelfCareAccountsInput,
  SetDefaultPasswordRuleInput,
} from './domainRules/codecs.js';
export type { CreateDomain, DomainRulesCommand, SetCreateSelfCareAccountsRule, SetDefaultPasswordRule } from './domainRules/commands.js';
export {
  type DomainRulesState,
  defaultPasswordApplies,
  domainRulesDecider,
  initialDomainRules,
  migrationApplies,
} from './domainRules/decider.js';
export {
  type CreateSelfCareAccountsRuleChanged,
  type DefaultPasswordRuleChanged,
  type DomainRulesEvent,
  domainRulesEventTypes,
  type SelfCareDomainCreated,
} from './domainRules/events.js';
export type { SelfCare } from './facade/api.js';
export { type CallOptions, DEFAULT_SESSION_MINUTES, MAX_SESSION_MINUTES, type SelfCareOptions } from './facade/deps.js';
export { createSelfCare } from './facade/selfCare.js';
export {
  CALL_AUDIO,
  type ForwardTarget,
  ForwardTargetCodec,
  MAX_CALLER_ID_NAME,
  MESSAGE_AUDIO,
  MESSAGE_VISUAL,
  SetCallerIdInput,
  SetCallForwardInput,
  SetLineMusicOnHoldInput,
  SetNotificationInput,
  SplitForwardInput,
} from './lineSettings/codecs.js';
export {
  type LineFacts,
  type LineSettingsCommand,
  lineFeatureOf,
  lineKey,
  type OwnLine,
  type SetCallerId,
  type SetCallForward,
  type SetLineMusicOnHold,
  type SetNotification,
} from './lineSettings/commands.js';
export { checkLine, forwardsBackTo, initialLineSettings, type LineSettingsState, lineSettingsDecider } from './lineSettings/decider.js';
export {
  type CallerId,
  type CallerIdChanged,
  type CallForward,
  type CallForwardChanged,
  type LineMusicOnHoldChanged,
  type LineNotificationChanged,
  type LineSettingsEvent,
  lineSettingsEventTypes,
  type Notification,
  type SplitForward,
} from './lineSettings/events.js';
export {
  type DomainPlan,
  type DomainSummary,
  formatMigrationSummary,
  type MigrationAction,
  type MigrationRequest,
  type MigrationSummary,
  parseMigrationArgs,
  planMigration,
  summarise,
  type UserStep,
} from './migration/migration.js';
export {
  AddSpeedDialInput,
  ChangeMacAddressInput,
  DND_OPTIONS,
  type DndOption,
  DndOptionCodec,
  MAX_PHONE_NAME,
  MAX_SPEED_DIAL_LABEL,
  MAX_SPEED_DIAL_NUMBER,
  MAX_SPEED_DIALS,
  MusicOnHoldFields,
  RemoveSpeedDialInput,
  RenamePhoneInput,
  SetDisplayLanguageInput,
  SetDoNotDisturbInput,
  SetLocaleInput,
  SetPhoneMusicOnHoldInput,
  SetPhoneOptionsInput,
  SetSpeedDialsInput,
  SPEED_DIAL_PAUSE_SECONDS,
  SpeedDialEntry,
  type SpeedDialInput,
  SpeedDialNumber,
} from './phoneSettings/codecs.js';
export {
  type AddSpeedDial,
  type ChangeMacAddress,
  type PhoneFacts,
  type PhoneSettingsCommand,
  phoneFeatureOf,
  type RemoveSpeedDial,
  type RenamePhone,
  type SetDisplayLanguage,
  type SetDoNotDisturb,
  type SetLocale,
  type SetPhoneMusicOnHold,
  type SetPhoneOptions,
  type SetSpeedDials,
} from './phoneSettings/commands.js';
export {
  checkDevice,
  checkMusicOnHold,
  initialPhoneSettings,
  mergeMusicOnHold,
  type PhoneSettingsState,
  pauseSeconds,
  phoneSettingsDecider,
} from './phoneSettings/decider.js';
export {
  type DoNotDisturbChanged,
  type MusicOnHold,
  type PhoneDisplayLanguageChanged,
  type PhoneLocaleChanged,
  type PhoneMacAddressChanged,
  type PhoneMusicOnHoldChanged,
  type PhoneOptions,
  type PhoneOptionsChanged,
  type PhoneRenamed,
  type PhoneSettingsEvent,
  phoneSettingsEventTypes,
  type SpeedDial,
  type SpeedDialsChanged,
} from './phoneSettings/events.js';
export { bindSelfCareCredentials } from './ports/coreCredentials.js';
export type {
  CredentialAudit,
  CredentialOwnerFacts,
  CredentialsPortError,
  SecretKind,
  SelfCareCredentials,
  VerifyOutcome,
} from './ports/credentials.js';
export {
  type CarouselKind,
  createMemoryPhoneDirectory,
  type DirectoryDevice,
  type DirectoryLine,
  type MemoryDirectoryEntry,
  type MemoryPhoneDirectory,
  type PhoneDirectory,
} from './ports/phoneDirectory.js';
export { emptyView, evolveView, type SelfCareView, selfCareProjection } from './readModel/projection.js';
export type { CarouselItem, CarouselView, UserSettingsView } from './readModel/queries.js';
export { type Catalog, defaultCatalog } from './shared/catalog.js';
export { coalesceCalls } from './shared/coalesce.js';
export {
  AudioSourceName,
  Bool,
  boundedArray,
  brandedString,
  checkedString,
  DeviceName,
  DirectoryNumber,
  DomainName,
  Email,
  intBetween,
  isoAfter,
  LineIndex,
  LocaleName,
  label,
  MAX_LINE_INDEX,
  MacAddress,
  oneOf,
  PersonName,
  RoleName,
  SELF_CARE_ROLE,
  SecretInput,
  struct,
  UserId,
} from './shared/codecs.js';
export {
  type CredentialsError,
  featureHidden,
  notOwner,
  portError,
  refuse,
  type SelfCareCode,
  type SelfCareDecideError,
  type SelfCareDomainError,
  type SelfCareError,
  type SelfCarePortError,
} from './shared/errors.js';
export {
  FEATURES,
  type Feature,
  type LineFeature,
  type PhoneFeature,
  parseFeatureList,
  SETTINGS_PAGES,
  type SettingsPage,
  type SnrFeature,
  type UserFeature,
} from './shared/features.js';
export {
  type AdministratorPrincipal,
  actorOf,
  administrator,
  contextOf,
  type Principal,
  subjectOf,
  type UserPrincipal,
} from './shared/principal.js';
export { sha256, toBase64Url, toHex, tokenFingerprint } from './shared/sha256.js';
export { selfCareStreamCatalogue } from './shared/streamCatalogue.js';
export { domainCredentialSubject, type SelfCareStreamKind, selfCareStreamKind, selfCareStreams } from './shared/streams.js';
export {
  AddAlternateNumberInput,
  AlternateNumber,
  AlternateNumberId,
  LineRef,
  MAX_ALTERNATE_DESCRIPTION,
  MAX_ALTERNATE_NUMBERS,
  MAX_ASSOCIATED_LINES,
  RemoveAlternateNumberInput,
  TIMER_BOUNDS,
  TimersInput,
  UpdateAlternateNumberInput,
} from './singleNumberReach/codecs.js';
export type {
  AddAlternateNumber,
  RemoveAlternateNumber,
  SingleNumberReachCommand,
  SnrFacts,
  UpdateAlternateNumber,
} from './singleNumberReach/commands.js';
export {
  type AlternateNumberState,
  defaultTimers,
  initialSingleNumberReach,
  type SingleNumberReachState,
  singleNumberReachDecider,
} from './singleNumberReach/decider.js';
export {
  type AlternateNumberAdded,
  type AlternateNumberChanged,
  type AlternateNumberData,
  type AlternateNumberRemoved,
  type SingleNumberReachEvent,
  singleNumberReachEventTypes,
  type Timers,
} from './singleNumberReach/events.js';
export { SettingsPageCodec, SetVisibleFeaturesInput } from './visibility/codecs.js';
export type { SetVisibleFeatures, VisibilityCommand } from './visibility/commands.js';
export { initialVisibility, isVisible, type VisibilityState, visibilityDecider, visibleFeatures } from './visibility/decider.js';
export { type VisibilityEvent, type VisibleFeaturesChanged, visibilityEventTypes } from './visibility/events.js';
