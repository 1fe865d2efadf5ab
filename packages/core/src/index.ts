/**
 * @selfprov/core: the event-sourcing kernel (envelope, EventStore port, in-memory
 * store, command handling, projections, upcasting) and the pure domain.
 * No I/O: time, ids, randomness and storage arrive through ports.
 * @packageDocumentation
 */

export * from './command/handler.js';
export * from './domain/index.js';
export * from './eventstore/appendPlan.js';
export * from './eventstore/chainVerifier.js';
export * from './eventstore/envelope.js';
export * from './eventstore/errors.js';
export * from './eventstore/hashChain.js';
export * from './eventstore/memory.js';
export * from './eventstore/port.js';
export * from './eventstore/reading.js';
export * from './eventstore/subscription.js';
export * from './eventstore/upcasting.js';
export * from './eventstore/validation.js';
export * from './kernel/decider.js';
export * from './kernel/errors.js';
export * from './kernel/json.js';
export * from './kernel/sha256.js';
export * from './privacy/cipher.js';
export * from './privacy/personalData.js';
export * from './privacy/ports.js';
export * from './projection/projection.js';
export * from './runtime/ports.js';
export * from './validation/decode.js';
