import { contentHashOf, type EventMetadata, type JsonValue, linkHashOf } from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import type { PoolClient } from 'pg';

/** SHA-256 of the hash chains, native: identical to the core's pure one (the core's tests prove it), faster. */

const BATCH = 1000;

interface Row {
  global_position: string;
  stream_key: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: JsonValue;
  metadata: EventMetadata;
  occurred_at: string;
}

/**
 * Hashes the events recorded before the schema had hash chains (migration 3), stream by stream in
 * version order, exactly as the kernel does for new events, and sets each stream's head hash.
 * Runs inside the migration's transaction: a crash leaves the schema at version 2, untouched.
 * Reads in keyset pages, so memory stays bounded whatever the log's size.
 */
export const backfillHashes = async (client: PoolClient, s: string): Promise<void> => {
  let key = '0';
  let version = '-1';
  let head: { key: string; hash: string } | undefined;
  const heads = new Map<string, string>();
  for (;;) {
    const { rows } = await client.query<Row>(
      `SELECT global_position, stream_key, stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at
         FROM ${s}.events
        WHERE hash IS NULL AND (stream_key, stream_version) > ($1::bigint, $2::bigint)
        ORDER BY stream_key, stream_version LIMIT ${BATCH}`,
      [key, version],
    );
    if (rows.length === 0) break;
    const positions: string[] = [];
    const prevs: (string | null)[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const streamVersion = Number(row.stream_version);
      const prevHash = head?.key === row.stream_key && streamVersion > 0 ? head.hash : null;
      const content = contentHashOf(
        {
          streamId: row.stream_id,
          eventId: row.event_id,
          type: row.type,
          schemaVersion: row.schema_version,
          occurredAt: row.occurred_at,
          data: row.data,
          metadata: row.metadata,
        },
        nodeSha256Hex,
      );
      const hash = linkHashOf(prevHash, streamVersion, content, nodeSha256Hex);
      positions.push(row.global_position);
      prevs.push(prevHash);
      hashes.push(hash);
      head = { key: row.stream_key, hash };
      heads.set(row.stream_key, hash);
      key = row.stream_key;
      version = row.stream_version;
    }
    await client.query(
      `UPDATE ${s}.events e SET prev_hash = t.prev, hash = t.hash
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(position, prev, hash)
        WHERE e.global_position = t.position`,
      [positions, prevs, hashes],
    );
    if (heads.size >= BATCH) {
      await setHeads(client, s, heads);
      heads.clear();
    }
  }
  await setHeads(client, s, heads);
};

const setHeads = async (client: PoolClient, s: string, heads: ReadonlyMap<string, string>): Promise<void> => {
  if (heads.size === 0) return;
  await client.query(
    `UPDATE ${s}.streams st SET head_hash = t.hash FROM unnest($1::bigint[], $2::text[]) AS t(key, hash) WHERE st.stream_key = t.key`,
    [[...heads.keys()], [...heads.values()]],
  );
};
