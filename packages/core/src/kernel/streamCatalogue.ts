/**
 * The stream catalogue: which streams exist, what kind each is, and whose they are. Every package
 * declares its own streams (core's provisioning domain in provisioning/shared/streams.ts,
 * self-care in packages/selfcare/src/shared/streamCatalogue.ts); the composition root merges them and hands
 * the result to whoever needs to read a stream id back (the audit trail, read models). Core names
 * no stream of another package.
 */
import * as E from 'fp-ts/lib/Either.js';
import { type ValidationError, validationError } from './errors.js';

/** Whose history a stream belongs to, for an auditor's trail. */
export type StreamSubject = 'user' | 'device' | 'directory-number' | 'configuration' | 'call' | 'system';

export interface StreamEntry {
  /** What every id of the stream starts with (`phone-`), or the whole id when `exact`. */
  readonly prefix: string;
  /** Unique across the merged catalogue (`phone`, `phoneSettings`...). */
  readonly kind: string;
  readonly subject: StreamSubject;
  /** The id is exactly `prefix` (a singleton stream such as `selfcare-visibility`). */
  readonly exact?: boolean;
  /**
   * The subject's id within the stream id, given what follows the prefix (default: all of it).
   * `line-settings-<device>-<index>` answers the device; `dn-<cluster>-<dn>` the number.
   */
  readonly subjectId?: (rest: string) => string;
}

/** Entries, longest prefix first, so `phone-settings-` is tried before `phone-`. */
export type StreamCatalogue = readonly StreamEntry[];

const byLongestPrefix = (a: StreamEntry, b: StreamEntry) => b.prefix.length - a.prefix.length || a.prefix.localeCompare(b.prefix);

/** Merges the catalogues packages contribute; two entries with the same prefix or kind are refused. */
export const mergeStreamCatalogues = (...catalogues: readonly StreamCatalogue[]): E.Either<ValidationError, StreamCatalogue> => {
  const all = catalogues.flat();
  for (const [i, entry] of all.entries()) {
    const clash = all.findIndex((other, j) => j < i && (other.prefix === entry.prefix || other.kind === entry.kind));
    if (clash >= 0)
      return E.left(
        validationError(
          'stream_catalogue_conflict',
          'catalogue',
          `streams "${entry.kind}" (${entry.prefix}) and "${all[clash]?.kind}" (${all[clash]?.prefix}) collide`,
        ),
      );
  }
  return E.right([...all].sort(byLongestPrefix));
};

/** Builds one package's catalogue, sorted as lookups expect. */
export const streamCatalogue = (entries: readonly StreamEntry[]): StreamCatalogue => [...entries].sort(byLongestPrefix);

/** The entry naming `streamId`, if any (the longest matching prefix). */
export const streamEntryOf = (catalogue: StreamCatalogue, streamId: string): StreamEntry | undefined => {
  for (const entry of catalogue) if (entry.exact ? streamId === entry.prefix : streamId.startsWith(entry.prefix)) return entry;
  return undefined;
};

/** The kind and subject of `streamId`, with the subject's id, or undefined for a stream the catalogue does not know. */
export const describeStream = (
  catalogue: StreamCatalogue,
  streamId: string,
): { readonly kind: string; readonly subject: StreamSubject; readonly subjectId: string } | undefined => {
  const entry = streamEntryOf(catalogue, streamId);
  if (entry === undefined) return undefined;
  const rest = entry.exact ? '' : streamId.slice(entry.prefix.length);
  return { kind: entry.kind, subject: entry.subject, subjectId: entry.subjectId ? entry.subjectId(rest) : rest };
};
