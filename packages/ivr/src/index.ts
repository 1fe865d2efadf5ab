/**
 * @selfprov/ivr: the self-provisioning IVR. The call flow and authentication
 * modes are an xstate v5 machine (pure data); a session driver runs it with
 * pure transitions, records each call as `ivr-call-<callId>` events (secrets
 * only as counts), owns timers and effects, and survives restarts. Prompt
 * catalogs (en_US, fr_FR), a transport port, a terminal transport.
 * @packageDocumentation
 */

export * from './domainGateway.js';
export * from './driver.js';
export * from './events.js';
export * from './gateway.js';
export * from './machine.js';
export * from './outputs.js';
export * from './prompts.js';
export * from './scheduler.js';
export * from './terminal.js';
export * from './walk.js';
