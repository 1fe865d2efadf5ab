/**
 * @selfprov/core: the event-sourcing kernel and the pure self-provisioning domain.
 * No I/O: time, ids, randomness and storage arrive through ports.
 *
 * Each concern has its own entry point, which names its exports one by one:
 * `@selfprov/core/kernel`, `@selfprov/core/provisioning`, `@selfprov/core/credentials`,
 * `@selfprov/core/privacy`, `@selfprov/core/audit` and `@selfprov/core/testkit`. This root is
 * their union (the testkit excepted, which needs uvu and fast-check): a convenience for
 * applications that use most of it, and the import every existing caller already has. New code
 * inside this repository imports the entry point of the concern it uses (docs/architecture.md).
 * @packageDocumentation
 */

export * from './audit/index.js';
export * from './credentials/index.js';
export * from './kernel/index.js';
export * from './privacy/index.js';
export * from './provisioning/index.js';
