import type { StoreError } from '@selfprov/core';

/**
 * What `openPostgresEventStoreOrThrow` throws: an `Error` with the message and `code` of the typed
 * error it stands for, which it carries as `storeError`.
 */
export interface StoreOpenError extends Error {
  readonly code: string;
  readonly storeError: StoreError;
}

export const storeOpenError = (error: StoreError): StoreOpenError =>
  Object.assign(new Error(error.message), { code: error.code, storeError: error });
