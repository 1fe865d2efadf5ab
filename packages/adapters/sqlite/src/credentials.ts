import {
  type CredentialKind,
  type CredentialPortError,
  type CredentialRecord,
  type CredentialState,
  type CredentialStore,
  credentialPortError,
} from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily, securityPortError } from './securityErrors.js';

/** The fields stored as JSON in `credentials.record`; subject, kind and revision are columns. */
type StoredFields = Omit<CredentialState, 'subject' | 'kind'>;

const fieldsOf = (s: CredentialState): StoredFields => ({
  hash: s.hash,
  history: [...s.history],
  failedAttempts: s.failedAttempts,
  firstFailureAt: s.firstFailureAt,
  consecutiveFailures: s.consecutiveFailures,
  lockout: s.lockout === null ? null : { at: s.lockout.at, until: s.lockout.until, reason: s.lockout.reason },
  changedAt: s.changedAt,
  mustChange: s.mustChange,
});

const isStoredFields = (v: unknown): v is StoredFields => {
  const f = v as Partial<StoredFields> | null;
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

const freeze = (record: CredentialRecord): CredentialRecord =>
  Object.freeze({
    ...record,
    history: Object.freeze([...record.history]),
    lockout: record.lockout === null ? null : Object.freeze({ ...record.lockout }),
  });

/**
 * A `CredentialStore` in the `credentials` table of a SQLite event store's file (migration 3):
 * one row per (subject, kind), the record as JSON, and its revision.
 *
 * `save` reads the revision and writes in ONE `BEGIN IMMEDIATE` transaction, so two processes
 * sharing the file can never both win against one revision: the loser gets
 * `credential_revision_conflict` and retries on the fresh record. Failures are
 * `credential_store_unavailable` with a fixed message (`details.retryable`, `details.sqliteCode`).
 *
 * @param db the connection of a migrated store (`SqliteEventStore.database`).
 */
export const createSqliteCredentialStore = (db: Database.Database): CredentialStore => {
  const stmt = lazily(() => ({
    load: db.prepare('SELECT revision, record FROM credentials WHERE subject = ? AND kind = ?').raw(),
    revision: db.prepare('SELECT revision FROM credentials WHERE subject = ? AND kind = ?').pluck(),
    insert: db.prepare('INSERT INTO credentials (subject, kind, revision, record) VALUES (?, ?, 1, ?)'),
    update: db.prepare('UPDATE credentials SET revision = ?, record = ? WHERE subject = ? AND kind = ? AND revision = ?'),
    remove: db.prepare('DELETE FROM credentials WHERE subject = ?'),
  }));

  const run =
    <A>(body: () => E.Either<CredentialPortError, A>): TE.TaskEither<CredentialPortError, A> =>
    async () => {
      try {
        if (!db.open) throw new Error('closed');
        return body();
      } catch (cause) {
        return E.left(securityPortError('credential_store_unavailable', 'credential store', cause, db));
      }
    };

  const toRecord = (
    subject: string,
    kind: CredentialKind,
    revision: number,
    json: string,
  ): E.Either<CredentialPortError, CredentialRecord> => {
    const fields: unknown = JSON.parse(json);
    if (!isStoredFields(fields))
      return E.left(credentialPortError('credential_store_unavailable', 'a stored credential record is unreadable', { retryable: false }));
    return E.right(freeze({ ...fields, subject, kind, revision }));
  };

  const saveInTransaction = lazily(() =>
    db.transaction((state: CredentialState, expected: number | null): E.Either<CredentialPortError, CredentialRecord> => {
      const actual = (stmt().revision.get(state.subject, state.kind) as number | undefined) ?? null;
      if (actual !== expected)
        return E.left(
          credentialPortError('credential_revision_conflict', 'the credential record changed since it was read', {
            expectedRevision: expected,
            actualRevision: actual,
          }),
        );
      const fields = fieldsOf(state);
      const json = JSON.stringify(fields);
      if (actual === null) stmt().insert.run(state.subject, state.kind, json);
      else stmt().update.run(actual + 1, json, state.subject, state.kind, actual);
      return E.right(freeze({ ...fields, subject: state.subject, kind: state.kind, revision: (actual ?? 0) + 1 }));
    }),
  );

  return {
    load: (subject, kind) =>
      run(() => {
        const row = stmt().load.get(subject, kind) as [number, string] | undefined;
        return row === undefined ? E.right(undefined) : toRecord(subject, kind, row[0], row[1]);
      }),
    save: (state, expectedRevision) => run(() => saveInTransaction().immediate(state, expectedRevision)),
    remove: (subject) => run(() => E.right(stmt().remove.run(subject).changes)),
  };
};
