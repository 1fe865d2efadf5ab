import { createMemoryEventStore } from '../../index.js';
import { defineEventStoreContract } from '../../testkit/index.js';

// The in-memory store is the reference implementation of the contract.
defineEventStoreContract('memory', {
  create: async () => createMemoryEventStore(),
  breakStore: async (store) => (store as ReturnType<typeof createMemoryEventStore>).simulateOutage(true),
}).run();
