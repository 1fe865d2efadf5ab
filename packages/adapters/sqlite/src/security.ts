import type { CredentialStore, KeyStore, ThrottleStore } from '@selfprov/core';
import { createSqliteCredentialStore } from './credentials.js';
import { createSqliteKeyStore, type SqliteKeyStoreOptions } from './keys.js';
import type { SqliteEventStore } from './store.js';
import { createSqliteThrottleStore } from './throttle.js';

/** The durable security ports of docs/architecture.md ("Secrets, personal data, integrity"), kept in the event store's file. */
export interface SqliteSecurityStores {
  readonly credentials: CredentialStore;
  readonly throttle: ThrottleStore;
  readonly keys: KeyStore;
}

/**
 * The credential, throttle and key stores on the same SQLite file (and connection) as `store`:
 * one file to back up, and every process sharing the file shares the counters and keys.
 * They stop working (with typed errors) when the store is closed.
 */
export const sqliteSecurityStores = (
  store: Pick<SqliteEventStore, 'database'>,
  options: SqliteKeyStoreOptions = {},
): SqliteSecurityStores => ({
  credentials: createSqliteCredentialStore(store.database),
  throttle: createSqliteThrottleStore(store.database),
  keys: createSqliteKeyStore(store.database, options),
});
