import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CredentialKind } from './codecs.js';
import { type CredentialPortError, credentialPortError } from './errors.js';
import type { CredentialRecord, CredentialState, CredentialStore, ThrottleAnswer, ThrottleStore } from './ports.js';

/** The in-memory credential store, with an outage switch for failure tests. */
export interface MemoryCredentialStore extends CredentialStore {
  /** Makes every operation fail with `credential_store_unavailable` until called with `false`. */
  simulateOutage(down: boolean): void;
}

const copy = (record: CredentialRecord): CredentialRecord => Object.freeze({ ...record, history: Object.freeze([...record.history]) });

/** A `CredentialStore` in process memory: tests, examples and the `memory:` store. Lost when the process ends. */
export const createMemoryCredentialStore = (): MemoryCredentialStore => {
  // Keyed by subject, then kind, so erasure of a subject is one delete.
  const records = new Map<string, Map<CredentialKind, CredentialRecord>>();
  let down = false;
  const run =
    <A>(body: () => E.Either<CredentialPortError, A>): TE.TaskEither<CredentialPortError, A> =>
    async () =>
      down ? E.left(credentialPortError('credential_store_unavailable', 'the in-memory credential store is simulating an outage')) : body();

  return {
    load: (subject, kind) => run(() => E.right(records.get(subject)?.get(kind))),
    save: (state: CredentialState, expectedRevision) =>
      run(() => {
        const kinds = records.get(state.subject) ?? new Map<CredentialKind, CredentialRecord>();
        const actual = kinds.get(state.kind)?.revision ?? null;
        if (actual !== expectedRevision) {
          return E.left(
            credentialPortError('credential_revision_conflict', 'the credential record changed since it was read', {
              expectedRevision,
              actualRevision: actual,
            }),
          );
        }
        const stored = copy({ ...state, revision: (actual ?? 0) + 1 });
        kinds.set(state.kind, stored);
        records.set(state.subject, kinds);
        return E.right(stored);
      }),
    remove: (subject) =>
      run(() => {
        const count = records.get(subject)?.size ?? 0;
        records.delete(subject);
        return E.right(count);
      }),
    simulateOutage: (value) => {
      down = value;
    },
  };
};

/** The in-memory throttle store, with an outage switch and a view of its keys for tests. */
export interface MemoryThrottleStore extends ThrottleStore {
  simulateOutage(down: boolean): void;
  /** Keys that still hold attempts (stale ones are pruned on access). */
  keys(): string[];
}

/** A `ThrottleStore` in process memory: a sliding log of attempt instants per key. */
export const createMemoryThrottleStore = (): MemoryThrottleStore => {
  const logs = new Map<string, number[]>();
  let down = false;
  const run =
    <A>(body: () => A): TE.TaskEither<CredentialPortError, A> =>
    async () =>
      down
        ? E.left(credentialPortError('throttle_store_unavailable', 'the in-memory throttle store is simulating an outage'))
        : E.right(body());

  return {
    tryAcquire: (key, at, windowMs, limit) =>
      run((): ThrottleAnswer => {
        const now = at.getTime();
        const live = (logs.get(key) ?? []).filter((t) => t > now - windowMs);
        const acquired = limit <= 0 || live.length < limit;
        if (acquired) live.push(now);
        if (live.length === 0) logs.delete(key);
        else logs.set(key, live);
        return { acquired, count: live.length };
      }),
    release: (key, at) =>
      run(() => {
        const log = logs.get(key);
        const index = log?.lastIndexOf(at.getTime()) ?? -1;
        if (log === undefined || index < 0) return;
        log.splice(index, 1);
        if (log.length === 0) logs.delete(key);
      }),
    simulateOutage: (value) => {
      down = value;
    },
    keys: () => [...logs.keys()],
  };
};
