import * as E from 'fp-ts/lib/Either.js';
import type { CredentialKind } from './codecs.js';
import { type CredentialPortError, credentialPortError } from './errors.js';
import type { CredentialRecord, CredentialState } from './ports.js';

/**
 * The database-independent half of a persistent `CredentialStore`: what a row
 * keeps as JSON, how it is read back and checked, and the errors a store
 * answers. The SQLite and PostgreSQL adapters share it; only their SQL differs.
 */

/** The fields a store keeps as JSON; subject, kind and revision are columns of their own. */
export type StoredCredentialFields = Omit<CredentialState, 'subject' | 'kind'>;

/** The JSON-ready fields of a state: plain copies, so that nothing aliases the caller's arrays. */
export const storedCredentialFields = (s: CredentialState): StoredCredentialFields => ({
  hash: s.hash,
  history: [...s.history],
  failedAttempts: s.failedAttempts,
  firstFailureAt: s.firstFailureAt,
  consecutiveFailures: s.consecutiveFailures,
  lockout: s.lockout === null ? null : { at: s.lockout.at, until: s.lockout.until, reason: s.lockout.reason },
  changedAt: s.changedAt,
  mustChange: s.mustChange,
});

/** Whether a parsed JSON value has the shape of `StoredCredentialFields` (a row written by a store). */
export const isStoredCredentialFields = (v: unknown): v is StoredCredentialFields => {
  const f = v as Partial<StoredCredentialFields> | null;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.hash === 'string' &&
    Array.isArray(f.history) &&
    f.history.every((h) => typeof h === 'string') &&
    typeof f.failedAttempts === 'number' &&
    (f.firstFailureAt === null || typeof f.firstFailureAt === 'string') &&
    typeof f.consecutiveFailures === 'number' &&
    (f.lockout === null || (typeof f.lockout === 'object' && typeof f.lockout?.at === 'string')) &&
    typeof f.changedAt === 'string' &&
    typeof f.mustChange === 'boolean'
  );
};

/** A deeply frozen copy of a record, so that callers cannot alter what a store answered. */
export const freezeCredentialRecord = (record: CredentialRecord): CredentialRecord =>
  Object.freeze({
    ...record,
    history: Object.freeze([...record.history]),
    lockout: record.lockout === null ? null : Object.freeze({ ...record.lockout }),
  });

/**
 * The record of a stored row: its columns and its parsed JSON fields, frozen;
 * `credential_store_unavailable` (not retryable, fixed message) when the JSON
 * does not have the stored shape.
 */
export const credentialRecordFromRow = (
  subject: string,
  kind: CredentialKind,
  revision: number,
  fields: unknown,
): E.Either<CredentialPortError, CredentialRecord> =>
  isStoredCredentialFields(fields)
    ? E.right(freezeCredentialRecord({ ...fields, subject, kind, revision }))
    : E.left(credentialPortError('credential_store_unavailable', 'a stored credential record is unreadable', { retryable: false }));

/** `credential_revision_conflict`: the stored revision is not the one the writer read. */
export const credentialRevisionConflict = (expected: number | null, actual: number | null): CredentialPortError =>
  credentialPortError('credential_revision_conflict', 'the credential record changed since it was read', {
    expectedRevision: expected,
    actualRevision: actual,
  });
