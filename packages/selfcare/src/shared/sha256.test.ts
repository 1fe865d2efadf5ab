import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256, toBase64Url, toHex, utf8 } from './sha256.js';

test('FIPS 180-4 test vectors', () => {
  assert.is(toHex(sha256(utf8(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(
    toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
});

test('agrees with node:crypto on any input, and utf8/base64url agree with Buffer (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      const expected = createHash('sha256').update(s, 'utf8').digest('hex');
      return toHex(sha256(utf8(s))) === expected && Buffer.from(utf8(s)).equals(Buffer.from(s, 'utf8'));
    }),
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => toBase64Url(b) === Buffer.from(b).toString('base64url')));
});

test.run();
