import { createMemoryCredentialStore, createMemoryThrottleStore } from '../credentials/memory.js';
import { systemRuntime } from '../kernel/runtime/ports.js';
import { createMemoryKeyStore } from '../privacy/ports.js';
import { defineCredentialStoreContract } from './securityContract/credentialStore.js';
import { defineKeyStoreContract } from './securityContract/keyStore.js';
import { defineThrottleStoreContract } from './securityContract/throttleStore.js';

// The reference implementations pass their own contract: adapters are measured against them.
defineCredentialStoreContract('memory', { create: async () => createMemoryCredentialStore() }).run();
defineThrottleStoreContract('memory', { create: async () => createMemoryThrottleStore() }).run();
defineKeyStoreContract('memory', { create: async () => createMemoryKeyStore(systemRuntime().random) }).run();
