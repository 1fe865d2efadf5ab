/**
 * @selfprov/store-sqlite: the embedded default event store, on SQLite (better-sqlite3).
 * One file holds the event log and the projection checkpoints; several processes may share it.
 * @packageDocumentation
 */

export { createSqliteCredentialStore } from './credentials.js';
export { createSqliteKeyStore, type SqliteKeyStoreOptions } from './keys.js';
export type { StoreOpenError } from './openError.js';
export { type Migration, migrations, SCHEMA_VERSION } from './schema.js';
export { type SqliteSecurityStores, sqliteSecurityStores } from './security.js';
export {
  createSqliteEventStore,
  openSqliteEventStore,
  openSqliteEventStoreOrThrow,
  type SqliteEventStore,
  type SqliteEventStoreOptions,
} from './store.js';
export { createSqliteThrottleStore } from './throttle.js';
export { DEFAULT_SQLITE_PATH, DEFAULT_SQLITE_URL, parseSqliteUrl, type SqliteUrl } from './url.js';
