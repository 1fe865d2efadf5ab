/**
 * `@selfprov/core/privacy`: personal data in events encrypted per user (crypto-shredding): the
 * EventStore wrapper that encrypts on the way in and decrypts on the way out, the AES-GCM cipher
 * and the key store port.
 * @packageDocumentation
 */

export { aesGcmCipher } from './cipher.js';
export {
  createPersonalDataReader,
  defaultSubjectOf,
  ERASED,
  type PersonalDataOptions,
  withPersonalDataProtection,
} from './personalData.js';
export { createMemoryKeyStore, type KeyStore, type PersonalDataCipher } from './ports.js';
