import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CsvRecord, decodeUtf8, isRecordError, parseCsv } from './csv.js';

const records = (text: string) => parseCsv(text).filter((e): e is CsvRecord => !isRecordError(e));

test('quotes, commas and line breaks inside quotes, escaped quotes', () => {
  assert.equal(parseCsv('a,"b,c","say ""hi""","two\nlines"\n'), [{ line: 1, fields: ['a', 'b,c', 'say "hi"', 'two\nlines'] }]);
});

test('CRLF, CR and LF line ends; blank lines skipped; line numbers are physical lines', () => {
  const parsed = parseCsv('h1,h2\r\n\r\nx,"multi\r\nline"\r\n\n,\ny,z\r');
  assert.equal(parsed, [
    { line: 1, fields: ['h1', 'h2'] },
    { line: 3, fields: ['x', 'multi\r\nline'] },
    { line: 7, fields: ['y', 'z'] },
  ]);
});

test('a BOM is skipped; unquoted fields are trimmed, quoted ones kept', () => {
  assert.equal(parseCsv('\uFEFF a , " b " ,c'), [{ line: 1, fields: ['a', ' b ', 'c'] }]);
});

test('a stray quote spoils its line only', () => {
  const parsed = parseCsv('a,b\nx,ab"c\n"q"x,y\nok,1');
  assert.equal(parsed[1], {
    line: 2,
    code: 'unexpected_quote',
    message: 'line 2: a quote inside an unquoted field (quote the whole field)',
  });
  assert.is(isRecordError(parsed[2] as never) && (parsed[2] as { code: string }).code, 'unexpected_quote');
  assert.equal(parsed[3], { line: 4, fields: ['ok', '1'] });
});

test('an unterminated quote is reported at the line it opens', () => {
  const parsed = parseCsv('a,b\nx,"never closed\nmore');
  assert.equal(parsed[1], { line: 2, code: 'unterminated_quote', message: 'line 2: a quoted field is never closed' });
});

test('round trip: quoting any field list reads it back (property)', () => {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), { maxLength: 10 }),
      fc.constantFrom('\n', '\r\n'),
      (rows, eol) => {
        const nonBlank = rows.filter((r) => r.some((f) => f !== ''));
        const text = rows.map((r) => r.map(quote).join(',')).join(eol);
        return JSON.stringify(records(text).map((r) => r.fields)) === JSON.stringify(nonBlank);
      },
    ),
  );
});

test('UTF-8 decoding: BOM dropped, invalid bytes and UTF-16 refused with the offset', () => {
  assert.equal(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9])), E.right('aé'));
  const latin1 = decodeUtf8(Uint8Array.from([0x61, 0xe9, 0x62]));
  assert.ok(E.isLeft(latin1) && latin1.left.code === 'invalid_encoding' && latin1.left.details?.offset === 1);
  assert.ok(E.isLeft(decodeUtf8(Uint8Array.from([0xff, 0xfe, 0x61, 0x00]))));
  assert.ok(E.isLeft(decodeUtf8(Uint8Array.from([0xc0, 0x80]))), 'overlong');
  assert.ok(E.isLeft(decodeUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))), 'surrogate');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const bytes = Uint8Array.from(Buffer.from(s, 'utf8'));
      return JSON.stringify(decodeUtf8(bytes)) === JSON.stringify(E.right(s));
    }),
  );
});

test.run();
