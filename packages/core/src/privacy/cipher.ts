import type { PersonalDataCipher } from './ports.js';

// Web Crypto is a standard global in Node 20+ and browsers: not an I/O module.
interface SubtleLike {
  importKey(format: 'raw', key: Uint8Array, algorithm: { name: 'AES-GCM' }, extractable: false, usages: string[]): Promise<unknown>;
  encrypt(algorithm: { name: 'AES-GCM'; iv: Uint8Array }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: { name: 'AES-GCM'; iv: Uint8Array }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
}
interface HostCrypto {
  crypto: { subtle: SubtleLike; getRandomValues<T extends Uint8Array>(a: T): T };
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new () => { decode(b: Uint8Array): string };
  btoa(s: string): string;
  atob(s: string): string;
}
const host = globalThis as unknown as HostCrypto;

const toBase64 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return host.btoa(s);
};
const fromBase64 = (text: string): Uint8Array | undefined => {
  try {
    const s = host.atob(text);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
};

/**
 * AES-256-GCM with a random 96-bit IV per value; the text form is
 * `v1.<base64 iv>.<base64 ciphertext+tag>`.
 */
export const aesGcmCipher = (): PersonalDataCipher => {
  const keyCache = new WeakMap<Uint8Array, Promise<unknown>>();
  const importKey = (key: Uint8Array) => {
    let k = keyCache.get(key);
    if (!k) {
      k = host.crypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      keyCache.set(key, k);
    }
    return k;
  };
  return {
    encrypt: async (key, plaintext) => {
      const iv = host.crypto.getRandomValues(new Uint8Array(12));
      const sealed = await host.crypto.subtle.encrypt(
        { name: 'AES-GCM', iv },
        await importKey(key),
        new host.TextEncoder().encode(plaintext),
      );
      return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
    },
    decrypt: async (key, ciphertext) => {
      const [version, ivText, bodyText] = ciphertext.split('.');
      const iv = ivText === undefined ? undefined : fromBase64(ivText);
      const body = bodyText === undefined ? undefined : fromBase64(bodyText);
      if (version !== 'v1' || !iv || !body) return undefined;
      try {
        const opened = await host.crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await importKey(key), body);
        return new host.TextDecoder().decode(new Uint8Array(opened));
      } catch {
        return undefined;
      }
    },
  };
};
