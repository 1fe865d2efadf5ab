import type { EventStore } from '@selfprov/core';
import { defineEventStoreContract } from '@selfprov/core/testkit';
import { createPostgresEventStore, type PostgresEventStore } from './index.js';
import { type CuttableProxy, startProxy } from './testing/proxy.js';
import { acquire, release, type TestDatabase } from './testing/server.js';

// The adapter contract against a real PostgreSQL: each test gets its own schema (migrated on first
// use) and reaches the server through a relay that `breakStore` cuts, as a failing network would.
let db: TestDatabase | undefined;
const proxies = new WeakMap<EventStore, CuttableProxy>();

const contract = defineEventStoreContract('postgres', {
  create: async () => {
    db ??= await acquire();
    const proxy = await startProxy(db.host, db.port);
    const store: PostgresEventStore = createPostgresEventStore({
      connectionString: { ...db.config, host: '127.0.0.1', port: proxy.port },
      schema: db.freshSchema('contract'),
      // Generous, as the sqlite and kurrentdb contracts: a loaded machine may connect slowly; a cut relay refuses at once.
      connectTimeoutMs: 30_000,
      pollIntervalMs: 200,
    });
    proxies.set(store, proxy);
    return store;
  },
  dispose: async (store) => {
    await proxies.get(store)?.close();
    await db?.dropSchema((store as PostgresEventStore).schema);
  },
  breakStore: async (store) => {
    await proxies.get(store)?.cut();
  },
  timeoutMs: 30_000,
});

contract.after(async () => {
  if (db) await release();
  db = undefined;
});

contract.run();
