/**
 * @selfprov/store-kurrentdb: the selfprov `EventStore` on KurrentDB / EventStoreDB, through the
 * official gRPC client `@kurrent/kurrentdb-client`.
 * @packageDocumentation
 */

export type { KurrentDbClientLike, LiveSubscriptionLike } from './client.js';
export { type KurrentDbStoreOptions, type MultiStreamMode, multiStreamModes } from './config.js';
export { type ErrorContext, mapClientError, multiStreamUnsupported } from './errors.js';
export {
  appendOptions,
  decodeRecorded,
  encodeEvent,
  encodeMetadata,
  FOREIGN_ACTOR,
  FORMAT_KEY,
  FORMAT_VERSION,
  fromCurrentState,
  fromStreamState,
  type StoredMetadata,
  toStreamState,
} from './mapping.js';
export type { StoreOpenError } from './openError.js';
export {
  createKurrentDbEventStore,
  type KurrentDbEventStore,
  openKurrentDbEventStore,
  openKurrentDbEventStoreOrThrow,
} from './store.js';
export {
  type KurrentDbHost,
  type KurrentDbScheme,
  type KurrentDbUrl,
  kurrentDbSchemes,
  parseKurrentDbUrl,
  redactCredentials,
} from './url.js';
