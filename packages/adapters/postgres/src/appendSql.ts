import { contentHashesOf, type ExpectedVersion, type PreparedRequest } from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';

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
  new Map(requests.map((r) => [r.streamId, contentHashesOf(r, nodeSha256Hex)]));

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

/** One append call of a batch: its validated requests and their content hashes (by stream id). */
export interface AppendCall {
  readonly requests: readonly PreparedRequest[];
  readonly contentHashes: ReadonlyMap<string, readonly string[]>;
}

/** The thirteen parameters of `<schema>.append(...)` (schema version 5): the call of each request, the arrays, the id check. */
export type BatchArgs = readonly [calls: number[], ...AppendArgs, checkIds: boolean];

/**
 * The arguments of one `<schema>.append` round trip carrying `calls` (the function answers each on
 * its own, see appendFunction.ts). `checkIds` makes it look up every event id before writing,
 * which a retry after a unique violation on an event id needs.
 */
export const toBatchArgs = (calls: readonly AppendCall[], checkIds: boolean): BatchArgs => {
  const only = calls.length === 1 ? calls[0] : undefined;
  if (only) return [only.requests.map(() => 1), ...toAppendArgs(only.requests, only.contentHashes), checkIds];
  const callOf: number[] = [];
  const merged: AppendArgs = [[], [], [], [], [], [], [], [], [], [], []];
  let offset = 0;
  calls.forEach((call, c) => {
    const args = toAppendArgs(call.requests, call.contentHashes);
    for (let i = 0; i < call.requests.length; i++) callOf.push(c + 1);
    for (let k = 0; k < merged.length; k++) {
      const target = merged[k] as unknown[];
      // Event -> request links are per call: shift them past the requests of the calls before.
      for (const value of args[k] as unknown[]) target.push(k === 3 ? (value as number) + offset : value);
    }
    offset += call.requests.length;
  });
  return [callOf, ...merged, checkIds];
};

/** The statement that calls the append function for `schema` (already quoted); it answers one JSON array, one entry per call. */
export const appendStatement = (quotedSchema: string): string =>
  `SELECT ${quotedSchema}.append($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::uuid[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::boolean) AS r`;

/** The statement that calls `<schema>.append_one` (schema version 6); it answers like `append`, or NULL. */
export const appendOneStatement = (quotedSchema: string): string =>
  `SELECT ${quotedSchema}.append_one($1::text, $2::text, $3::uuid, $4::text, $5::int, $6::text, $7::text, $8::text, $9::text) AS r`;

/**
 * The parameters of `<schema>.append_one` for a call it can take (one stream, one event, expecting
 * `no_stream` or a version), `undefined` for any other call.
 */
export const toAppendOneArgs = (call: AppendCall): unknown[] | undefined => {
  const request = call.requests.length === 1 ? call.requests[0] : undefined;
  const event = request?.events.length === 1 ? request.events[0] : undefined;
  if (!request || !event || !(request.expected === 'no_stream' || typeof request.expected === 'number')) return undefined;
  return [
    request.streamId,
    String(request.expected),
    event.eventId,
    event.type,
    event.schemaVersion,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
    event.occurredAt,
    call.contentHashes.get(request.streamId)?.[0],
  ];
};
