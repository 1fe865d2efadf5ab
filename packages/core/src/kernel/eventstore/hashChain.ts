import type { JsonValue } from '../json.js';
import { type Sha256Hex, sha256Hex } from '../sha256.js';
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

/** The fields the content hash covers but the stream id: what a prepared event carries. */
export interface EventContent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly data: JsonValue;
  readonly metadata: EventMetadata;
}

/** The fields the content hash covers. */
export interface HashedContent extends EventContent {
  readonly streamId: string;
}

/** Characters `JSON.stringify` escapes in a string (and all surrogates: lone ones are escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)`, without its cost for the common string that needs no escape. */
const quote = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

/** Whether `JSON.stringify(s)` is just `s` in double quotes. */
const plain = (s: string): boolean => !NEEDS_ESCAPE.test(s);

/** How an object member starts: its quoted key and colon, after a comma unless it comes first. */
interface MemberStart {
  readonly key: string;
  readonly first: string;
  readonly next: string;
}

/**
 * Member starts of the keys met last, in a small table indexed by a cheap hash of the key: the same
 * few keys come back in every event, so each is checked and quoted once, and found again by a
 * comparison (keys are interned strings). Bounded in size, as keys are caller data.
 */
const START_SLOTS = 512;
const MAX_CACHED_KEY_LENGTH = 64;
const memberStarts: (MemberStart | undefined)[] = new Array<MemberStart | undefined>(START_SLOTS).fill(undefined);

const memberStart = (key: string): MemberStart => {
  const n = key.length;
  const slot =
    n === 0 ? 0 : (n * 31 + key.charCodeAt(0) * 7 + key.charCodeAt(n >> 1) * 131 + key.charCodeAt(n - 1) * 17) & (START_SLOTS - 1);
  let start = memberStarts[slot];
  if (start === undefined || start.key !== key) {
    const first = `${quote(key)}:`;
    start = { key, first, next: `,${first}` };
    if (n <= MAX_CACHED_KEY_LENGTH) memberStarts[slot] = start;
  }
  return start;
};

/**
 * Sorts object keys in place, in the order of `Array.prototype.sort()` (UTF-16 code units): an
 * insertion sort, faster than the built-in one for the handful of keys of an event's objects.
 */
const sortKeys = (keys: string[]): void => {
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
};

/** Objects with more keys than this are sorted by the built-in sort. */
const INSERTION_SORT_LIMIT = 16;

// Runs for every event appended and verified: strings and numbers take fast paths that give
// exactly what JSON.stringify gives; everything else goes through JSON.stringify itself.
const canon = (value: unknown): string => {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? `${value}` : 'null';
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
  const keys = Object.keys(record);
  if (keys.length <= INSERTION_SORT_LIMIT) sortKeys(keys);
  else keys.sort();
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = record[key];
    if (v === undefined) continue; // absent optional fields, as JSON.stringify leaves them out
    const start = memberStart(key);
    out += (first ? start.first : start.next) + canon(v);
    first = false;
  }
  return `${out}}`;
};

/** The canonical JSON text of a value: sorted keys, no whitespace (see the module comment). */
export const canonicalJson = (value: JsonValue | EventMetadata): string => canon(value);

/**
 * A `plain` that remembers the last string it found plain and answers for an equal one without a
 * scan: the instant and the type of consecutive events are usually the very same string.
 */
const rememberingPlain = (): ((s: string) => boolean) => {
  let last = '';
  return (s) => {
    if (s === last) return true;
    if (!plain(s)) return false;
    last = s;
    return true;
  };
};
const plainInstant = rememberingPlain();
const plainType = rememberingPlain();

/**
 * The text the content hash covers: the canonical form of the object
 * `{ data, eventId, metadata, occurredAt, schemaVersion, streamId, type }`.
 */
export const contentText = (streamId: string, event: EventContent): string => {
  // Its keys are already in sorted order: written directly, since this runs for every event appended.
  const { eventId, occurredAt, type } = event;
  const data = canon(event.data);
  const metadata = canon(event.metadata);
  const schemaVersion = canon(event.schemaVersion);
  // The usual case, in fewer pieces: no string needs an escape, their quotes join the constant text.
  if (plain(eventId) && plainInstant(occurredAt) && plain(streamId) && plainType(type))
    return `{"data":${data},"eventId":"${eventId}","metadata":${metadata},"occurredAt":"${occurredAt}","schemaVersion":${schemaVersion},"streamId":"${streamId}","type":"${type}"}`;
  return `{"data":${data},"eventId":${quote(eventId)},"metadata":${metadata},"occurredAt":${quote(occurredAt)},"schemaVersion":${schemaVersion},"streamId":${quote(streamId)},"type":${quote(type)}}`;
};

/** The content hash of an event: every envelope field but its place in the stream. */
export const contentHashOf = (event: HashedContent, digest: Sha256Hex = sha256Hex): string => digest(contentText(event.streamId, event));

/** The text the link step hashes: `{"contentHash":"…","prevHash":"…"|null,"streamVersion":n}`. */
export const linkText = (prevHash: string | null, streamVersion: number, contentHash: string): string =>
  plain(contentHash) && (prevHash === null || plain(prevHash))
    ? `{"contentHash":"${contentHash}","prevHash":${prevHash === null ? 'null' : `"${prevHash}"`},"streamVersion":${streamVersion}}`
    : `{"contentHash":${quote(contentHash)},"prevHash":${prevHash === null ? 'null' : quote(prevHash)},"streamVersion":${streamVersion}}`;

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
  const links: ChainLink[] = new Array(contentHashes.length);
  let prevHash = lastHash;
  for (let i = 0; i < contentHashes.length; i++) {
    const hash = linkHashOf(prevHash, firstVersion + i, contentHashes[i] as string, digest);
    links[i] = { prevHash, hash };
    prevHash = hash;
  }
  return links;
};

/** The genesis rule and the one-line link rule, in words: for documentation and error messages. */
export const HASH_ALGORITHM = 'sha256-jcs-v1';
