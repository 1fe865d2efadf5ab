/**
 * `@selfprov/core/kernel`: the event-sourcing kernel. The envelope and the EventStore port, the
 * in-memory store, append planning and validation, hash chains and their verifier, reading and
 * subscriptions, upcasting, command handling, projections, deciders, typed errors, canonical JSON,
 * SHA-256, the runtime ports (clock, ids, randomness, timers) and boundary decoding. Knows nothing
 * of telephony.
 * @packageDocumentation
 */

export {
  backoffDelay,
  type CommandContext,
  type CommandDeps,
  type CommandResult,
  defaultRetryPolicy,
  handleCommand,
  handleMultiStreamCommand,
  type LoadedStream,
  type MultiStreamCommand,
  type RetryPolicy,
  recordFacts,
  type StreamDecision,
} from './command/handler.js';
export {
  contextWith,
  type Decisions,
  decideOn,
  decisions,
  defaultReplanPolicy,
  discoverStreams,
  isStalePlan,
  loadedSource,
  type Reader,
  reader,
  runWorkflow,
  type StalePlan,
  type StreamSource,
  stalePlan,
  type WorkflowCommand,
  type WorkflowRunDeps,
} from './command/workflow.js';
export { type Decider, type DomainEvent, foldEvents } from './decider.js';
export { type DomainError, domainError, type ErrorShape, type ValidationError, validationError } from './errors.js';
export {
  contentHashesOf,
  expectationHolds,
  type PlanOptions,
  planAppend,
  planAppendInOrder,
  type StreamPlan,
  type StreamSnapshot,
} from './eventstore/appendPlan.js';
export {
  type Anchor,
  type ChainProblem,
  type ChainProblemKind,
  type ChainVerifier,
  type ChainVerifierOptions,
  createChainVerifier,
  type VerifyReport,
  type VerifyStoreOptions,
  verifyStore,
} from './eventstore/chainVerifier.js';
export {
  type Actor,
  actorKinds,
  type Channel,
  channels,
  type EventMetadata,
  type ExpectedVersion,
  type NewEvent,
  NO_STREAM_VERSION,
  type RecordedEvent,
} from './eventstore/envelope.js';
export {
  type IdempotencyConflict,
  idempotencyConflict,
  isConflict,
  type StoreClosed,
  type StoreError,
  type StoreUnavailable,
  type SubscriberFailed,
  storeClosed,
  storeUnavailable,
  subscriberFailed,
  type WrongExpectedVersion,
  wrongExpectedVersion,
} from './eventstore/errors.js';
export {
  type ChainLink,
  canonicalJson,
  contentHashOf,
  contentText,
  type EventContent,
  eventHashOf,
  HASH_ALGORITHM,
  type HashedContent,
  linkChain,
  linkHashOf,
  linkText,
} from './eventstore/hashChain.js';
export { createMemoryEventStore, type MemoryEventStore, type MemoryEventStoreOptions } from './eventstore/memory.js';
export type {
  AppendRequest,
  AppendResult,
  Direction,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  ReadStreamResult,
  StreamAppendResult,
  SubscribeOptions,
  Subscription,
} from './eventstore/port.js';
export { sliceStream } from './eventstore/reading.js';
export { type CatchUpSource, catchUpSubscription, type StopSignal } from './eventstore/subscription.js';
export { createUpcasterRegistry, type Upcaster, type UpcasterRegistry, withUpcasting } from './eventstore/upcasting.js';
export {
  MAX_EVENT_TYPE_LENGTH,
  MAX_STREAM_ID_LENGTH,
  type PreparedEvent,
  type PreparedRequest,
  prepareAppend,
  validateExpectedVersion,
  validateMetadata,
  validateReadAll,
  validateReadStream,
  validateStreamId,
} from './eventstore/validation.js';
export { cloneJson, copyJson, type JsonValue, validateJson } from './json.js';
export {
  type Checkpoint,
  type CheckpointStore,
  createMemoryCheckpointStore,
  createProjectionRunner,
  type Projection,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
} from './projection/projection.js';
export {
  type Clock,
  type IdGenerator,
  manualClock,
  type RandomSource,
  type Runtime,
  sequentialIds,
  systemRuntime,
  type Timers,
} from './runtime/ports.js';
export { type Sha256Hex, sha256, sha256Hex, toHex, utf8 } from './sha256.js';
export {
  describeStream,
  mergeStreamCatalogues,
  type StreamCatalogue,
  type StreamEntry,
  type StreamSubject,
  streamCatalogue,
  streamEntryOf,
} from './streamCatalogue.js';
export { decodeWith, fieldOf } from './validation/decode.js';
