import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { SecretHasher } from '@selfprov/core';

/**
 * Test support (not exported by the package): a real but cheap `SecretHasher`.
 * scrypt at a tiny cost (N = 2^4, r = 8, p = 1: 16 KiB, well under a
 * millisecond), a fresh 16-byte salt per hash, the PHC-like string
 * `$scrypt$ln=4,r=8,p=1$<salt>$<digest>` and a constant-time comparison, like the
 * production hasher of packages/adapters/node/src/scryptHasher.ts at its
 * OWASP cost. Never for production.
 */

const LOG2_N = 4;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

const derive = (secret: string, salt: Buffer, keyLength: number, log2N: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N: 2 ** log2N, r, p }, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** The cheap scrypt hasher of the self-care tests. */
export const cheapHasher = (): SecretHasher => ({
  hash: async (secret) => {
    const salt = randomBytes(16);
    const key = await derive(secret, salt, KEY_LENGTH, LOG2_N, R, P);
    return `$scrypt$ln=${LOG2_N},r=${R},p=${P}$${b64(salt)}$${b64(key)}`;
  },
  verify: async (secret, stored) => {
    const match = PHC.exec(stored);
    if (match === null) return false;
    const [, ln, r, p, salt, digest] = match;
    const expected = Buffer.from(digest ?? '', 'base64');
    const actual = await derive(secret, Buffer.from(salt ?? '', 'base64'), expected.length, Number(ln), Number(r), Number(p));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  },
});
