import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonValue } from '../kernel/json.js';
import { sha256Hex } from '../kernel/sha256.js';
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
