import {
  type CheckpointStore,
  type CredentialStore,
  createMemoryCheckpointStore,
  createMemoryEventStore,
  type EventStore,
  type KeyStore,
  type Runtime,
  type StoreError,
  systemRuntime,
  type ThrottleStore,
  validationError,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';

/** An opened store: the event log, the projection checkpoints beside it, and (durable stores) the secrets. */
export interface OpenedStore {
  readonly events: EventStore;
  readonly checkpoints: CheckpointStore;
  /** Credential, throttle and personal-data key stores in the same database; absent: the caller keeps them in memory. */
  readonly security?: { readonly credentials: CredentialStore; readonly throttle: ThrottleStore; readonly keys: KeyStore };
  /** What the URL points at, without credentials: safe to print. */
  readonly description: string;
  close(): Promise<void>;
}

/** The default store URL: the embedded SQLite file. */
export const DEFAULT_STORE_URL = 'sqlite:./.selfprov/events.db';

const schemes = [
  'sqlite:',
  'memory:',
  'postgres://',
  'postgresql://',
  'kurrentdb://',
  'kurrentdb+discover://',
  'esdb://',
  'esdb+discover://',
];

const unsupported = (url: string, field: string): StoreError =>
  validationError(
    'invalid_store_url',
    field,
    `unsupported store URL ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))}: use one of sqlite:<path>, memory:, postgres://..., kurrentdb://..., esdb://...`,
    { schemes },
  );

/**
 * One store URL everywhere (`--store`, `SELFPROV_STORE`):
 * `sqlite:<path>` (default `sqlite:./.selfprov/events.db`), `memory:`, `postgres://...`,
 * `kurrentdb://...` / `esdb://...`. A malformed URL is a `ValidationError` naming `field`;
 * an unreachable server is a `store_unavailable` error (checked by reading the log once).
 */
export const openStore = async (
  url: string = DEFAULT_STORE_URL,
  options: { runtime?: Partial<Runtime>; field?: string; check?: boolean } = {},
): Promise<E.Either<StoreError, OpenedStore>> => {
  const field = options.field ?? 'store';
  const runtime = options.runtime ?? {};
  let opened: OpenedStore;
  if (url === 'memory:') {
    const events = createMemoryEventStore(runtime, { digest: nodeSha256Hex });
    opened = { events, checkpoints: createMemoryCheckpointStore(), description: 'memory:', close: () => events.close() };
  } else if (/^sqlite:/i.test(url)) {
    const sqlite = await import('@selfprov/store-sqlite');
    const parsed = sqlite.parseSqliteUrl(url, field);
    if (E.isLeft(parsed)) return parsed;
    const store = sqlite.openSqliteEventStore({ path: parsed.right.path, runtime });
    if (E.isLeft(store)) return store;
    opened = {
      events: store.right,
      checkpoints: store.right.checkpoints,
      security: sqlite.sqliteSecurityStores(store.right, { random: runtime.random ?? systemRuntime().random }),
      description: `sqlite:${parsed.right.path}`,
      close: () => store.right.close(),
    };
  } else if (/^postgres(ql)?:\/\//i.test(url)) {
    const pg = await import('@selfprov/store-postgres');
    const parsed = pg.parsePostgresUrl(url, field);
    if (E.isLeft(parsed)) return parsed;
    const store = pg.createPostgresEventStore({ connectionString: url, runtime });
    opened = {
      events: store,
      checkpoints: store.checkpoints,
      security: pg.postgresSecurityStores(store, { random: runtime.random ?? systemRuntime().random }),
      description: pg.describePostgresTarget(parsed.right.clientConfig),
      close: () => store.close(),
    };
  } else if (/^(kurrentdb|esdb)(\+discover)?:\/\//i.test(url)) {
    const kurrent = await import('@selfprov/store-kurrentdb');
    const parsed = kurrent.parseKurrentDbUrl(url);
    if (E.isLeft(parsed)) return E.left({ ...parsed.left, field });
    const store = kurrent.createKurrentDbEventStore({ connectionString: url, runtime });
    if (E.isLeft(store)) return store;
    // KurrentDB keeps no checkpoint table: checkpoints stay in memory (projections rebuild on start).
    opened = {
      events: store.right,
      checkpoints: createMemoryCheckpointStore(),
      description: store.right.target,
      close: () => store.right.close(),
    };
  } else {
    return E.left(unsupported(url, field));
  }
  if (options.check !== false) {
    const probe = await opened.events.readAll({ direction: 'backward', maxCount: 1 })();
    if (E.isLeft(probe)) {
      await opened.close().catch(() => undefined);
      return E.left(probe.left);
    }
  }
  return E.right(opened);
};
