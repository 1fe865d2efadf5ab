import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256, sha256Hex, toHex, utf8 } from './sha256.js';

const native = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

test('FIPS 180-4 test vectors', () => {
  assert.is(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(
    sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.is(toHex(sha256(new Uint8Array(1_000_000).fill(0x61))), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('agrees with node:crypto on any text, across block boundaries (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => sha256Hex(s) === native(s)),
    { numRuns: 500 },
  );
  for (let n = 50; n < 140; n++) assert.is(sha256Hex('x'.repeat(n)), native('x'.repeat(n)), `length ${n}`);
});

test('utf8 matches Buffer, lone surrogates included (U+FFFD)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => Buffer.from(utf8(s)).equals(Buffer.from(s, 'utf8'))),
    { numRuns: 500 },
  );
  assert.equal([...utf8('a\uD800b')], [...Buffer.from('a\uD800b', 'utf8')]);
});

test.run();
