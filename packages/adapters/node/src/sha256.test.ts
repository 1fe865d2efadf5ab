import { sha256Hex } from '@selfprov/core';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeSha256Hex } from './sha256.js';

test('nodeSha256Hex gives the core pure SHA-256 digests, lone surrogates included (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => nodeSha256Hex(s) === sha256Hex(s)),
    { numRuns: 300 },
  );
  assert.is(nodeSha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test.run();
