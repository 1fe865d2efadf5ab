import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonValue } from '../json.js';
import { sha256Hex } from '../sha256.js';
import { canonicalJson, contentHashOf, eventHashOf, type HashedContent, linkChain, linkHashOf, linkText } from './hashChain.js';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const event: HashedContent = {
  streamId: 'phone-SEP001122334455',
  eventId: '0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f',
  type: 'PhoneProvisioned',
  schemaVersion: 1,
  occurredAt: '2026-03-03T10:00:00.000Z',
  data: { deviceName: 'SEP001122334455', owner: 'alice', lines: [{ index: 1, dn: '2001' }] },
  metadata: { actor: { kind: 'user', id: 'alice' }, channel: 'ivr', commandId: 'cmd-1' },
};

test('canonical JSON: sorted keys at every level, no whitespace, JSON.stringify scalars', () => {
  assert.is(
    canonicalJson({ b: 1, a: [{ d: 'x', c: null }, true], é: 'é', A: 0.5 }),
    '{"A":0.5,"a":[{"c":null,"d":"x"},true],"b":1,"é":"é"}',
  );
  assert.is(canonicalJson({ s: 'a"\\\n\u0000' }), '{"s":"a\\"\\\\\\n\\u0000"}');
  assert.is(canonicalJson([] as JsonValue), '[]');
});

test('canonical JSON ignores key order and parses back to the same value (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = canonicalJson(v as JsonValue);
      const shuffled = JSON.parse(JSON.stringify(v)) as JsonValue;
      return text === canonicalJson(shuffled) && canonicalJson(JSON.parse(text) as JsonValue) === text;
    }),
  );
});

test('known answer: the algorithm is stable (a change here breaks every recorded chain)', () => {
  const content = contentHashOf(event);
  assert.is(
    content,
    sha256Hex(
      '{"data":{"deviceName":"SEP001122334455","lines":[{"dn":"2001","index":1}],"owner":"alice"},"eventId":"0c6f6a7e-1d2b-4c3d-8e9f-0a1b2c3d4e5f","metadata":{"actor":{"id":"alice","kind":"user"},"channel":"ivr","commandId":"cmd-1"},"occurredAt":"2026-03-03T10:00:00.000Z","schemaVersion":1,"streamId":"phone-SEP001122334455","type":"PhoneProvisioned"}',
    ),
  );
  assert.is(linkText(null, 0, content), `{"contentHash":"${content}","prevHash":null,"streamVersion":0}`);
  assert.is(eventHashOf({ ...event, streamVersion: 0 }, null), sha256Hex(linkText(null, 0, content)));
  assert.is(eventHashOf({ ...event, streamVersion: 0 }, null), 'de5a34bc2ab42924a751ebcf9b42b893732fc3226f52f2282b9df743edc0b122');
});

test('every field is covered: changing any one changes the hash', () => {
  const base = eventHashOf({ ...event, streamVersion: 3 }, 'a'.repeat(64));
  const variants: [string, string][] = [
    ['streamId', eventHashOf({ ...event, streamId: 'phone-X', streamVersion: 3 }, 'a'.repeat(64))],
    ['eventId', eventHashOf({ ...event, eventId: event.eventId.replace('0c', '0d'), streamVersion: 3 }, 'a'.repeat(64))],
    ['type', eventHashOf({ ...event, type: 'PhoneRemoved', streamVersion: 3 }, 'a'.repeat(64))],
    ['schemaVersion', eventHashOf({ ...event, schemaVersion: 2, streamVersion: 3 }, 'a'.repeat(64))],
    ['occurredAt', eventHashOf({ ...event, occurredAt: '2026-03-03T10:00:00.001Z', streamVersion: 3 }, 'a'.repeat(64))],
    ['data', eventHashOf({ ...event, data: { deviceName: 'SEP001122334455', owner: 'bob' }, streamVersion: 3 }, 'a'.repeat(64))],
    ['metadata', eventHashOf({ ...event, metadata: { ...event.metadata, channel: 'selfcare' }, streamVersion: 3 }, 'a'.repeat(64))],
    ['streamVersion', eventHashOf({ ...event, streamVersion: 4 }, 'a'.repeat(64))],
    ['prevHash', eventHashOf({ ...event, streamVersion: 3 }, 'b'.repeat(64))],
  ];
  for (const [field, hash] of variants) assert.is.not(hash, base, field);
});

test('a native SHA-256 gives identical chains (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue(), { minLength: 1, maxLength: 5 }),
      fc.string({ unit: 'grapheme', minLength: 1 }),
      (datas, stream) => {
        const contents = datas.map((data) => contentHashOf({ ...event, streamId: stream, data: data as JsonValue }));
        const native = datas.map((data) => contentHashOf({ ...event, streamId: stream, data: data as JsonValue }, nodeSha256));
        return (
          JSON.stringify(contents) === JSON.stringify(native) &&
          JSON.stringify(linkChain(2, 'f'.repeat(64), contents)) === JSON.stringify(linkChain(2, 'f'.repeat(64), native, nodeSha256))
        );
      },
    ),
    { numRuns: 200 },
  );
});

// The first implementation, kept as the reference: the fast paths of hashChain.ts must write exactly
// the same text (every recorded chain depends on it), for any data, keys and strings.
const referenceCanon = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : referenceCanon(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((k) => record[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${referenceCanon(record[k])}`);
  return `{${members.join(',')}}`;
};
const referenceContentText = (e: HashedContent): string =>
  `{"data":${referenceCanon(e.data)},"eventId":${JSON.stringify(e.eventId)},"metadata":${referenceCanon(e.metadata)},"occurredAt":${JSON.stringify(e.occurredAt)},"schemaVersion":${referenceCanon(e.schemaVersion)},"streamId":${JSON.stringify(e.streamId)},"type":${JSON.stringify(e.type)}}`;
const referenceLinkText = (prevHash: string | null, streamVersion: number, contentHash: string): string =>
  `{"contentHash":${JSON.stringify(contentHash)},"prevHash":${prevHash === null ? 'null' : JSON.stringify(prevHash)},"streamVersion":${streamVersion}}`;

/** Any string, lone surrogates, quotes, backslashes and control characters included. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\ud800', 'a\udc00', '\u2028', '__proto__', '10', '9', 'é'),
);
/** JSON values with such strings as keys and values, and objects of more than 16 keys. */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    anyString,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(anyString, tie('value'), { maxKeys: 24 }),
})).value;

test('canonical JSON and the hashed texts are the reference texts, for any strings, keys and data (property)', () => {
  const noDigest = (text: string) => text;
  fc.assert(
    fc.property(anyJson, anyString, anyString, anyString, anyString, (data, streamId, eventId, type, occurredAt) => {
      const content: HashedContent = {
        streamId,
        eventId,
        type,
        occurredAt,
        schemaVersion: 1,
        data: data as JsonValue,
        metadata: { actor: { kind: 'user', id: type }, channel: 'ivr', commandId: streamId },
      };
      return (
        canonicalJson(data as JsonValue) === referenceCanon(data) &&
        contentHashOf(content, noDigest) === referenceContentText(content) &&
        linkText(eventId, 3, streamId) === referenceLinkText(eventId, 3, streamId) &&
        linkText(null, 0, type) === referenceLinkText(null, 0, type)
      );
    }),
    { numRuns: 500 },
  );
  // Objects with inherited, absent or integer-like keys, and many keys, as JSON.parse can give them.
  const odd = JSON.parse('{"__proto__":{"b":1,"a":2},"10":1,"9":2,"x":-0,"big":1e21,"small":5e-324}') as JsonValue;
  assert.is(canonicalJson(odd), referenceCanon(odd));
  assert.is(canonicalJson({ a: undefined, b: [undefined, 1] } as unknown as JsonValue), '{"b":[null,1]}');
  const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
  assert.is(canonicalJson(many), referenceCanon(many));
});

test('remembered strings and keys never answer for different ones (the caches of the fast paths)', () => {
  // Strings of one length, plain and not, in turn; keys of one cache slot ("y" and "message"); the same
  // instant and type as the event before, then equal-length ones that need escapes.
  const values = ['sip', 'a"b', 'sip', 'a\\b', 'x\u0001y', 'sip', '\ud800ab', 'abc'];
  for (const v of values) {
    const data = { y: v, message: v, [v]: [v], nested: { [v]: v, y: 1, message: 2 } };
    assert.is(canonicalJson(data), referenceCanon(data));
  }
  const noDigest = (text: string) => text;
  const base: HashedContent = {
    streamId: 's-1',
    eventId: '00000000-0000-4000-8000-000000000001',
    type: 'LineAdded',
    occurredAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 1,
    data: { n: 1 },
    metadata: { actor: { kind: 'device', id: 'SEP001122334455' }, channel: 'sip' },
  };
  const variants: HashedContent[] = [
    base,
    base,
    { ...base, type: 'LineAdde"' },
    { ...base, occurredAt: '2026-01-01T00:00:00.00"Z' },
    { ...base, type: 'LineAdde\\', occurredAt: '2026-01-01T00:00:00.000\u0000' },
    base,
  ];
  for (const v of variants) assert.is(contentHashOf(v, noDigest), referenceContentText(v));
});

test('linkChain links each event to the one before it', () => {
  const contents = ['1', '2', '3'].map((x) => sha256Hex(x));
  const links = linkChain(5, 'e'.repeat(64), contents);
  assert.is(links[0]?.prevHash, 'e'.repeat(64));
  assert.is(links[0]?.hash, linkHashOf('e'.repeat(64), 5, contents[0] as string));
  assert.is(links[1]?.prevHash, links[0]?.hash);
  assert.is(links[2]?.hash, linkHashOf(links[1]?.hash ?? null, 7, contents[2] as string));
  assert.is(linkChain(0, null, [contents[0] as string])[0]?.prevHash, null);
});

test.run();
