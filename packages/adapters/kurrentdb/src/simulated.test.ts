// The whole EventStore contract against the adapter talking to a SIMULATED server
// (src/testing/simulatedServer.ts), because no KurrentDB server can run here. It proves the
// adapter's own logic; only contract.test.ts against a real server (KURRENTDB_URL) proves
// compatibility with KurrentDB itself.
import { type ContractHarness, defineEventStoreContract } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { createKurrentDbEventStore, type KurrentDbEventStore, type MultiStreamMode } from './index.js';
import { createSimulatedServer, type SimulatedServer, type SimulatedServerOptions } from './testing/simulatedServer.js';

const harness = (serverOptions: SimulatedServerOptions, multiStream: MultiStreamMode): ContractHarness => {
  const servers = new WeakMap<object, SimulatedServer>();
  return {
    create: async () => {
      const server = createSimulatedServer(serverOptions);
      const store = createKurrentDbEventStore({ client: server, multiStream, pollIntervalMs: 50 });
      if (E.isLeft(store)) throw new Error(store.left.message);
      servers.set(store.right, server);
      return store.right as KurrentDbEventStore;
    },
    breakStore: async (store) => servers.get(store)?.simulateOutage(true),
    // Per operation, and for each awaited delivery: only turns a hang into a failure (a loaded machine
    // shares its cores with other suites).
    timeoutMs: 30_000,
  };
};

// KurrentDB 26.1: appendRecords carries writes and guards in one transaction (the default mode).
defineEventStoreContract('kurrentdb adapter, simulated 26.1 server, multiStream atomic', harness({}, 'atomic')).run();

// KurrentDB 25.1: multiStreamAppend only; guards checked by a read just before the write.
defineEventStoreContract(
  'kurrentdb adapter, simulated 25.1 server, multiStream atomic-writes',
  harness({ appendRecords: false, systemEventEvery: 1 }, 'atomic-writes'),
).run();
