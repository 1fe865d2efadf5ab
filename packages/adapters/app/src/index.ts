/**
 * @selfprov/app: the assembled backend. One store URL in; the self-provisioning
 * domain, credentials, personal-data protection, self-care and the IVR gateway out.
 * The HTTP, SIP and terminal transports, and embedders who want everything, start here.
 * @packageDocumentation
 */

export {
  type AdminCall,
  type AdminCredentials,
  type AdminCredentialsDeps,
  type AdminPinKind,
  createAdminCredentials,
  type SetAuthenticationCodeError,
  type SetPinError,
  type UnlockError,
} from './adminCredentials.js';
export {
  type AuditReplay,
  type AuditSettings,
  createLogVerifier,
  type ErasureReport,
  eraseUser,
  exportLog,
  headPosition,
  replayLog,
  trailOf,
  verifyLog,
} from './audit.js';
export { createSelfprov, type SecurityStores, type Selfprov, type SelfprovOptions } from './createSelfprov.js';
export { type DemoReport, demoSecrets, seedDemoData } from './demo.js';
export { DEFAULT_STORE_URL, type OpenedStore, openStore } from './openStore.js';
export { bindPhoneDirectory, bindSelfCareCredentials } from './selfCareBindings.js';
export { selfprovStreamCatalogue } from './streamCatalogue.js';
