import {
  type CredentialKind,
  type CredentialPortError,
  type CredentialRecord,
  type CredentialState,
  type CredentialStore,
  credentialRecordFromRow,
  credentialRevisionConflict,
  freezeCredentialRecord,
  storedCredentialFields,
} from '@selfprov/core';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily, securityPortError } from './securityErrors.js';

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
    return credentialRecordFromRow(subject, kind, revision, fields);
  };

  const saveInTransaction = lazily(() =>
    db.transaction((state: CredentialState, expected: number | null): E.Either<CredentialPortError, CredentialRecord> => {
      const actual = (stmt().revision.get(state.subject, state.kind) as number | undefined) ?? null;
      if (actual !== expected) return E.left(credentialRevisionConflict(expected, actual));
      const fields = storedCredentialFields(state);
      const json = JSON.stringify(fields);
      if (actual === null) stmt().insert.run(state.subject, state.kind, json);
      else stmt().update.run(actual + 1, json, state.subject, state.kind, actual);
      return E.right(freezeCredentialRecord({ ...fields, subject: state.subject, kind: state.kind, revision: (actual ?? 0) + 1 }));
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
