import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import type { RandomSource } from '../kernel/runtime/ports.js';

/**
 * Per-subject (per-user) data keys. Deleting a key is crypto-shredding: the
 * personal data encrypted with it can never be read again, while the events
 * themselves, and the hash chains over them, stay intact.
 */
export interface KeyStore {
  /** The subject's key; created (from the random port) when `create` is set and none exists. `undefined` once erased. */
  keyFor(subject: string, create: boolean): TE.TaskEither<StoreError, Uint8Array | undefined>;
  /** Deletes the subject's key for good and remembers that it was erased; true if a key existed. */
  erase(subject: string): TE.TaskEither<StoreError, boolean>;
  /** Whether the subject's key was erased (as opposed to never created). */
  isErased(subject: string): TE.TaskEither<StoreError, boolean>;
}

/** Authenticated symmetric encryption of short strings. */
export interface PersonalDataCipher {
  encrypt(key: Uint8Array, plaintext: string): Promise<string>;
  /** `undefined` when the ciphertext does not authenticate under this key. */
  decrypt(key: Uint8Array, ciphertext: string): Promise<string | undefined>;
}

/** A KeyStore in memory: tests and the `memory:` store. Durable stores provide their own. */
export const createMemoryKeyStore = (random: RandomSource): KeyStore => {
  const keys = new Map<string, Uint8Array>();
  const erased = new Set<string>();
  return {
    keyFor: (subject, create) => async () => {
      const existing = keys.get(subject);
      if (existing || !create || erased.has(subject)) return E.right(existing);
      const key = random.bytes(32);
      keys.set(subject, key);
      return E.right(key);
    },
    erase: (subject) => async () => {
      erased.add(subject);
      return E.right(keys.delete(subject));
    },
    isErased: (subject) => async () => E.right(erased.has(subject)),
  };
};
