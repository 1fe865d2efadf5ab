import type { PoolClient } from 'pg';
import { appendFunctionV5, appendOneFunction } from './appendFunction.js';
import { backfillHashes } from './backfill.js';
import { appendFunctionV1, chainedAppendFunction } from './legacyAppendFunctions.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: (schema: string) => string;
  /** Work SQL cannot do, run after `sql` in the same transaction (e.g. hashing existing rows). */
  readonly after?: (client: PoolClient, schema: string) => Promise<void>;
}

/** Every schema change, in order. Applied ones are recorded in `<schema>.schema_migrations`; never edit one, add the next. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'streams, events (with commit-visibility transaction ids), checkpoints, append function',
    sql: (s) => `
CREATE TABLE ${s}.streams (
  stream_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- sha256 of the id: any 1024-character id fits the unique index (a btree entry holds at most ~2.7 kB).
  stream_hash bytea NOT NULL UNIQUE,
  stream_id text NOT NULL,
  version bigint NOT NULL
);
CREATE SEQUENCE ${s}.events_position_seq AS bigint;
CREATE TABLE ${s}.events (
  global_position bigint PRIMARY KEY DEFAULT nextval('${s}.events_position_seq'),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_key bigint NOT NULL,
  stream_id text NOT NULL,
  stream_version bigint NOT NULL CHECK (stream_version >= 0),
  event_id uuid NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  -- json, not jsonb: kept verbatim, so "\\u0000" and every number round-trip exactly.
  data json NOT NULL,
  metadata json NOT NULL,
  -- The ISO-8601 instant exactly as recorded (cast to timestamptz in SQL when needed).
  occurred_at text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_key UNIQUE (stream_key, stream_version),
  CONSTRAINT events_stream_event_id_key UNIQUE (stream_key, event_id)
);
ALTER SEQUENCE ${s}.events_position_seq OWNED BY ${s}.events.global_position;
CREATE TABLE ${s}.checkpoints (
  projection text PRIMARY KEY,
  version integer NOT NULL,
  position bigint NOT NULL,
  state json,
  updated_at timestamptz NOT NULL DEFAULT now()
);
${appendFunctionV1(s)}`,
  },
  {
    version: 2,
    description: 'credentials, throttle attempts, personal-data keys (the security stores, see credentials.ts, throttle.ts, keys.ts)',
    sql: (s) => `
-- One row per (subject, kind); the record's fields as JSON; the revision carries optimistic concurrency.
CREATE TABLE ${s}.credentials (
  subject text NOT NULL,
  kind text NOT NULL,
  revision bigint NOT NULL CHECK (revision >= 1),
  record json NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, kind)
);
-- One row per key ever throttled: acquiring locks it, so attempts on one key are counted one at a time.
CREATE TABLE ${s}.throttle_keys (
  throttle_key text PRIMARY KEY,
  touched_at timestamptz NOT NULL DEFAULT now()
);
-- One row per recorded attempt (equal instants are separate rows).
CREATE TABLE ${s}.throttle_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  throttle_key text NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX throttle_attempts_key_at ON ${s}.throttle_attempts (throttle_key, at_ms);
-- Sliding window, exactly as the in-memory ThrottleStore: forget the key's attempts at or before
-- p_at - p_window, count the rest, record p_at unless p_limit (> 0) remain. The upsert locks the
-- key's row first; under READ COMMITTED each later statement of this VOLATILE function then sees
-- every attempt committed before the lock was granted. Under REPEATABLE READ or SERIALIZABLE a
-- concurrent acquire makes the upsert fail with 40001, and the client retries.
CREATE FUNCTION ${s}.throttle_acquire(p_key text, p_at bigint, p_window double precision, p_limit integer)
RETURNS TABLE (acquired boolean, live integer) LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_live integer;
BEGIN
  INSERT INTO ${s}.throttle_keys AS k (throttle_key) VALUES (p_key)
    ON CONFLICT (throttle_key) DO UPDATE SET touched_at = now();
  DELETE FROM ${s}.throttle_attempts a WHERE a.throttle_key = p_key AND a.at_ms <= p_at - p_window;
  SELECT count(*) INTO v_live FROM ${s}.throttle_attempts a WHERE a.throttle_key = p_key;
  IF p_limit <= 0 OR v_live < p_limit THEN
    INSERT INTO ${s}.throttle_attempts (throttle_key, at_ms) VALUES (p_key, p_at);
    RETURN QUERY SELECT true, v_live + 1;
  ELSE
    RETURN QUERY SELECT false, v_live;
  END IF;
END
$fn$;
-- Every subject that ever had a key or was erased: its row serialises key creation and erasure.
CREATE TABLE ${s}.personal_data_subjects (
  subject text PRIMARY KEY,
  erased_at timestamptz
);
-- The keys themselves; erasure deletes the row.
CREATE TABLE ${s}.personal_data_keys (
  subject text PRIMARY KEY REFERENCES ${s}.personal_data_subjects (subject),
  key bytea NOT NULL CHECK (length(key) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The subject's key, created from p_key if it has none and was never erased; NULL once erased.
CREATE FUNCTION ${s}.personal_data_key(p_subject text, p_key bytea) RETURNS bytea LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_erased timestamptz;
  v_key bytea;
BEGIN
  INSERT INTO ${s}.personal_data_subjects AS d (subject) VALUES (p_subject)
    ON CONFLICT (subject) DO UPDATE SET erased_at = d.erased_at
    RETURNING d.erased_at INTO v_erased;
  IF v_erased IS NOT NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO ${s}.personal_data_keys (subject, key) VALUES (p_subject, p_key) ON CONFLICT (subject) DO NOTHING;
  SELECT k.key INTO v_key FROM ${s}.personal_data_keys k WHERE k.subject = p_subject;
  RETURN v_key;
END
$fn$;
-- Deletes the subject's key and remembers the erasure; true if a key existed.
CREATE FUNCTION ${s}.erase_personal_data_key(p_subject text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_removed integer;
BEGIN
  INSERT INTO ${s}.personal_data_subjects AS d (subject, erased_at) VALUES (p_subject, now())
    ON CONFLICT (subject) DO UPDATE SET erased_at = coalesce(d.erased_at, now());
  DELETE FROM ${s}.personal_data_keys k WHERE k.subject = p_subject;
  GET DIAGNOSTICS v_removed = ROW_COUNT;
  RETURN v_removed > 0;
END
$fn$;`,
  },
  {
    version: 3,
    description: 'hash chains: prev_hash and hash per event, head_hash per stream, the chaining append function; existing events hashed',
    sql: (s) => `
ALTER TABLE ${s}.events ADD COLUMN prev_hash text, ADD COLUMN hash text;
ALTER TABLE ${s}.streams ADD COLUMN head_hash text;
DROP FUNCTION ${s}.append(text[], text[], int[], int[], uuid[], text[], int[], text[], text[], text[]);
${chainedAppendFunction(s)}`,
    // Events recorded before this version get their chain now, computed by the kernel: the chain
    // vouches for the history from the moment of the migration on (docs/audit.md, "Limits").
    after: (client, s) => backfillHashes(client, s),
  },
  {
    version: 4,
    description: 'append function without NOTIFY (it serialised commits): the client notifies after commit',
    sql: (s) => chainedAppendFunction(s, 4),
  },
  {
    version: 5,
    description:
      'append function for several calls at once (group commit), with one-row index lookups only (versions 3 and 4 scanned tables)',
    sql: (s) => `
DROP FUNCTION ${s}.append(text[], text[], int[], int[], uuid[], text[], int[], text[], text[], text[], text[]);
-- Room on each page for a new version of a stream row: its updates stay HOT (no index entries).
ALTER TABLE ${s}.streams SET (fillfactor = 50);
${appendFunctionV5(s)}`,
  },
  {
    version: 6,
    description: 'append_one: the single-event append with scalar parameters (no arrays to build and parse)',
    sql: (s) => appendOneFunction(s),
  },
];

/** The newest schema version this code knows. */
export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
