/**
 * @selfprov/core/testkit: the EventStore adapter contract suite and
 * given/when/then helpers for deciders and workflows. Needs `uvu` and `fast-check`.
 * @packageDocumentation
 */
export { type BurstCheckOptions, checkBurstsMatchSequential } from './burst.js';
export { appendOrFail, type ContractHarness, defineEventStoreContract } from './contract.js';
export { deciderSpec } from './deciderSpec.js';
export { testEvent, testEvents, uniqueStream, withTimeout } from './events.js';
export { defineCredentialStoreContract } from './securityContract/credentialStore.js';
export { defineKeyStoreContract } from './securityContract/keyStore.js';
export type { SecurityStoreHarness } from './securityContract/support.js';
export { defineThrottleStoreContract } from './securityContract/throttleStore.js';
export { replayableSeed, seededRandom } from './seeded.js';
export { defineTamperingSuite, type TamperHarness } from './tampering.js';
export { type StreamEvents, type WorkflowSpecOptions, workflowSpec } from './workflowSpec.js';
