/**
 * A test schema made ready before a store with tiny timeouts opens on it.
 *
 * A store migrates its schema on first use, in one transaction, under its own `statement_timeout` and
 * `idle_in_transaction_session_timeout` (both `queryTimeoutMs`, see sessionTimeouts.ts). With a
 * `queryTimeoutMs` of a second or two, a loaded machine pausing that long between two migration
 * statements would have the server end the migration, and the test fail for something it does not
 * test. So such a test migrates the schema first with a store at the default timeouts
 * (`migrateFirst`); the store under test then only checks the schema's version, a short transaction,
 * and `untilReady` tries that check again should it still fail retryably (the server ending it, a
 * connect timeout through a relay), up to the usual deadline that only a failing test reaches.
 */
import type { StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { createPostgresEventStore, type PostgresEventStore } from '../index.js';
import type { TestDatabase } from './server.js';
import { WAIT_DEADLINE_MS } from './wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const describe = (e: StoreError) => `${e.code}: ${e.message}`;

/** Creates and migrates `schema` with a store at the default timeouts, then closes that store. */
export const migrateFirst = async (db: TestDatabase, schema: string): Promise<void> => {
  const store = createPostgresEventStore({ connectionString: db.config, schema });
  try {
    const r = await store.ready()();
    if (E.isLeft(r)) throw new Error(`could not migrate test schema "${schema}": ${describe(r.left)}`);
  } finally {
    await store.close();
  }
};

/** Resolves once `store.ready()` succeeds; retries a retryable failure until the deadline, throws on any other. */
export const untilReady = async (store: PostgresEventStore, what = 'the store to be ready'): Promise<void> => {
  const deadline = Date.now() + WAIT_DEADLINE_MS;
  for (;;) {
    const r = await store.ready()();
    if (E.isRight(r)) return;
    const retryable = r.left._tag === 'StoreUnavailable' && r.left.retryable;
    if (!retryable) throw new Error(`${what}: ${describe(r.left)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_DEADLINE_MS} ms waiting for ${what} (last: ${describe(r.left)})`);
    await sleep(10);
  }
};
