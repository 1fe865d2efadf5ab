/**
 * The self-provisioning domain, pure: configuration aggregates (D1, via
 * `configuration.ts`), end users, phones, DN reservations, the auto-registration,
 * provisioning and replacement workflows, user-level readiness, read models, the
 * demo seed and a small facade. See docs/domain.md.
 *
 * ```ts
 * const sp = createSelfProvisioning({ store: createMemoryEventStore(), runtime: systemRuntime() });
 * await seedDemo({ store, runtime })();
 * const { deviceName } = await sp.autoRegisterPhone({ clusterId: 'cluster-1', mac: '00:11:22:33:44:55', model: 'Cisco 8845', protocol: 'SIP' })();
 * await sp.provisionPhone({ clusterId: 'cluster-1', deviceName, selfProvisioningId: '2001', authentication: { method: 'pin' } })();
 * ```
 * @packageDocumentation
 */

export * from './audit/replay.js';
export * from './audit/trail.js';
export * from './configuration.js';
export * from './credentials/index.js';
export * from './directoryNumber/codecs.js';
export * from './directoryNumber/commands.js';
export * from './directoryNumber/decider.js';
export * from './directoryNumber/events.js';
export * from './endUser/codecs.js';
export * from './endUser/commands.js';
export * from './endUser/decider.js';
export * from './endUser/events.js';
export * from './phone/codecs.js';
export * from './phone/commands.js';
export * from './phone/decider.js';
export * from './phone/events.js';
export * from './readModels/index.js';
export {
  type AutoRegistrationResult,
  autoRegisterPhone,
  type RegistrationResult,
  recordRegistration,
} from './selfProvisioning/autoRegistration.js';
export * from './selfProvisioning/codecs.js';
export {
  type DemoSeed,
  type DemoStep,
  demo,
  demoSteps,
  type SeedDemoDeps,
  type SeedDemoOptions,
  seedDemo,
} from './selfProvisioning/demo.js';
export {
  createSelfProvisioning,
  readModelLookups,
  type SelfProvisioning,
  type SelfProvisioningOptions,
} from './selfProvisioning/facade.js';
export {
  allowedAuthenticationMethods,
  authenticationRefusal,
  blockingReadinessCodes,
  systemRefusal,
} from './selfProvisioning/prerequisites.js';
export { type ProvisioningResult, provisionPhone } from './selfProvisioning/provisioning.js';
export { phoneToReplace, type ReplacementResult, replacePhone } from './selfProvisioning/replacement.js';
export type { WorkflowContext, WorkflowDeps, WorkflowError } from './selfProvisioning/support.js';
export { endUserCommand } from './selfProvisioning/userCommands.js';
export * from './selfProvisioning/userReadiness.js';
export * from './shared/codecs.js';
export * from './shared/streams.js';
