import { type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

/** Where the embedded store lives when nothing else is configured (relative to the working directory). */
export const DEFAULT_SQLITE_PATH = './.selfprov/events.db';
/** The default store URL of the `selfprov` command. */
export const DEFAULT_SQLITE_URL = `sqlite:${DEFAULT_SQLITE_PATH}`;

/** The parts of a `sqlite:` store URL. */
export interface SqliteUrl {
  /** A file path (relative to the working directory, or absolute), or `:memory:`. */
  readonly path: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const EXAMPLES = 'e.g. sqlite:./.selfprov/events.db, sqlite:/var/lib/selfprov/events.db or sqlite::memory:';

/**
 * Parses a store URL of the form `sqlite:<path>`.
 *
 * The path is taken literally (no percent-decoding, no `~` expansion): `sqlite:./data/events.db`
 * (relative to the working directory), `sqlite:/abs/events.db`, or `sqlite::memory:` (a private,
 * non-persistent database). The `sqlite://...` forms of other tools are refused because they disagree
 * on how many slashes make a path absolute.
 *
 * @param url the store URL; `field` names it in the error (default `store`).
 * @returns the path, or a `ValidationError` with code `invalid_store_url`.
 */
export const parseSqliteUrl = (url: unknown, field = 'store'): E.Either<ValidationError, SqliteUrl> => {
  const fail = (why: string) => E.left(validationError('invalid_store_url', field, `${why} (${EXAMPLES})`));
  if (typeof url !== 'string') return fail('the store URL must be a string');
  const match = /^sqlite:/i.exec(url);
  if (!match) return fail(`not a SQLite store URL: it must start with "sqlite:"`);
  const path = url.slice(match[0].length);
  if (path.length === 0) return fail('the SQLite store URL has no path');
  if (path.startsWith('//')) return fail('write the path right after "sqlite:" without "//" (sqlite:/abs/path.db for an absolute path)');
  if (path.trim() !== path) return fail('the SQLite path must not start or end with whitespace');
  if (CONTROL.test(path)) return fail('the SQLite path must not contain control characters');
  if (path.endsWith('/')) return fail('the SQLite path names a directory, not a database file');
  return E.right({ path });
};
