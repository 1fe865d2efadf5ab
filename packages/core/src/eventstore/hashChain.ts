import type { JsonValue } from '../kernel/json.js';
import { type Sha256Hex, sha256Hex } from '../kernel/sha256.js';
import type { EventMetadata } from './envelope.js';

/**
 * Hash chains over every stream (docs/audit.md, "The hash chain"). Each recorded event carries
 * `prevHash`, the `hash` of the event before it in its stream (`null` for version 0), and its own
 * `hash`, computed in two steps:
 *
 * ```
 * contentHash = SHA-256( canonical({ data, eventId, metadata, occurredAt, schemaVersion, streamId, type }) )
 * hash        = SHA-256( canonical({ contentHash, prevHash, streamVersion }) )
 * ```
 *
 * `canonical` is JSON with object keys sorted (UTF-16 code unit order), no whitespace, strings
 * and numbers as `JSON.stringify` writes them (RFC 8785, JCS, for this data), hashed as UTF-8;
 * digests are lower-case hex. The two steps let a store that assigns versions inside its database
 * (PostgreSQL's append function) link the chain there from content hashes computed here, with a
 * one-line rule, while everything that can be checked is checked by this module.
 *
 * Hashes cover the event as STORED: personal data encrypted by `withPersonalDataProtection` is
 * hashed in its encrypted form, so erasing a key (crypto-shredding) never breaks a chain.
 */

/** The chain fields of one recorded event. */
export interface ChainLink {
  /** `hash` of the previous event of the stream; `null` for the stream's first event. */
  readonly prevHash: string | null;
  readonly hash: string;
}

/** The fields the content hash covers. */
export interface HashedContent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly data: JsonValue;
  readonly metadata: EventMetadata;
}

const canon = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // Like JSON.stringify: an undefined entry (not JSON data) is written as null.
      out += value[i] === undefined ? 'null' : canon(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue; // absent optional fields, as JSON.stringify leaves them out
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canon(v)}`;
    first = false;
  }
  return `${out}}`;
};

/** The canonical JSON text of a value: sorted keys, no whitespace (see the module comment). */
export const canonicalJson = (value: JsonValue | EventMetadata): string => canon(value);

/** The content hash of an event: every envelope field but its place in the stream. */
export const contentHashOf = (event: HashedContent, digest: Sha256Hex = sha256Hex): string =>
  // The canonical form of the object { data, eventId, metadata, occurredAt, schemaVersion, streamId, type },
  // its keys already in sorted order: written directly, since this runs for every event appended.
  digest(
    `{"data":${canon(event.data)},"eventId":${JSON.stringify(event.eventId)},"metadata":${canon(event.metadata)},"occurredAt":${JSON.stringify(event.occurredAt)},"schemaVersion":${canon(event.schemaVersion)},"streamId":${JSON.stringify(event.streamId)},"type":${JSON.stringify(event.type)}}`,
  );

/** The text the link step hashes: `{"contentHash":"…","prevHash":"…"|null,"streamVersion":n}`. */
export const linkText = (prevHash: string | null, streamVersion: number, contentHash: string): string =>
  `{"contentHash":${JSON.stringify(contentHash)},"prevHash":${prevHash === null ? 'null' : JSON.stringify(prevHash)},"streamVersion":${streamVersion}}`;

/** The event's `hash` from its content hash, its place in the stream and the previous event's hash. */
export const linkHashOf = (prevHash: string | null, streamVersion: number, contentHash: string, digest: Sha256Hex = sha256Hex): string =>
  digest(linkText(prevHash, streamVersion, contentHash));

/** The `hash` an event must carry, given the hash of the event before it. */
export const eventHashOf = (
  event: HashedContent & { readonly streamVersion: number },
  prevHash: string | null,
  digest: Sha256Hex = sha256Hex,
): string => linkHashOf(prevHash, event.streamVersion, contentHashOf(event, digest), digest);

/**
 * Links new events onto a stream: the chain fields of the events written at `firstVersion`,
 * `firstVersion + 1`, ... after an event whose hash is `lastHash` (`null`: a new stream).
 */
export const linkChain = (
  firstVersion: number,
  lastHash: string | null,
  contentHashes: readonly string[],
  digest: Sha256Hex = sha256Hex,
): ChainLink[] => {
  const links: ChainLink[] = [];
  let prevHash = lastHash;
  for (let i = 0; i < contentHashes.length; i++) {
    const hash = linkHashOf(prevHash, firstVersion + i, contentHashes[i] as string, digest);
    links.push({ prevHash, hash });
    prevHash = hash;
  }
  return links;
};

/** The genesis rule and the one-line link rule, in words: for documentation and error messages. */
export const HASH_ALGORITHM = 'sha256-jcs-v1';
