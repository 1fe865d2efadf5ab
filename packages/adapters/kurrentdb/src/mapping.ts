import {
  ANY,
  type AppendStreamState,
  type AppendToStreamOptions,
  type CurrentStreamState,
  type EventData,
  type RecordedEvent as KurrentRecordedEvent,
  NO_STREAM,
  STREAM_EXISTS,
} from '@kurrent/kurrentdb-client';
import {
  type ChainLink,
  type EventMetadata,
  type ExpectedVersion,
  type JsonValue,
  type PreparedEvent,
  type RecordedEvent,
  type StoreError,
  storeUnavailable,
  validateMetadata,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

// ---- expectations ---------------------------------------------------------------

/**
 * The port's expectation as the client's `streamState`:
 * `no_stream` -> NO_STREAM, `exists` -> STREAM_EXISTS, `any` -> ANY, n -> BigInt(n).
 */
export const toStreamState = (expected: ExpectedVersion): AppendStreamState =>
  expected === 'no_stream' ? NO_STREAM : expected === 'exists' ? STREAM_EXISTS : expected === 'any' ? ANY : BigInt(expected);

/**
 * Options for `client.appendToStream`. The key is `streamState`: the client (1.x) ignores an
 * `expectedRevision` key without a word, which would silently switch concurrency checks off,
 * so options are only ever built here.
 */
export const appendOptions = (
  expected: ExpectedVersion,
  extra: Omit<AppendToStreamOptions, 'streamState'> = {},
): AppendToStreamOptions => ({
  ...extra,
  streamState: toStreamState(expected),
});

/** The client's expected state back as the port's expectation (wire values -1/-2/-4 included). */
export const fromStreamState = (state: AppendStreamState | undefined): ExpectedVersion => {
  if (state === NO_STREAM || state === -1n) return 'no_stream';
  if (state === STREAM_EXISTS || state === -4n) return 'exists';
  if (state === ANY || state === -2n || state === undefined) return 'any';
  return Number(state);
};

/** The client's current state as the port's version: -1 for a missing (or deleted: -5/-6) stream. */
export const fromCurrentState = (state: CurrentStreamState | undefined): number =>
  typeof state === 'bigint' && state >= 0n ? Number(state) : -1;

// ---- events ---------------------------------------------------------------------

/** Marks metadata written by this adapter; its value is the metadata format version. */
export const FORMAT_KEY = 'selfprov.format';
export const FORMAT_VERSION = '1';

/**
 * Metadata as stored in KurrentDB: a flat object of string values, because the server's
 * multi-stream append (v2 protocol) only takes string properties and this adapter keeps a
 * single format for every write path. Reads tolerate extra keys (`$schema.name`, trace ids...).
 */
export type StoredMetadata = Readonly<Record<string, string>>;

/** Metadata keys of the hash chain (`prevHash` is left out for a stream's first event). */
export const HASH_KEY = 'hash';
export const PREV_HASH_KEY = 'prevHash';

export const encodeMetadata = (
  event: Pick<PreparedEvent, 'metadata' | 'schemaVersion' | 'occurredAt'>,
  link?: ChainLink,
): StoredMetadata => {
  const { actor, channel, commandId, correlationId, causationId } = event.metadata;
  const out: Record<string, string> = {
    [FORMAT_KEY]: FORMAT_VERSION,
    'actor.kind': actor.kind,
    'actor.id': actor.id,
    channel,
    schemaVersion: String(event.schemaVersion),
    occurredAt: event.occurredAt,
  };
  if (actor.onBehalfOf !== undefined) out['actor.onBehalfOf'] = actor.onBehalfOf;
  if (commandId !== undefined) out.commandId = commandId;
  if (correlationId !== undefined) out.correlationId = correlationId;
  if (causationId !== undefined) out.causationId = causationId;
  if (link !== undefined) {
    out[HASH_KEY] = link.hash;
    if (link.prevHash !== null) out[PREV_HASH_KEY] = link.prevHash;
  }
  return out;
};

/**
 * A prepared event as the client's JSON `EventData`, with its hash chain link in the metadata.
 * The event id is the KurrentDB event id, so the server's own duplicate detection sees the same
 * ids as the kernel's.
 */
export const encodeEvent = (event: PreparedEvent, link?: ChainLink): EventData => ({
  id: event.eventId,
  contentType: 'application/json',
  type: event.type,
  // Any JSON value (also a bare number or null) is stored as its JSON text; the type says object|array|string only.
  data: event.data as Record<string, unknown>,
  metadata: { ...encodeMetadata(event, link) },
});

/** Metadata given to events that were not written through this adapter (another tool wrote them). */
export const FOREIGN_ACTOR = { kind: 'system', id: 'kurrentdb' } as const;

const corrupt = (event: { readonly streamId: string; readonly id: string }, why: string): StoreError =>
  storeUnavailable(`event ${event.id} in stream ${JSON.stringify(event.streamId)} cannot be read: ${why}`, false);

const decodeMetadata = (
  raw: unknown,
  event: KurrentRecordedEvent,
): E.Either<StoreError, { metadata: EventMetadata; schemaVersion: number; occurredAt: string; link?: ChainLink }> => {
  const m = raw as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null || raw instanceof Uint8Array || m[FORMAT_KEY] === undefined)
    return E.right({ metadata: { actor: FOREIGN_ACTOR, channel: 'system' }, schemaVersion: 1, occurredAt: event.created.toISOString() });
  if (m[FORMAT_KEY] !== FORMAT_VERSION) return E.left(corrupt(event, `unknown selfprov metadata format ${JSON.stringify(m[FORMAT_KEY])}`));
  const candidate: Record<string, unknown> = {
    actor: {
      kind: m['actor.kind'],
      id: m['actor.id'],
      ...(m['actor.onBehalfOf'] === undefined ? {} : { onBehalfOf: m['actor.onBehalfOf'] }),
    },
    channel: m.channel,
  };
  for (const key of ['commandId', 'correlationId', 'causationId'] as const) if (m[key] !== undefined) candidate[key] = m[key];
  const metadata = validateMetadata(candidate, 'metadata');
  if (E.isLeft(metadata)) return E.left(corrupt(event, metadata.left.message));
  const schemaVersion = typeof m.schemaVersion === 'string' && /^[1-9]\d{0,8}$/.test(m.schemaVersion) ? Number(m.schemaVersion) : undefined;
  if (schemaVersion === undefined) return E.left(corrupt(event, 'schemaVersion is missing or malformed'));
  const at = typeof m.occurredAt === 'string' ? new Date(m.occurredAt) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) return E.left(corrupt(event, 'occurredAt is missing or malformed'));
  const decoded = { metadata: metadata.right, schemaVersion, occurredAt: at.toISOString() };
  // The chain fields are taken as they are: a malformed one is for `audit verify` to report, not a read error.
  if (typeof m[HASH_KEY] !== 'string') return E.right(decoded);
  const prevHash = typeof m[PREV_HASH_KEY] === 'string' ? (m[PREV_HASH_KEY] as string) : null;
  return E.right({ ...decoded, link: { prevHash, hash: m[HASH_KEY] as string } });
};

/**
 * An event as the client read it, as the port's `RecordedEvent`. `globalPosition` is the
 * event's commit position in the transaction log: strictly increasing, not contiguous.
 * Binary (non-JSON) events written by other tools surface as `{ contentType, base64 }`.
 */
export const decodeRecorded = (event: KurrentRecordedEvent): E.Either<StoreError, RecordedEvent> => {
  const position = event.position?.commit;
  if (position === undefined)
    return E.left(corrupt(event, 'the server returned no log position (EventStoreDB 22.10 or later, or KurrentDB, is needed)'));
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) return E.left(corrupt(event, 'its log position exceeds 2^53'));
  const meta = decodeMetadata(event.metadata, event);
  if (E.isLeft(meta)) return meta;
  const data: JsonValue = event.isJson
    ? (event.data as JsonValue)
    : { contentType: 'application/octet-stream', base64: Buffer.from(event.data as Uint8Array).toString('base64') };
  return E.right({
    type: event.type,
    data,
    metadata: meta.right.metadata,
    eventId: event.id,
    schemaVersion: meta.right.schemaVersion,
    occurredAt: meta.right.occurredAt,
    streamId: event.streamId,
    streamVersion: Number(event.revision),
    globalPosition: Number(position),
    ...(meta.right.link === undefined ? {} : { prevHash: meta.right.link.prevHash, hash: meta.right.link.hash }),
  });
};
