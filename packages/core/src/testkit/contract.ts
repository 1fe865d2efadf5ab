import { suite } from 'uvu';
import type { NewEvent } from '../kernel/eventstore/envelope.js';
import type { AppendResult, EventStore } from '../kernel/eventstore/port.js';
import { badInputCases } from './contract/badInput.js';
import { concurrencyCases } from './contract/concurrency.js';
import { expectedVersionCases } from './contract/expectedVersions.js';
import { failureCases } from './contract/failures.js';
import { hashChainCases } from './contract/hashChains.js';
import { idempotencyCases } from './contract/idempotency.js';
import { multiStreamCases } from './contract/multiStream.js';
import { payloadCases } from './contract/payloads.js';
import { versionAndPositionCases } from './contract/positions.js';
import { readCases } from './contract/reads.js';
import { subscriptionCases } from './contract/subscriptions.js';
import { contractKit, unwrap } from './contract/support.js';
import { zeroEventCases } from './contract/zeroEvent.js';
import { withTimeout } from './events.js';

/** What an adapter author supplies to run the contract suite against their store. */
export interface ContractHarness {
  /** A store for one test. It may share a database with other tests: the suite uses fresh stream ids,
   *  but global-log assertions assume nobody else writes to the store during a test. */
  create(): Promise<EventStore>;
  /** Called after each test with the store it used (drop files, schemas...). The suite closes the store itself. */
  dispose?(store: EventStore): Promise<void>;
  /** Optional: make the backing database fail underneath an open store (kill the connection, remove the file...). */
  breakStore?(store: EventStore): Promise<void>;
  /** Per-operation timeout in ms (default 10,000): a hang fails the test. */
  timeoutMs?: number;
  /** fast-check runs per property (default 25). */
  numRuns?: number;
}

/**
 * The EventStore adapter contract: every guarantee of the port, as a uvu suite.
 *
 * ```ts
 * import { defineEventStoreContract } from '@selfprov/core/testkit';
 * defineEventStoreContract('my store', { create: async () => createMyStore() }).run();
 * ```
 */
export const defineEventStoreContract = (name: string, harness: ContractHarness) => {
  const timeout = harness.timeoutMs ?? 10_000;
  const numRuns = harness.numRuns ?? 25;
  const test = suite<{ store: EventStore }>(`EventStore contract: ${name}`, { store: undefined as unknown as EventStore });
  const closed = new WeakSet<EventStore>();

  test.before.each(async (ctx) => {
    ctx.store = await withTimeout(harness.create(), timeout, 'create store');
  });
  test.after.each(async (ctx) => {
    if (!closed.has(ctx.store)) await withTimeout(ctx.store.close(), timeout, 'close store');
    await harness.dispose?.(ctx.store);
  });

  // The groups of cases (./contract/), registered in this order: the suite's case list depends on it.
  const kit = contractKit(test, { timeout, numRuns, closed });
  expectedVersionCases(kit);
  versionAndPositionCases(kit);
  readCases(kit);
  multiStreamCases(kit);
  idempotencyCases(kit);
  concurrencyCases(kit);
  hashChainCases(kit);
  zeroEventCases(kit);
  subscriptionCases(kit);
  payloadCases(kit);
  badInputCases(kit);
  failureCases(kit, harness.breakStore);

  return test;
};

/** Appends and checks the result in one step: handy in adapter authors' own tests. */
export const appendOrFail = async (store: EventStore, streamId: string, events: NewEvent[]): Promise<AppendResult> =>
  unwrap(await store.append(streamId, 'any', events)(), 'append');
