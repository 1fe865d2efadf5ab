import { decodeWith, type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { DomainName, Email, PersonName, SELF_CARE_ROLE, UserId } from '../shared/codecs.js';
import { type CsvRecord, decodeUtf8, isRecordError, parseCsv } from './csv.js';

/**
 * The batch action file: CSV, UTF-8, a header line then one action per line.
 *
 * ```
 * action,userId,domain,role,firstName,lastName,email
 * add,erin,Default,SelfCareUser,Erin,Example,erin@example.com
 * update,bob,Default,none,,,
 * ```
 *
 * - `action`: `add` creates the account (in `domain`, with the role), `update`
 *   sets the role of an existing account (whose domain must be `domain`).
 * - `role`: `SelfCareUser` (needs the domain's `CreateSelfCareAccounts` rule)
 *   or `none` (no self-care; always allowed).
 * - `firstName`, `lastName`, `email`: optional columns, used by `add`; empty = not given.
 * Column names are matched case-insensitively, in any order; a missing required
 * column, an unknown or a repeated column refuses the whole file.
 */
export const REQUIRED_COLUMNS = ['action', 'userId', 'domain', 'role'] as const;
export const OPTIONAL_COLUMNS = ['firstName', 'lastName', 'email'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const ALL_COLUMNS: readonly Column[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** One valid action of the file. */
export interface BatchAction {
  readonly line: number;
  readonly action: 'add' | 'update';
  readonly userId: string;
  readonly domain: string;
  readonly role: typeof SELF_CARE_ROLE | 'none';
  readonly personal: { readonly firstName?: string; readonly lastName?: string; readonly email?: string };
}

/** A line the file could not turn into an action: the report says which line and field. */
export interface BatchLineError {
  readonly line: number;
  readonly userId: string | null;
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

export type BatchEntry = { readonly ok: BatchAction } | { readonly error: BatchLineError };

const field = (code: string, name: string, message: string, line: number, userId: string | null): BatchEntry => ({
  error: { line, userId, code, field: name, message: `line ${line}: ${message}` },
});

const readHeader = (header: CsvRecord): E.Either<ValidationError, Column[]> => {
  const columns: Column[] = [];
  for (let i = 0; i < header.fields.length; i++) {
    const raw = header.fields[i] as string;
    const name = ALL_COLUMNS.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
    if (name === undefined)
      return E.left(
        validationError('unknown_column', `header[${i}]`, `header column ${i + 1} is not a batch column: ${ALL_COLUMNS.join(', ')}`, {
          line: header.line,
        }),
      );
    if (columns.includes(name)) return E.left(validationError('duplicate_column', `header[${i}]`, `header column ${name} appears twice`));
    columns.push(name);
  }
  const missing = REQUIRED_COLUMNS.find((c) => !columns.includes(c));
  if (missing !== undefined)
    return E.left(
      validationError('missing_column', missing, `the header has no ${missing} column (required: ${REQUIRED_COLUMNS.join(', ')})`),
    );
  return E.right(columns);
};

const readRow = (record: CsvRecord, columns: readonly Column[]): BatchEntry => {
  const { line } = record;
  const value = (c: Column) => record.fields[columns.indexOf(c)] ?? '';
  const rawUser = columns.includes('userId') ? value('userId') : '';
  const userId = UserId.is(rawUser) ? rawUser : null;
  if (record.fields.length !== columns.length)
    return field('wrong_field_count', 'line', `has ${record.fields.length} fields, the header has ${columns.length}`, line, userId);
  const action = value('action').toLowerCase();
  if (action !== 'add' && action !== 'update') return field('invalid_action', 'action', 'action must be add or update', line, userId);
  if (userId === null)
    return field(
      'invalid_input',
      'userId',
      'userId must be 1-128 letters, digits or . _ - @ +, starting with a letter or digit',
      line,
      null,
    );
  const domain = value('domain');
  if (!E.isRight(decodeWith(DomainName)(domain))) return field('invalid_input', 'domain', 'domain must be a domain name', line, userId);
  const rawRole = value('role');
  const role =
    rawRole.toLowerCase() === SELF_CARE_ROLE.toLowerCase() ? SELF_CARE_ROLE : rawRole.toLowerCase() === 'none' ? 'none' : undefined;
  if (role === undefined) return field('invalid_role', 'role', `role must be ${SELF_CARE_ROLE} or none`, line, userId);
  const personal: { firstName?: string; lastName?: string; email?: string } = {};
  for (const [name, codec] of [
    ['firstName', PersonName],
    ['lastName', PersonName],
    ['email', Email],
  ] as const) {
    if (!columns.includes(name) || value(name) === '') continue;
    if (!codec.is(value(name))) return field('invalid_input', name, `${name} is not valid`, line, userId);
    personal[name] = value(name);
  }
  return { ok: { line, action, userId, domain, role, personal } };
};

/**
 * Reads a batch action file. The whole file is refused (a `ValidationError`)
 * only when it cannot be read at all: not UTF-8, no header, a bad header.
 * Otherwise every line becomes an action or a line error, in file order.
 */
export const parseBatchFile = (input: string | Uint8Array): E.Either<ValidationError, BatchEntry[]> => {
  const text = typeof input === 'string' ? E.right(input) : decodeUtf8(input);
  if (E.isLeft(text)) return text;
  if (text.right.includes('\u0000'))
    return E.left(validationError('invalid_encoding', 'file', 'file contains NUL characters: it is not UTF-8 text (UTF-16?)'));
  const entries = parseCsv(text.right);
  const [first, ...rest] = entries;
  if (first === undefined) return E.left(validationError('missing_header', 'header', 'the batch file is empty: it needs a header line'));
  if (isRecordError(first)) return E.left(validationError(first.code, 'header', first.message));
  const columns = readHeader(first);
  if (E.isLeft(columns)) return columns;
  return E.right(
    rest.map(
      (entry): BatchEntry =>
        isRecordError(entry)
          ? field(entry.code, 'line', entry.message.replace(/^line \d+: /, ''), entry.line, null)
          : readRow(entry, columns.right),
    ),
  );
};
