/**
 * A real scrypt `SecretHasher` for tests (node:crypto is allowed here, not in
 * the module code). Test cost defaults are tiny for speed.
 *
 * NOTE FOR PRODUCTION: use `recommendedScryptParameters` (OWASP: N = 2^17,
 * r = 8, p = 1) and raise `maxmem` (scrypt needs 128 * N * r = 128 MiB; Node's
 * default limit is 32 MiB). This file may serve as the adapter's starting point.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { SecretHasher } from '../credentials/ports.js';
import { recommendedScryptParameters } from '../credentials/ports.js';

export interface ScryptParameters {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly saltLength: number;
  readonly keyLength: number;
  readonly maxmem: number;
}

/** Cheap parameters for tests: N = 2^10 (128 KiB). Never for production. */
export const testScryptParameters: ScryptParameters = Object.freeze({
  log2N: 10,
  r: 8,
  p: 1,
  saltLength: 16,
  keyLength: 32,
  maxmem: 32 * 1024 * 1024,
});

/** What production should use (re-exported here so the note travels with the code). */
export const productionScryptParameters: ScryptParameters = recommendedScryptParameters;

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const derive = (secret: string, salt: Buffer, keyLength: number, log2N: number, r: number, p: number, maxmem: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N: 2 ** log2N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** Counts calls, so tests can prove that refused attempts are never hashed. */
export interface CountingHasher extends SecretHasher {
  readonly calls: { hash: number; verify: number };
}

/**
 * scrypt hashes in PHC string format: `$scrypt$ln=10,r=8,p=1$<salt>$<digest>`
 * (unpadded base64). `verify` reads the parameters from the stored string, so
 * hashes made with other costs still verify, and compares in constant time.
 */
export const createScryptHasher = (parameters: Partial<ScryptParameters> = {}): CountingHasher => {
  const { log2N, r, p, saltLength, keyLength, maxmem } = { ...testScryptParameters, ...parameters };
  const calls = { hash: 0, verify: 0 };
  return {
    calls,
    hash: async (secret) => {
      calls.hash += 1;
      const salt = randomBytes(saltLength);
      const key = await derive(secret, salt, keyLength, log2N, r, p, maxmem);
      return `$scrypt$ln=${log2N},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
    },
    verify: async (secret, stored) => {
      calls.verify += 1;
      const match = PHC.exec(stored);
      if (match === null) return false;
      const [, ln, rs, ps, saltText, keyText] = match;
      const expected = Buffer.from(keyText ?? '', 'base64');
      const actual = await derive(
        secret,
        Buffer.from(saltText ?? '', 'base64'),
        expected.length,
        Number(ln),
        Number(rs),
        Number(ps),
        maxmem,
      );
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
};
