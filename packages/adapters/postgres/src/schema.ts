import { type StoreError, storeUnavailable } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Pool, PoolClient } from 'pg';
import { allocatePositions, allocation, appendFunctionV5, appendOneFunction } from './appendFunction.js';
import { backfillHashes } from './backfill.js';
import { toStoreError } from './errors.js';
import { LOCK_CLASS_MIGRATE, schemaLockKey } from './locks.js';

/** NOTIFY channel on which `append` announces each commit (payload: its last global position). */
export const notifyChannel = (schema: string): string => `${schema}_appended`;

/** Schema names are validated to `[a-z_][a-z0-9_]*`, so quoting is for clarity only. */
export const quoteIdent = (name: string): string => `"${name}"`;

interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: (schema: string) => string;
  /** Work SQL cannot do, run after `sql` in the same transaction (e.g. hashing existing rows). */
  readonly after?: (client: PoolClient, schema: string) => Promise<void>;
}

/**
 * The append function. It runs as the FIRST statement of its own transaction and, in one round trip:
 * 1. allocates the transaction id and the global positions together under a short session advisory
 *    lock, so that position order equals transaction-id order (what makes the readers' visibility
 *    rule skip-free, see the README);
 * 2. locks each stream row (creating a placeholder at version -1 for a new stream) in hash order, so
 *    concurrent appends to the same streams queue instead of deadlocking;
 * 3. reads the versions and which of the call's event ids each stream already holds;
 * 4. writes only when no id is already recorded and every expectation holds, else writes nothing.
 * It returns that snapshot; the client re-plans it with the kernel's `planAppend`, which decides
 * replay, conflict or success (and their messages), exactly as in every other adapter.
 */
const appendFunction = (s: string): string => {
  const lockKey = schemaLockKey(s.replaceAll('"', ''));
  const channel = notifyChannel(s.replaceAll('"', ''));
  return `
CREATE OR REPLACE FUNCTION ${s}.append(
  p_streams text[], p_expected text[], p_counts int[],
  p_event_req int[], p_ids uuid[], p_types text[], p_schema_versions int[],
  p_data text[], p_metadata text[], p_occurred_at text[]
) RETURNS json LANGUAGE plpgsql AS $fn$
DECLARE
  n_req constant int := coalesce(cardinality(p_streams), 0);
  n_events constant int := coalesce(cardinality(p_ids), 0);
  v_xid xid8;
  v_positions bigint[] := '{}';
  v_keys bigint[] := array_fill(NULL::bigint, ARRAY[n_req]);
  v_versions bigint[] := array_fill(-1::bigint, ARRAY[n_req]);
  v_key bigint;
  v_version bigint;
  v_known_count int := 0;
  v_known json := '[]';
  v_exp text;
  v_holds boolean := true;
  r record;
BEGIN
  IF n_events = 0 THEN
    -- Only expectations to check: one consistent read; no lock, no transaction id.
    SELECT array_agg(coalesce(st.version, -1) ORDER BY t.ord) INTO v_versions
      FROM unnest(p_streams) WITH ORDINALITY AS t(id, ord)
      LEFT JOIN ${s}.streams st ON st.stream_hash = sha256(convert_to(t.id, 'UTF8'));
    RETURN json_build_object('w', false, 'v', v_versions, 'k', v_known);
  END IF;

${allocation(lockKey, allocatePositions(s))}

  FOR r IN SELECT t.ord::int AS ord, t.id, sha256(convert_to(t.id, 'UTF8')) AS h
             FROM unnest(p_streams) WITH ORDINALITY AS t(id, ord) ORDER BY 3 LOOP
    SELECT st.stream_key, st.version INTO v_key, v_version FROM ${s}.streams st WHERE st.stream_hash = r.h FOR UPDATE;
    IF NOT FOUND THEN
      INSERT INTO ${s}.streams (stream_hash, stream_id, version) VALUES (r.h, r.id, -1) ON CONFLICT (stream_hash) DO NOTHING;
      SELECT st.stream_key, st.version INTO v_key, v_version FROM ${s}.streams st WHERE st.stream_hash = r.h FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'stream row vanished while locking it' USING ERRCODE = '40001';
      END IF;
    END IF;
    v_keys[r.ord] := v_key;
    v_versions[r.ord] := v_version;
  END LOOP;

  IF EXISTS (SELECT 1 FROM unnest(v_versions) v WHERE v >= 0) THEN
    SELECT count(*), coalesce(json_agg(json_build_array(t.req, e.event_id, e.stream_version, e.type, e.global_position,
             e.data, e.metadata, e.schema_version, e.occurred_at, e.stream_id) ORDER BY t.o), '[]')
      INTO v_known_count, v_known
      FROM unnest(p_event_req, p_ids) WITH ORDINALITY AS t(req, id, o)
      JOIN ${s}.events e ON e.stream_key = v_keys[t.req] AND e.event_id = t.id;
  END IF;

  IF v_known_count = 0 THEN
    FOR i IN 1..n_req LOOP
      v_exp := p_expected[i];
      IF NOT (v_exp = 'any' OR (v_exp = 'no_stream' AND v_versions[i] = -1) OR (v_exp = 'exists' AND v_versions[i] >= 0)
              OR (v_exp ~ '^[0-9]+$' AND v_exp::numeric = v_versions[i])) THEN
        v_holds := false;
        EXIT;
      END IF;
    END LOOP;
  END IF;

  IF v_known_count = 0 AND v_holds THEN
    INSERT INTO ${s}.events (global_position, transaction_id, stream_key, stream_id, stream_version, event_id, type,
                             schema_version, data, metadata, occurred_at)
    SELECT v_positions[t.o], v_xid, v_keys[t.req], p_streams[t.req],
           v_versions[t.req] + row_number() OVER (PARTITION BY t.req ORDER BY t.o),
           t.id, t.type, t.sv, t.data::json, t.meta::json, t.at
      FROM unnest(p_event_req, p_ids, p_types, p_schema_versions, p_data, p_metadata, p_occurred_at)
           WITH ORDINALITY AS t(req, id, type, sv, data, meta, at, o);
    UPDATE ${s}.streams st SET version = v_versions[t.ord] + p_counts[t.ord]
      FROM generate_subscripts(p_streams, 1) AS t(ord)
     WHERE st.stream_key = v_keys[t.ord] AND p_counts[t.ord] > 0;
  END IF;
  -- Placeholders of streams that stay empty (guards, refused calls) must not outlive the call.
  DELETE FROM ${s}.streams WHERE stream_key = ANY(v_keys) AND version = -1;
  IF v_known_count = 0 AND v_holds THEN
    PERFORM pg_notify('${channel}', v_positions[n_events]::text);
    RETURN json_build_object('w', true, 'v', v_versions, 'p', v_positions);
  END IF;
  RETURN json_build_object('w', false, 'v', v_versions, 'k', v_known);
END
$fn$;
`;
};

/**
 * The append function of schema version 3: version 1's, plus the hash chains (see the core's
 * `hashChain.ts`). The client sends each event's content hash (`p_content`, computed by the kernel);
 * the function, which alone knows the versions and the streams' head hashes under its locks, links
 * them: `hash = sha256('{"contentHash":"<c>","prevHash":"<p>"|null,"streamVersion":<v>}')`, the
 * kernel's `linkText` rule. It stores `prev_hash` and `hash` with each event, keeps each stream's
 * `head_hash`, and answers the head hashes it chained onto (`ph`) and the new hashes (`h`), which
 * the client checks against the kernel's own plan.
 */
const chainedAppendFunction = (s: string, version: 3 | 4 = 3): string => {
  const lockKey = schemaLockKey(s.replaceAll('"', ''));
  const channel = notifyChannel(s.replaceAll('"', ''));
  // Version 4 only drops the NOTIFY (the client sends it after commit, see store.ts `announce`).
  const notify = version === 3 ? `\n    PERFORM pg_notify('${channel}', v_positions[n_events]::text);` : '';
  return `
${version === 3 ? 'CREATE FUNCTION' : 'CREATE OR REPLACE FUNCTION'} ${s}.append(
  p_streams text[], p_expected text[], p_counts int[],
  p_event_req int[], p_ids uuid[], p_types text[], p_schema_versions int[],
  p_data text[], p_metadata text[], p_occurred_at text[], p_content text[]
) RETURNS json LANGUAGE plpgsql AS $fn$
DECLARE
  n_req constant int := coalesce(cardinality(p_streams), 0);
  n_events constant int := coalesce(cardinality(p_ids), 0);
  v_xid xid8;
  v_positions bigint[] := '{}';
  v_keys bigint[] := array_fill(NULL::bigint, ARRAY[n_req]);
  v_versions bigint[] := array_fill(-1::bigint, ARRAY[n_req]);
  v_heads text[] := array_fill(NULL::text, ARRAY[n_req]);
  v_chain text[];
  v_next bigint[];
  v_prev text[] := '{}';
  v_hashes text[] := '{}';
  v_req int;
  v_key bigint;
  v_version bigint;
  v_head text;
  v_known_count int := 0;
  v_known json := '[]';
  v_exp text;
  v_holds boolean := true;
  r record;
BEGIN
  IF n_events = 0 THEN
    -- Only expectations to check: one consistent read; no lock, no transaction id.
    SELECT array_agg(coalesce(st.version, -1) ORDER BY t.ord) INTO v_versions
      FROM unnest(p_streams) WITH ORDINALITY AS t(id, ord)
      LEFT JOIN ${s}.streams st ON st.stream_hash = sha256(convert_to(t.id, 'UTF8'));
    RETURN json_build_object('w', false, 'v', v_versions, 'k', v_known);
  END IF;

${allocation(lockKey, allocatePositions(s))}

  FOR r IN SELECT t.ord::int AS ord, t.id, sha256(convert_to(t.id, 'UTF8')) AS h
             FROM unnest(p_streams) WITH ORDINALITY AS t(id, ord) ORDER BY 3 LOOP
    SELECT st.stream_key, st.version, st.head_hash INTO v_key, v_version, v_head
      FROM ${s}.streams st WHERE st.stream_hash = r.h FOR UPDATE;
    IF NOT FOUND THEN
      INSERT INTO ${s}.streams (stream_hash, stream_id, version) VALUES (r.h, r.id, -1) ON CONFLICT (stream_hash) DO NOTHING;
      SELECT st.stream_key, st.version, st.head_hash INTO v_key, v_version, v_head
        FROM ${s}.streams st WHERE st.stream_hash = r.h FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'stream row vanished while locking it' USING ERRCODE = '40001';
      END IF;
    END IF;
    v_keys[r.ord] := v_key;
    v_versions[r.ord] := v_version;
    v_heads[r.ord] := CASE WHEN v_version < 0 THEN NULL ELSE v_head END;
  END LOOP;

  IF EXISTS (SELECT 1 FROM unnest(v_versions) v WHERE v >= 0) THEN
    SELECT count(*), coalesce(json_agg(json_build_array(t.req, e.event_id, e.stream_version, e.type, e.global_position,
             e.data, e.metadata, e.schema_version, e.occurred_at, e.stream_id, e.prev_hash, e.hash) ORDER BY t.o), '[]')
      INTO v_known_count, v_known
      FROM unnest(p_event_req, p_ids) WITH ORDINALITY AS t(req, id, o)
      JOIN ${s}.events e ON e.stream_key = v_keys[t.req] AND e.event_id = t.id;
  END IF;

  IF v_known_count = 0 THEN
    FOR i IN 1..n_req LOOP
      v_exp := p_expected[i];
      IF NOT (v_exp = 'any' OR (v_exp = 'no_stream' AND v_versions[i] = -1) OR (v_exp = 'exists' AND v_versions[i] >= 0)
              OR (v_exp ~ '^[0-9]+$' AND v_exp::numeric = v_versions[i])) THEN
        v_holds := false;
        EXIT;
      END IF;
    END LOOP;
  END IF;

  IF v_known_count = 0 AND v_holds THEN
    -- Link the chains: a request's events are consecutive in call order.
    v_chain := v_heads;
    v_next := v_versions;
    FOR i IN 1..n_events LOOP
      v_req := p_event_req[i];
      v_next[v_req] := v_next[v_req] + 1;
      v_prev[i] := v_chain[v_req];
      v_hashes[i] := encode(sha256(convert_to('{"contentHash":"' || p_content[i] || '","prevHash":'
        || coalesce('"' || v_chain[v_req] || '"', 'null') || ',"streamVersion":' || v_next[v_req] || '}', 'UTF8')), 'hex');
      v_chain[v_req] := v_hashes[i];
    END LOOP;
    INSERT INTO ${s}.events (global_position, transaction_id, stream_key, stream_id, stream_version, event_id, type,
                             schema_version, data, metadata, occurred_at, prev_hash, hash)
    SELECT v_positions[t.o], v_xid, v_keys[t.req], p_streams[t.req],
           v_versions[t.req] + row_number() OVER (PARTITION BY t.req ORDER BY t.o),
           t.id, t.type, t.sv, t.data::json, t.meta::json, t.at, v_prev[t.o], v_hashes[t.o]
      FROM unnest(p_event_req, p_ids, p_types, p_schema_versions, p_data, p_metadata, p_occurred_at)
           WITH ORDINALITY AS t(req, id, type, sv, data, meta, at, o);
    UPDATE ${s}.streams st SET version = v_versions[t.ord] + p_counts[t.ord], head_hash = v_chain[t.ord]
      FROM generate_subscripts(p_streams, 1) AS t(ord)
     WHERE st.stream_key = v_keys[t.ord] AND p_counts[t.ord] > 0;
  END IF;
  -- Placeholders of streams that stay empty (guards, refused calls) must not outlive the call.
  DELETE FROM ${s}.streams WHERE stream_key = ANY(v_keys) AND version = -1;
  IF v_known_count = 0 AND v_holds THEN${notify}
    RETURN json_build_object('w', true, 'v', v_versions, 'p', v_positions, 'ph', v_heads, 'h', v_hashes);
  END IF;
  RETURN json_build_object('w', false, 'v', v_versions, 'k', v_known);
END
$fn$;
`;
};

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
${appendFunction(s)}`,
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

const ignoreError = (): void => undefined;

/**
 * Brings `schema` to the latest version. Runs in one transaction under an advisory lock, so any
 * number of processes may call it at once: one applies each migration, the others wait and find
 * it done. Creates nothing that exists already (a user without CREATE privileges can run an
 * up-to-date store). Refuses a schema newer than this code.
 *
 * @returns the versions applied by this call (empty when the schema was up to date).
 */
export const migrate = async (pool: Pool, schema: string, target: string): Promise<E.Either<StoreError, readonly number[]>> => {
  let client: PoolClient | undefined;
  let failure: Error | undefined;
  const s = quoteIdent(schema);
  try {
    client = await pool.connect();
    // The server may close the connection between two statements (idle_in_transaction_session_timeout,
    // see sessionTimeouts.ts): unheard, that 'error' would crash the process; the next statement fails typed.
    client.on('error', ignoreError);
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [LOCK_CLASS_MIGRATE, schemaLockKey(schema)]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
    const table = await client.query('SELECT to_regclass($1) AS t', [`${s}.schema_migrations`]);
    if (table.rows[0]?.t === null)
      await client.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > LATEST_SCHEMA_VERSION) {
      await client.query('ROLLBACK');
      return E.left(
        storeUnavailable(
          `the event store schema "${schema}" at ${target} is at version ${newest}, newer than this code (${LATEST_SCHEMA_VERSION}): upgrade selfprov`,
          false,
        ),
      );
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query(m.sql(s));
      await m.after?.(client, s);
      await client.query(`INSERT INTO ${s}.schema_migrations (version, description) VALUES ($1, $2)`, [m.version, m.description]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return E.right(applied);
  } catch (cause) {
    failure = cause instanceof Error ? cause : new Error(String(cause));
    await client?.query('ROLLBACK').catch(() => undefined);
    return E.left(toStoreError(cause, target, false));
  } finally {
    client?.removeListener('error', ignoreError);
    client?.release(failure);
  }
};
