/**
 * Credentials: PINs, passwords, voicemail PINs and the system authentication
 * code. Policy and triviality rules, lockout, throttling, the hasher and store
 * ports, and events that never carry a secret. See README.md.
 */
export * from './codecs.js';
export * from './errors.js';
export * from './events.js';
export * from './memory.js';
export * from './operations.js';
export * from './ports.js';
export * from './records.js';
export * from './rules.js';
export * from './state.js';
