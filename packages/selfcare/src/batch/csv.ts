import { type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

/**
 * A small, strict CSV reader (RFC 4180 with the usual leniencies): UTF-8 only
 * (a BOM is skipped), comma separator, `"` quoting with `""` escapes, commas
 * and line breaks inside quotes, CRLF, LF or CR line ends, blank lines (and
 * lines of empty fields, as spreadsheets export them) skipped, unquoted fields
 * trimmed. A malformed record is reported with its line and the reader goes on
 * with the next line, so one bad line never hides the others.
 */

/** A record and the 1-based line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A record the reader could not read. */
export interface CsvRecordError {
  readonly line: number;
  readonly code: 'unterminated_quote' | 'unexpected_quote';
  readonly message: string;
}

export type CsvEntry = CsvRecord | CsvRecordError;
export const isRecordError = (e: CsvEntry): e is CsvRecordError => 'code' in e;

/**
 * Strict UTF-8 decoding (no overlong forms, no surrogates, nothing above
 * U+10FFFF). Refuses UTF-16 input (by its BOM) and any invalid byte, naming
 * the byte offset. A leading UTF-8 BOM is dropped.
 */
export const decodeUtf8 = (bytes: Uint8Array, field = 'file'): E.Either<ValidationError, string> => {
  const bad = (offset: number, why: string) =>
    E.left(
      validationError('invalid_encoding', field, `${field} is not UTF-8 text (${why} at byte ${offset}); save it as UTF-8`, { offset }),
    );
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return bad(0, 'UTF-16 byte order mark');
  let out = '';
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i += 1;
      continue;
    }
    const [n, min] =
      b >= 0xc2 && b <= 0xdf ? [1, 0x80] : b >= 0xe0 && b <= 0xef ? [2, 0x800] : b >= 0xf0 && b <= 0xf4 ? [3, 0x10000] : [0, 0];
    if (n === 0) return bad(i, 'invalid lead byte');
    let cp = b & (n === 1 ? 0x1f : n === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return bad(i, 'truncated sequence');
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return bad(i, 'invalid code point');
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return E.right(out);
};

/** Reads every record of `text`. */
export const parseCsv = (input: string): CsvEntry[] => {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const entries: CsvEntry[] = [];
  let i = 0;
  let line = 1;
  const atLineEnd = () => i >= text.length || text[i] === '\n' || text[i] === '\r';
  const consumeLineEnd = () => {
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\r' || text[i] === '\n') i += 1;
    else return;
    line += 1;
  };
  const skipRestOfLine = () => {
    while (!atLineEnd()) i += 1;
    consumeLineEnd();
  };

  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let error: CsvRecordError | undefined;
    for (;;) {
      // One field.
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') j += 1;
      if (text[j] === '"') {
        i = j + 1;
        let value = '';
        let closed = false;
        while (i < text.length) {
          const ch = text[i] as string;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i += 1;
            closed = true;
            break;
          }
          if (ch === '\r' || ch === '\n') {
            // A line break inside quotes belongs to the field; count it.
            if (ch === '\r' && text[i + 1] === '\n') {
              value += '\r\n';
              i += 2;
            } else {
              value += ch;
              i += 1;
            }
            line += 1;
            continue;
          }
          value += ch;
          i += 1;
        }
        if (!closed) {
          error = { line: start, code: 'unterminated_quote', message: `line ${start}: a quoted field is never closed` };
          break;
        }
        while (text[i] === ' ' || text[i] === '\t') i += 1;
        if (!atLineEnd() && text[i] !== ',') {
          error = { line: start, code: 'unexpected_quote', message: `line ${start}: text after a closing quote` };
          skipRestOfLine();
          break;
        }
        fields.push(value);
      } else {
        let k = i;
        while (k < text.length && text[k] !== ',' && text[k] !== '\n' && text[k] !== '\r') k += 1;
        const value = text.slice(i, k);
        if (value.includes('"')) {
          error = {
            line: start,
            code: 'unexpected_quote',
            message: `line ${start}: a quote inside an unquoted field (quote the whole field)`,
          };
          i = k;
          skipRestOfLine();
          break;
        }
        fields.push(value.trim());
        i = k;
      }
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      consumeLineEnd();
      break;
    }
    if (error) entries.push(error);
    else if (fields.some((f) => f !== '')) entries.push({ line: start, fields });
  }
  return entries;
};
