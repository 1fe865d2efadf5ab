import type { EventMetadata, JsonValue, RecordedEvent } from '@selfprov/core';
import type Database from 'better-sqlite3';

const COLUMNS = 'position, stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at, prev_hash, hash';

export type EventRow = [number, string, number, string, string, string, string, number, string, string | null, string | null];

export const toRecorded = (row: EventRow): RecordedEvent => ({
  type: row[4],
  data: JSON.parse(row[5]) as JsonValue,
  metadata: JSON.parse(row[6]) as EventMetadata,
  eventId: row[3],
  schemaVersion: row[7],
  occurredAt: row[8],
  streamId: row[1],
  streamVersion: row[2],
  globalPosition: row[0],
  // Every row has its chain once migration 6 ran; the fields are left out rather than faked otherwise.
  ...(row[10] === null ? {} : { prevHash: row[9], hash: row[10] }),
});

/** Every statement of the store, prepared once: the hot paths only bind and step. */
export interface Statements {
  readonly version: Database.Statement;
  readonly head: Database.Statement;
  readonly findEvent: Database.Statement;
  readonly insert: Database.Statement;
  readonly streamForward: Database.Statement;
  readonly streamBackward: Database.Statement;
  readonly allForward: Database.Statement;
  readonly allBackward: Database.Statement;
  readonly loadCheckpoint: Database.Statement;
  readonly saveCheckpoint: Database.Statement;
}

export const prepareStatements = (db: Database.Database): Statements => ({
  version: db.prepare('SELECT stream_version FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').pluck(),
  head: db.prepare('SELECT stream_version, hash FROM events WHERE stream_id = ? ORDER BY stream_version DESC LIMIT 1').raw(),
  findEvent: db.prepare('SELECT stream_version, type FROM events WHERE stream_id = ? AND event_id = ?').raw(),
  insert: db.prepare(
    'INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, schema_version, occurred_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  streamForward: db
    .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`)
    .raw(),
  streamBackward: db
    .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?`)
    .raw(),
  allForward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position LIMIT ?`).raw(),
  allBackward: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position DESC LIMIT ?`).raw(),
  loadCheckpoint: db.prepare('SELECT version, position, state FROM checkpoints WHERE projection = ?').raw(),
  saveCheckpoint: db.prepare(
    `INSERT INTO checkpoints (projection, version, position, state, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position,
         state = excluded.state, updated_at = excluded.updated_at`,
  ),
});

/** The stream's current version, -1 for none. */
export const currentVersion = (stmt: Statements, streamId: string): number => (stmt.version.get(streamId) as number | undefined) ?? -1;
