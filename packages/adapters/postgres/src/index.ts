/**
 * @selfprov/store-postgres: the PostgreSQL event store (pg). Many processes may append and follow
 * the log at once; appends are one round trip; catch-up readers never skip a late commit.
 * @packageDocumentation
 */

export { createPostgresCredentialStore } from './credentials.js';
export { notifyChannel } from './identifiers.js';
export { createPostgresKeyStore, type PostgresKeyStoreOptions } from './keys.js';
export { LATEST_SCHEMA_VERSION } from './migrations.js';
export type { StoreOpenError } from './openError.js';
export { migrate } from './schema.js';
export { type PostgresSecurityStores, postgresSecurityStores } from './security.js';
export {
  createPostgresEventStore,
  openPostgresEventStore,
  openPostgresEventStoreOrThrow,
  type PostgresEventStore,
  type PostgresEventStoreOptions,
} from './store.js';
export { createPostgresThrottleStore } from './throttle.js';
export { DEFAULT_SCHEMA, describePostgresTarget, type PostgresUrl, parsePostgresUrl, validateSchemaName } from './url.js';
