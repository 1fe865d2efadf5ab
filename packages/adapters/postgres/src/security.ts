import type { CredentialStore, KeyStore, ThrottleStore } from '@selfprov/core';
import { createPostgresCredentialStore } from './credentials.js';
import { createPostgresKeyStore, type PostgresKeyStoreOptions } from './keys.js';
import type { PostgresEventStore } from './store.js';
import { createPostgresThrottleStore } from './throttle.js';

/** The durable security ports of docs/architecture.md ("Secrets, personal data, integrity"), kept in the event store's schema. */
export interface PostgresSecurityStores {
  readonly credentials: CredentialStore;
  readonly throttle: ThrottleStore;
  readonly keys: KeyStore;
}

/**
 * The credential, throttle and key stores in the same database and schema as `store`, sharing its
 * pool and migrations: one database to back up, shared by every process using it. They answer
 * typed errors once the store is closed.
 */
export const postgresSecurityStores = (
  store: Pick<PostgresEventStore, 'schema' | 'withPool'>,
  options: PostgresKeyStoreOptions = {},
): PostgresSecurityStores => ({
  credentials: createPostgresCredentialStore(store),
  throttle: createPostgresThrottleStore(store),
  keys: createPostgresKeyStore(store, options),
});
