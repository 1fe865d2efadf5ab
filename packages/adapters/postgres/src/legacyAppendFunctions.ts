// The append functions of schema versions 1, 3 and 4, as their migrations created them (see
// migrations.ts). Never edit one: an applied migration's text is history. The current ones are in
// appendFunction.ts.
import { allocatePositions, allocation } from './appendFunction.js';
import { notifyChannel } from './identifiers.js';
import { schemaLockKey } from './locks.js';

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
export const appendFunctionV1 = (s: string): string => {
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
export const chainedAppendFunction = (s: string, version: 3 | 4 = 3): string => {
  const lockKey = schemaLockKey(s.replaceAll('"', ''));
  const channel = notifyChannel(s.replaceAll('"', ''));
  // Version 4 only drops the NOTIFY (the client sends it after commit, see announcer.ts).
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
