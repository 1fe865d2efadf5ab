import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { recommendedScryptParameters, type SecretHasher } from '@selfprov/core';

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly saltLength: number;
  readonly keyLength: number;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

// scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default), so raise it to fit.
const derive = (secret: string, salt: Buffer, keyLength: number, log2N: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N: 2 ** log2N, r, p, maxmem: 128 * 2 ** log2N * r + 16 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/**
 * The production `SecretHasher`: scrypt with OWASP's parameters by default
 * (N = 2^17, r = 8, p = 1), stored as a PHC string `$scrypt$ln=17,r=8,p=1$<salt>$<digest>`.
 * `verify` reads the cost from the stored string, so raising the cost later keeps
 * old hashes valid, and compares digests with `timingSafeEqual`.
 */
export const createScryptHasher = (parameters: Partial<ScryptParameters> = {}): SecretHasher => {
  const { log2N, r, p, saltLength, keyLength } = { ...recommendedScryptParameters, ...parameters };
  return {
    hash: async (secret) => {
      const salt = randomBytes(saltLength);
      const key = await derive(secret, salt, keyLength, log2N, r, p);
      return `$scrypt$ln=${log2N},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
    },
    verify: async (secret, stored) => {
      const match = PHC.exec(stored);
      if (match === null) return false;
      const [, ln, rs, ps, saltText = '', keyText = ''] = match;
      const expected = Buffer.from(keyText, 'base64');
      const actual = await derive(secret, Buffer.from(saltText, 'base64'), expected.length, Number(ln), Number(rs), Number(ps));
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
};
