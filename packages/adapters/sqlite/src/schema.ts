import { contentHashOf, type EventMetadata, type JsonValue, linkHashOf, type StoreUnavailable, storeUnavailable } from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';

/** One step of the schema. Steps run in `version` order, each exactly once per database file. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Work SQL cannot do, run after `sql` in the same transaction (e.g. hashing existing rows). */
  readonly run?: (db: Database.Database) => void;
}

/** SHA-256 of the hash chains, native: identical to the core's pure one (the core's tests prove it), faster. */

/**
 * Hashes the events recorded before the file had hash chains (migration 6), stream by stream in
 * version order, exactly as the kernel does for new events. Runs inside the migration's
 * transaction: a crash leaves the file at version 5, untouched. Reads keyset pages of 1,000 rows,
 * so memory stays bounded whatever the log's size.
 */
const backfillHashes = (db: Database.Database): void => {
  const update = db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?');
  const page = db
    .prepare(
      `SELECT position, stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at
         FROM events WHERE (stream_id, stream_version) > (?, ?) ORDER BY stream_id, stream_version LIMIT 1000`,
    )
    .raw();
  let stream = '';
  let version = -1;
  let head: string | null = null;
  for (;;) {
    const rows = page.all(stream, version) as [number, string, number, string, string, string, string, number, string][];
    if (rows.length === 0) return;
    for (const [position, streamId, streamVersion, eventId, type, data, metadata, schemaVersion, occurredAt] of rows) {
      const prevHash = streamId === stream && streamVersion > 0 ? head : null;
      const content = contentHashOf(
        {
          streamId,
          eventId,
          type,
          schemaVersion,
          occurredAt,
          data: JSON.parse(data) as JsonValue,
          metadata: JSON.parse(metadata) as EventMetadata,
        },
        nodeSha256Hex,
      );
      head = linkHashOf(prevHash, streamVersion, content, nodeSha256Hex);
      update.run(prevHash, head, position);
      stream = streamId;
      version = streamVersion;
    }
  }
};

/**
 * The schema, as an ordered list of migrations. Append new steps at the end; never edit a
 * released one (files in the field have already run it).
 *
 * - `position` is an `INTEGER PRIMARY KEY AUTOINCREMENT`: the rowid is the global position, and
 *   AUTOINCREMENT guarantees a position is never handed out twice, even after a rollback or deletion.
 * - `(stream_id, stream_version)` and `(stream_id, event_id)` are unique: the database itself refuses a
 *   duplicated version or a re-used event id, whatever a buggy writer might try. The first index also
 *   serves `readStream` and the "current version" lookup.
 * - STRICT tables: a value of the wrong type is an error, not silently stored.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        position       INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_id      TEXT    NOT NULL,
        stream_version INTEGER NOT NULL CHECK (stream_version >= 0),
        event_id       TEXT    NOT NULL,
        type           TEXT    NOT NULL,
        data           TEXT    NOT NULL,
        metadata       TEXT    NOT NULL,
        schema_version INTEGER NOT NULL,
        occurred_at    TEXT    NOT NULL,
        CONSTRAINT events_stream_version UNIQUE (stream_id, stream_version),
        CONSTRAINT events_stream_event_id UNIQUE (stream_id, event_id)
      ) STRICT;`,
  },
  {
    version: 2,
    name: 'checkpoints',
    sql: `
      CREATE TABLE checkpoints (
        projection TEXT    PRIMARY KEY,
        version    INTEGER NOT NULL,
        position   INTEGER NOT NULL CHECK (position >= 0),
        state      TEXT,
        updated_at TEXT    NOT NULL
      ) STRICT, WITHOUT ROWID;`,
  },
  {
    // Credential records (see credentials.ts): hashes never enter the event log. The record's
    // fields are JSON; `revision` carries the optimistic concurrency of the CredentialStore port.
    version: 3,
    name: 'credentials',
    sql: `
      CREATE TABLE credentials (
        subject  TEXT    NOT NULL,
        kind     TEXT    NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        record   TEXT    NOT NULL,
        PRIMARY KEY (subject, kind)
      ) STRICT, WITHOUT ROWID;`,
  },
  {
    // Sliding-window attempt log of the ThrottleStore (see throttle.ts): one row per attempt; equal
    // instants are separate rows, hence the rowid.
    version: 4,
    name: 'throttle attempts',
    sql: `
      CREATE TABLE throttle_attempts (
        id           INTEGER PRIMARY KEY,
        throttle_key TEXT    NOT NULL,
        at_ms        INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX throttle_attempts_key_at ON throttle_attempts (throttle_key, at_ms);`,
  },
  {
    // Per-subject personal-data keys (see keys.ts). Erasure deletes the key row and records the
    // subject in erased_subjects, so a key is never created again for it.
    version: 5,
    name: 'personal data keys',
    sql: `
      CREATE TABLE personal_data_keys (
        subject    TEXT PRIMARY KEY,
        key        BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE erased_subjects (
        subject   TEXT PRIMARY KEY,
        erased_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;`,
  },
  {
    // Hash chains (docs/audit.md): each event's hash and its stream predecessor's. Events recorded
    // before this version are hashed now, by the kernel's rule: the chain vouches for them from the
    // migration on.
    version: 6,
    name: 'hash chains',
    sql: `
      ALTER TABLE events ADD COLUMN prev_hash TEXT;
      ALTER TABLE events ADD COLUMN hash TEXT;`,
    run: backfillHashes,
  },
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION: number = migrations.reduce((max, m) => Math.max(max, m.version), 0);

/** What `migrateSchema` found and did. */
export interface MigrationOutcome {
  /** Version before the call (0: a new, empty file). */
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

/**
 * Brings the file to `target` (default: the latest version). Everything runs in ONE
 * `BEGIN IMMEDIATE` transaction: when several processes open the same new file at once, the
 * first takes the write lock and migrates, the others wait (busy timeout), then find nothing to do.
 * A crash halfway leaves the previous version intact. A file written by a NEWER version of this
 * adapter is refused (`store_unavailable`, not retryable): writing to it could break it.
 * SQLite errors (busy, I/O) are thrown; the caller maps them.
 */
export const migrateSchema = (
  db: Database.Database,
  now: string,
  target: number = SCHEMA_VERSION,
): E.Either<StoreUnavailable, MigrationOutcome> =>
  db
    .transaction((): E.Either<StoreUnavailable, MigrationOutcome> => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) STRICT`);
      const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
      const from = Math.max(0, ...applied);
      if (from > SCHEMA_VERSION)
        return E.left(
          storeUnavailable(
            `the database schema is at version ${from}, newer than this adapter supports (${SCHEMA_VERSION}): upgrade @selfprov/store-sqlite`,
            false,
          ),
        );
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      const done: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (m.version > target || applied.has(m.version)) continue;
        db.exec(m.sql);
        m.run?.(db);
        record.run(m.version, m.name, now);
        done.push(m.version);
      }
      return E.right({ from, to: Math.max(from, ...done), applied: done });
    })
    .immediate();
