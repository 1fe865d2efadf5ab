import { LOCK_CLASS_ALLOCATE, schemaLockKey } from './locks.js';

/** SQL expressions naming one event's fields in a function: the general one's arrays, or append_one's scalars. */
interface EventFields {
  readonly stream: string;
  readonly expected: string;
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: string;
  readonly data: string;
  readonly metadata: string;
  readonly occurredAt: string;
  readonly content: string;
  /** The event's global position, and the positions array the answer carries. */
  readonly position: string;
  readonly positions: string;
}

const GENERAL: EventFields = {
  stream: 'p_streams[1]',
  expected: 'p_expected[1]',
  id: 'p_ids[1]',
  type: 'p_types[1]',
  schemaVersion: 'p_schema_versions[1]',
  data: 'p_data[1]',
  metadata: 'p_metadata[1]',
  occurredAt: 'p_occurred_at[1]',
  content: 'p_content[1]',
  position: 'v_positions[1]',
  positions: 'v_positions',
};

const ONE: EventFields = {
  stream: 'p_stream',
  expected: 'p_expected',
  id: 'p_id',
  type: 'p_type',
  schemaVersion: 'p_schema_version',
  data: 'p_data',
  metadata: 'p_metadata',
  occurredAt: 'p_occurred_at',
  content: 'p_content',
  position: 'v_position',
  positions: 'ARRAY[v_position]',
};

/**
 * The two single-event fast paths (a new stream; an existing stream at an expected version), each one
 * statement on `streams` and one insert, answering as the general path does. `when` prefixes their
 * conditions; when neither applies or neither matches, control falls through to what follows.
 */
const fastPaths = (s: string, f: EventFields, when = ''): string => `  IF ${when}${f.expected} = 'no_stream' THEN
    -- Fast path: a new stream with one event. Its row is created at its final version; a row that
    -- exists (or is being created by a concurrent call, which this waits for) leaves it to the general path.
    v_new_hash := encode(sha256(convert_to('{"contentHash":"' || ${f.content} || '","prevHash":null,"streamVersion":0}', 'UTF8')), 'hex');
    INSERT INTO ${s}.streams (stream_hash, stream_id, version, head_hash)
    VALUES (sha256(convert_to(${f.stream}, 'UTF8')), ${f.stream}, 0, v_new_hash)
    ON CONFLICT (stream_hash) DO NOTHING RETURNING stream_key INTO v_key;
    IF FOUND THEN
      INSERT INTO ${s}.events (global_position, transaction_id, stream_key, stream_id, stream_version, event_id, type,
                               schema_version, data, metadata, occurred_at, prev_hash, hash)
      VALUES (${f.position}, v_xid, v_key, ${f.stream}, 0, ${f.id}, ${f.type}, ${f.schemaVersion},
              ${f.data}::json, ${f.metadata}::json, ${f.occurredAt}, NULL, v_new_hash);
      RETURN json_build_array(json_build_object('w', true, 'v', ARRAY[-1], 'p', ${f.positions},
        'ph', ARRAY[NULL::text], 'h', ARRAY[v_new_hash]));
    END IF;
  ELSIF ${when}${f.expected} ~ '^[0-9]+$' THEN
    -- Fast path, the most common append: one event onto an existing stream at an expected version.
    -- One statement locks the stream row, checks the version, links the chain and moves the head.
    -- The old head comes from the statement's snapshot; it is the row's current one whenever the
    -- update happens, because every committed change of a stream row changes its version, and a
    -- row changed since the snapshot no longer matches the version (PostgreSQL re-checks it).
    v_hash := sha256(convert_to(${f.stream}, 'UTF8'));
    UPDATE ${s}.streams st
       SET version = st.version + 1,
           head_hash = encode(sha256(convert_to('{"contentHash":"' || ${f.content} || '","prevHash":'
             || coalesce('"' || st.head_hash || '"', 'null') || ',"streamVersion":' || (st.version + 1) || '}', 'UTF8')), 'hex')
      FROM (SELECT o.head_hash FROM ${s}.streams o WHERE o.stream_hash = v_hash) old
     WHERE st.stream_hash = v_hash AND st.version = ${f.expected}::bigint
    RETURNING st.stream_key, st.version - 1, old.head_hash, st.head_hash INTO v_key, v_version, v_head, v_new_hash;
    IF FOUND THEN
      INSERT INTO ${s}.events (global_position, transaction_id, stream_key, stream_id, stream_version, event_id, type,
                               schema_version, data, metadata, occurred_at, prev_hash, hash)
      VALUES (${f.position}, v_xid, v_key, ${f.stream}, v_version + 1, ${f.id}, ${f.type}, ${f.schemaVersion},
              ${f.data}::json, ${f.metadata}::json, ${f.occurredAt}, v_head, v_new_hash);
      RETURN json_build_array(json_build_object('w', true, 'v', ARRAY[v_version], 'p', ${f.positions},
        'ph', ARRAY[v_head], 'h', ARRAY[v_new_hash]));
    END IF;
    -- A new stream or a version that does not match: the general path decides and answers.
  END IF;`;

/** What `allocation` takes for a call of `n_events` events: one position each. */
export const allocatePositions = (s: string): string => `    FOR i IN 1..n_events LOOP
      v_positions[i] := nextval('${s}.events_position_seq');
    END LOOP;`;

/**
 * The short session lock under which the transaction id and the positions are taken together (see
 * appendFunctionV5): every version of the append function starts with it.
 */
export const allocation = (lockKey: number, take: string): string => `  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'selfprov append must be the first write of its transaction (position order relies on it)'
      USING ERRCODE = '25001';
  END IF;
  BEGIN
    PERFORM pg_advisory_lock(${LOCK_CLASS_ALLOCATE}, ${lockKey});
    v_xid := pg_current_xact_id();
${take}
    PERFORM pg_advisory_unlock(${LOCK_CLASS_ALLOCATE}, ${lockKey});
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- A session lock survives the error: release it, or every later append would wait forever.
    IF EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
                 AND classid = ${LOCK_CLASS_ALLOCATE} AND objid = ${lockKey} AND objsubid = 2) THEN
      PERFORM pg_advisory_unlock(${LOCK_CLASS_ALLOCATE}, ${lockKey});
    END IF;
    RAISE;
  END;`;

/**
 * `<schema>.append_one` (schema version 6): the single-event append with scalar parameters, no arrays
 * to build, send and parse (about 15% of a sequential append's time, measured against the same call
 * through `append`). It takes the fast paths above and answers as `append` does, or NULL when neither
 * applies (the stream exists for `no_stream`, is new or elsewhere for a version, or the expectation is
 * another): the store then sends the call to `append`, which decides it. Like `append`, it must be the
 * first statement of its transaction.
 */
export const appendOneFunction = (s: string): string => {
  const lockKey = schemaLockKey(s.replaceAll('"', ''));
  return `
CREATE FUNCTION ${s}.append_one(
  p_stream text, p_expected text, p_id uuid, p_type text, p_schema_version int,
  p_data text, p_metadata text, p_occurred_at text, p_content text
) RETURNS json LANGUAGE plpgsql AS $fn$
DECLARE
  v_xid xid8;
  v_position bigint;
  v_hash bytea;
  v_key bigint;
  v_version bigint;
  v_head text;
  v_new_hash text;
BEGIN
  IF NOT (p_expected = 'no_stream' OR p_expected ~ '^[0-9]+$') THEN
    RETURN NULL;
  END IF;
${allocation(lockKey, "    v_position := nextval('" + s + ".events_position_seq');")}
${fastPaths(s, ONE)}
  RETURN NULL;
END
$fn$;
`;
};

/**
 * The append function of schema version 5 (the one in use). It takes SEVERAL independent append
 * calls at once (group commit: the store sends appends that arrive while others are in flight
 * together, so they share one transaction and one WAL flush), and decides and answers each call on
 * its own, exactly as if it had come alone. The calls of one batch never share a stream (the store
 * sees to it), so their outcomes cannot depend on each other.
 *
 * Every statement is an index lookup on one row. Versions 3 and 4 joined the call's arrays against
 * `streams` and `events` (the known-id check, the version update, the placeholder clean-up), which
 * PostgreSQL planned as scans of whole tables: an append cost grew with the size of the store. The
 * placeholder row of a new stream is created with the lock that guards it (`INSERT ... RETURNING`).
 *
 * Idempotency by event id costs a lookup only when it can matter: a call whose expectations fail is
 * checked for already recorded ids (a replay wins over a conflict), and so is every call when
 * `p_check_ids` is set. A call whose expectations hold writes at once; if one of its ids is already
 * in the stream, the unique constraint `events_stream_event_id_key` stops the transaction, and the
 * store retries with `p_check_ids` (see `appendAlone` in appendRoundTrips.ts): a retried command is
 * rare, a lookup per append is not.
 *
 * It runs as the FIRST statement of its own transaction and, in one round trip:
 * 1. allocates the transaction id and the global positions together under a short session advisory
 *    lock, so that position order equals transaction-id order (what makes the readers' visibility
 *    rule skip-free, see the README);
 * 2. locks each stream row (creating a placeholder at version -1 for a new stream) in hash order, so
 *    concurrent appends to the same streams queue instead of deadlocking;
 * 3. reads the versions and the head hashes (and, as above, whether event ids are already recorded);
 * 4. writes each call whose expectations all hold and no id is already recorded, else nothing of it,
 *    linking the hash chains: `hash = sha256('{"contentHash":"<c>","prevHash":"<p>"|null,"streamVersion":<v>}')`
 *    from the content hashes the client computed (the kernel's `linkText` rule).
 * It returns a JSON array with, per call, that snapshot (`w` written, `v` versions, `p` positions,
 * `ph` head hashes chained onto, `h` new hashes, or `k` the already recorded events, by the request's
 * index in its call); the client re-plans each with the kernel's
 * `planAppend`, which decides replay, conflict or success (and their messages), exactly as in every
 * other adapter, and checks the hashes against its own.
 *
 * Arguments are parallel arrays: per request its call (`p_calls`, 1-based, a call's requests
 * consecutive), stream, expectation and event count; per event its request and fields, the events of
 * one request consecutive in call order (`toAppendArgs` builds them so).
 */
export const appendFunctionV5 = (s: string): string => {
  const lockKey = schemaLockKey(s.replaceAll('"', ''));
  return `
CREATE FUNCTION ${s}.append(
  p_calls int[], p_streams text[], p_expected text[], p_counts int[],
  p_event_req int[], p_ids uuid[], p_types text[], p_schema_versions int[],
  p_data text[], p_metadata text[], p_occurred_at text[], p_content text[], p_check_ids boolean
) RETURNS json LANGUAGE plpgsql AS $fn$
DECLARE
  n_req constant int := coalesce(cardinality(p_streams), 0);
  n_events constant int := coalesce(cardinality(p_ids), 0);
  n_calls constant int := coalesce(p_calls[n_req], 0);
  v_xid xid8;
  v_positions bigint[] := '{}';
  -- Filled once the fast path is ruled out (DECLARE defaults cost every call).
  v_keys bigint[];
  v_versions bigint[];
  v_heads text[];
  v_first int[];
  v_call_first int[];
  v_call_last int[];
  v_holds boolean[];
  v_known boolean[];
  v_new_hash text;
  v_order int[];
  v_chain text[];
  v_next bigint[];
  v_stream_versions bigint[];
  v_prev text[];
  v_hashes text[];
  v_answers json[] := '{}';
  v_recorded json;
  v_req int;
  v_call int;
  v_at int := 1;
  v_from int;
  v_to int;
  v_hash bytea;
  v_key bigint;
  v_version bigint;
  v_head text;
  v_exp text;
  v_writes boolean := false;
BEGIN
  IF n_events = 0 THEN
    -- Only expectations to check (one call, the store sends such calls alone): one consistent read,
    -- no lock, no transaction id.
    SELECT array_agg(coalesce(st.version, -1) ORDER BY t.ord) INTO v_versions
      FROM unnest(p_streams) WITH ORDINALITY AS t(id, ord)
      LEFT JOIN ${s}.streams st ON st.stream_hash = sha256(convert_to(t.id, 'UTF8'));
    RETURN json_build_array(json_build_object('w', false, 'v', v_versions, 'k', '[]'::json));
  END IF;

${allocation(lockKey, allocatePositions(s))}

${fastPaths(s, GENERAL, 'n_req = 1 AND n_events = 1 AND NOT p_check_ids AND ')}

  v_keys := array_fill(NULL::bigint, ARRAY[n_req]);
  v_versions := array_fill(-1::bigint, ARRAY[n_req]);
  v_heads := array_fill(NULL::text, ARRAY[n_req]);
  v_first := array_fill(1, ARRAY[n_req]);
  v_call_first := array_fill(0, ARRAY[n_calls]);
  v_call_last := array_fill(0, ARRAY[n_calls]);
  v_holds := array_fill(true, ARRAY[n_calls]);
  v_known := array_fill(false, ARRAY[n_calls]);
  -- Sized up front: set only for events that are written, they must stay aligned with the other arrays.
  v_stream_versions := array_fill(NULL::bigint, ARRAY[n_events]);
  v_prev := array_fill(NULL::text, ARRAY[n_events]);
  v_hashes := array_fill(NULL::text, ARRAY[n_events]);
  FOR i IN 1..n_req LOOP
    v_first[i] := v_at;
    v_at := v_at + p_counts[i];
    v_call := p_calls[i];
    IF v_call_first[v_call] = 0 THEN
      v_call_first[v_call] := i;
    END IF;
    v_call_last[v_call] := i;
  END LOOP;
  IF n_req = 1 THEN
    v_order := ARRAY[1];
  ELSE
    SELECT array_agg(t.ord::int ORDER BY sha256(convert_to(t.id, 'UTF8'))) INTO v_order
      FROM unnest(p_streams) WITH ORDINALITY AS t(id, ord);
  END IF;

  -- Every stream of the batch locked in one global order (hash order), so batches never deadlock.
  FOREACH v_req IN ARRAY v_order LOOP
    v_hash := sha256(convert_to(p_streams[v_req], 'UTF8'));
    SELECT st.stream_key, st.version, st.head_hash INTO v_key, v_version, v_head
      FROM ${s}.streams st WHERE st.stream_hash = v_hash FOR UPDATE;
    IF NOT FOUND THEN
      -- The new row is locked by its insert; a concurrent creator makes this wait, then do nothing.
      INSERT INTO ${s}.streams (stream_hash, stream_id, version) VALUES (v_hash, p_streams[v_req], -1)
        ON CONFLICT (stream_hash) DO NOTHING RETURNING stream_key INTO v_key;
      IF FOUND THEN
        v_version := -1;
      ELSE
        SELECT st.stream_key, st.version, st.head_hash INTO v_key, v_version, v_head
          FROM ${s}.streams st WHERE st.stream_hash = v_hash FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'stream row vanished while locking it' USING ERRCODE = '40001';
        END IF;
      END IF;
    END IF;
    v_keys[v_req] := v_key;
    v_versions[v_req] := v_version;
    v_heads[v_req] := CASE WHEN v_version < 0 THEN NULL ELSE v_head END;
    v_exp := p_expected[v_req];
    IF NOT (v_exp = 'any' OR (v_exp = 'no_stream' AND v_version = -1) OR (v_exp = 'exists' AND v_version >= 0)
            OR (v_exp ~ '^[0-9]+$' AND v_exp::numeric = v_version)) THEN
      v_holds[p_calls[v_req]] := false;
    END IF;
  END LOOP;

  FOR i IN 1..n_req LOOP
    v_call := p_calls[i];
    -- Nested: an IF holding the sub-select would run it through the executor even when skipped.
    IF (p_check_ids OR NOT v_holds[v_call]) AND NOT v_known[v_call] AND v_versions[i] >= 0 AND p_counts[i] > 0 THEN
      IF EXISTS (SELECT 1 FROM ${s}.events e
                  WHERE e.stream_key = v_keys[i] AND e.event_id = ANY (p_ids[v_first[i]:v_first[i] + p_counts[i] - 1])) THEN
        v_known[v_call] := true;
      END IF;
    END IF;
  END LOOP;

  v_chain := v_heads;
  v_next := v_versions;
  FOR i IN 1..n_events LOOP
    v_req := p_event_req[i];
    v_call := p_calls[v_req];
    IF v_holds[v_call] AND NOT v_known[v_call] THEN
      v_writes := true;
      v_next[v_req] := v_next[v_req] + 1;
      v_stream_versions[i] := v_next[v_req];
      v_prev[i] := v_chain[v_req];
      v_hashes[i] := encode(sha256(convert_to('{"contentHash":"' || p_content[i] || '","prevHash":'
        || coalesce('"' || v_chain[v_req] || '"', 'null') || ',"streamVersion":' || v_next[v_req] || '}', 'UTF8')), 'hex');
      v_chain[v_req] := v_hashes[i];
    END IF;
  END LOOP;
  IF v_writes AND n_events = 1 THEN
    -- The most common append, one event: a VALUES row is cheaper than unnesting eleven arrays.
    INSERT INTO ${s}.events (global_position, transaction_id, stream_key, stream_id, stream_version, event_id, type,
                             schema_version, data, metadata, occurred_at, prev_hash, hash)
    VALUES (v_positions[1], v_xid, v_keys[p_event_req[1]], p_streams[p_event_req[1]], v_stream_versions[1], p_ids[1], p_types[1],
            p_schema_versions[1], p_data[1]::json, p_metadata[1]::json, p_occurred_at[1], v_prev[1], v_hashes[1]);
  ELSIF v_writes THEN
    -- Events of calls that do not write have no hash: left out.
    INSERT INTO ${s}.events (global_position, transaction_id, stream_key, stream_id, stream_version, event_id, type,
                             schema_version, data, metadata, occurred_at, prev_hash, hash)
    SELECT t.pos, v_xid, v_keys[t.req], p_streams[t.req], t.sv, t.id, t.type, t.schv, t.data::json, t.meta::json, t.at, t.prev, t.hash
      FROM unnest(v_positions, p_event_req, v_stream_versions, p_ids, p_types, p_schema_versions, p_data, p_metadata,
                  p_occurred_at, v_prev, v_hashes) AS t(pos, req, sv, id, type, schv, data, meta, at, prev, hash)
     WHERE t.hash IS NOT NULL;
  END IF;
  FOR i IN 1..n_req LOOP
    v_call := p_calls[i];
    IF v_holds[v_call] AND NOT v_known[v_call] AND p_counts[i] > 0 THEN
      UPDATE ${s}.streams SET version = v_next[i], head_hash = v_chain[i] WHERE stream_key = v_keys[i];
    ELSIF v_versions[i] = -1 THEN
      -- A placeholder of a stream that stays empty (a guard, a refused call) must not outlive the call.
      DELETE FROM ${s}.streams WHERE stream_key = v_keys[i];
    END IF;
  END LOOP;

  IF n_calls = 1 AND NOT v_known[1] THEN
    -- One call (every append made alone): its answer is the whole arrays.
    IF v_holds[1] THEN
      RETURN json_build_array(json_build_object('w', true, 'v', v_versions, 'p', v_positions, 'ph', v_heads, 'h', v_hashes));
    END IF;
    RETURN json_build_array(json_build_object('w', false, 'v', v_versions, 'k', '[]'::json));
  END IF;
  FOR c IN 1..n_calls LOOP
    v_from := v_first[v_call_first[c]];
    v_to := v_first[v_call_last[c]] + p_counts[v_call_last[c]] - 1;
    IF v_known[c] THEN
      -- Rare (a retried command): the recorded events, for the client to replay or refuse.
      SELECT coalesce(json_agg(json_build_array(t.req - v_call_first[c] + 1, e.event_id, e.stream_version, e.type,
               e.global_position, e.data, e.metadata, e.schema_version, e.occurred_at, e.stream_id, e.prev_hash, e.hash)
               ORDER BY t.o), '[]')
        INTO v_recorded
        FROM unnest(p_event_req[v_from:v_to], p_ids[v_from:v_to]) WITH ORDINALITY AS t(req, id, o)
        CROSS JOIN LATERAL (
          SELECT * FROM ${s}.events ev WHERE ev.stream_key = v_keys[t.req] AND ev.event_id = t.id LIMIT 1
        ) e;
      v_answers[c] := json_build_object('w', false, 'v', v_versions[v_call_first[c]:v_call_last[c]], 'k', v_recorded);
    ELSIF v_holds[c] THEN
      v_answers[c] := json_build_object('w', true, 'v', v_versions[v_call_first[c]:v_call_last[c]],
        'p', v_positions[v_from:v_to], 'ph', v_heads[v_call_first[c]:v_call_last[c]], 'h', v_hashes[v_from:v_to]);
    ELSE
      v_answers[c] := json_build_object('w', false, 'v', v_versions[v_call_first[c]:v_call_last[c]], 'k', '[]'::json);
    END IF;
  END LOOP;
  RETURN array_to_json(v_answers);
END
$fn$;
`;
};
