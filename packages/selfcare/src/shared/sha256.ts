/**
 * SHA-256 helpers of self-care. The digest itself is the core's pure implementation
 * (`@selfprov/core`, shared with the event hash chains). Used only for fingerprints
 * of high-entropy random tokens, never for passwords (those go to the credentials
 * port's slow KDF).
 */
import { sha256, toHex, utf8 } from '@selfprov/core';

export { sha256, toHex, utf8 };

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url of `bytes`. */
export const toBase64Url = (bytes: Uint8Array): string => {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63].map((x) => B64URL[x]);
    out += chars.slice(0, i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2).join('');
  }
  return out;
};

/** The fingerprint of a session token recorded in events: hex SHA-256 of its UTF-8 bytes. */
export const tokenFingerprint = (token: string): string => toHex(sha256(utf8(token)));
