import { contentHashesOf, type ExpectedVersion, type PreparedRequest } from '@selfprov/core';
import { sha256Native } from './backfill.js';

/** The eleven array parameters of `<schema>.append(...)`, built from a validated, normalised append call. */
export type AppendArgs = readonly [
  streams: string[],
  expected: string[],
  counts: number[],
  eventRequest: number[],
  ids: string[],
  types: string[],
  schemaVersions: number[],
  data: string[],
  metadata: string[],
  occurredAt: string[],
  contentHashes: string[],
];

const expectedText = (expected: ExpectedVersion): string => (typeof expected === 'number' ? String(expected) : expected);

/** The kernel's content hash of every event of the call, by stream id. */
export const contentHashesByStream = (requests: readonly PreparedRequest[]): Map<string, readonly string[]> =>
  new Map(requests.map((r) => [r.streamId, contentHashesOf(r, sha256Native)]));

/**
 * Flattens prepared requests into parallel arrays (one entry per stream, then one per event in call
 * order). Data and metadata travel as JSON text and are cast to `json` by the server: JSON.stringify
 * escapes NUL and lone surrogates, which `text` parameters could not carry. `contentHashes` are the
 * kernel's content hashes of each request's events (by stream id), which the function chains.
 */
export const toAppendArgs = (
  requests: readonly PreparedRequest[],
  contentHashes: ReadonlyMap<string, readonly string[]> = contentHashesByStream(requests),
): AppendArgs => {
  const args: AppendArgs = [[], [], [], [], [], [], [], [], [], [], []];
  const [streams, expected, counts, eventRequest, ids, types, schemaVersions, data, metadata, occurredAt, contents] = args;
  requests.forEach((r, i) => {
    streams.push(r.streamId);
    expected.push(expectedText(r.expected));
    counts.push(r.events.length);
    const hashes = contentHashes.get(r.streamId) ?? [];
    for (const [j, e] of r.events.entries()) {
      contents.push(hashes[j] as string);
      eventRequest.push(i + 1);
      ids.push(e.eventId);
      types.push(e.type);
      schemaVersions.push(e.schemaVersion);
      data.push(JSON.stringify(e.data));
      metadata.push(JSON.stringify(e.metadata));
      occurredAt.push(e.occurredAt);
    }
  });
  return args;
};

/** The statement that calls the append function for `schema` (already quoted). */
export const appendStatement = (quotedSchema: string): string =>
  `SELECT ${quotedSchema}.append($1::text[], $2::text[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[]) AS r`;
