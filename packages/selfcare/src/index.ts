/**
 * @selfprov/selfcare: the self-care portal domain on the event log. Accounts,
 * domains and roles, login and sessions, phone, line, user and single number
 * reach settings, feature visibility, batch provisioning and the migration
 * utility. Pure: storage, phones, credentials, time and randomness are ports.
 * @packageDocumentation
 */

export * from './account/access.js';
export * from './account/codecs.js';
export * from './account/commands.js';
export * from './account/decider.js';
export * from './account/events.js';
export * from './batch/batchFile.js';
export * from './batch/csv.js';
export * from './domainRules/codecs.js';
export * from './domainRules/commands.js';
export * from './domainRules/decider.js';
export * from './domainRules/events.js';
export * from './facade/selfCare.js';
export * from './lineSettings/codecs.js';
export * from './lineSettings/commands.js';
export * from './lineSettings/decider.js';
export * from './lineSettings/events.js';
export * from './migration/migration.js';
export * from './phoneSettings/codecs.js';
export * from './phoneSettings/commands.js';
export * from './phoneSettings/decider.js';
export * from './phoneSettings/events.js';
export { bindSelfCareCredentials } from './ports/coreCredentials.js';
export * from './ports/credentials.js';
export * from './ports/phoneDirectory.js';
export * from './readModel/projection.js';
export * from './shared/catalog.js';
export { coalesceCalls } from './shared/coalesce.js';
export * from './shared/codecs.js';
export * from './shared/errors.js';
export * from './shared/features.js';
export * from './shared/principal.js';
export { sha256, toBase64Url, toHex, tokenFingerprint } from './shared/sha256.js';
export * from './shared/streams.js';
export * from './singleNumberReach/codecs.js';
export * from './singleNumberReach/commands.js';
export * from './singleNumberReach/decider.js';
export * from './singleNumberReach/events.js';
export * from './visibility/codecs.js';
export * from './visibility/commands.js';
export * from './visibility/decider.js';
export * from './visibility/events.js';
