import * as crypto from 'node:crypto';
import type { Sha256Hex } from '@selfprov/core';

/** `crypto.hash` (Node 20.12+, 21.7+): a one-shot digest without a Hash object, about twice as fast for short texts. */
const oneShot = (crypto as { readonly hash?: typeof crypto.hash }).hash;

/**
 * `Sha256Hex` on `node:crypto`: the same digests as the core's pure `sha256Hex` (tested), several
 * times faster. Pass it where the core takes a digest (`verifyStore`, `planAppend`).
 */
export const nodeSha256Hex: Sha256Hex =
  typeof oneShot === 'function'
    ? (text) => oneShot('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
