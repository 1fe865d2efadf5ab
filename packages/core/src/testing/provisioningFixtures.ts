import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { createMemoryEventStore, type MemoryEventStore } from '../kernel/eventstore/memory.js';
import type { EventStore } from '../kernel/eventstore/port.js';
import { manualClock, type Runtime, sequentialIds, systemRuntime } from '../kernel/runtime/ports.js';
import { type DemoStep, demo, demoSteps, seedDemo } from '../provisioning/selfProvisioning/demo.js';
import { createSelfProvisioning, type SelfProvisioning } from '../provisioning/selfProvisioning/facade.js';

/**
 * Test support for the self-provisioning workflows (pure: no Node module). A
 * memory store seeded with the demo configuration through the real commands.
 */

/** A deterministic runtime whose timers do not wait (retries back off instantly). */
export const testRuntime = (): Runtime => ({
  ...systemRuntime(),
  clock: manualClock(),
  ids: sequentialIds(),
  timers: { sleep: async () => undefined },
});

export interface DemoWorld {
  readonly store: MemoryEventStore;
  readonly runtime: Runtime;
  readonly sp: SelfProvisioning;
  readonly clusterId: string;
}

/** Runs a TaskEither and returns its right value, failing the test with the error otherwise. */
export const ok = async <A>(task: TE.TaskEither<unknown, A>): Promise<A> => {
  const r = await task();
  if (E.isLeft(r)) throw new Error(`expected success, got ${JSON.stringify(r.left)}`);
  return r.right;
};

/** Runs a TaskEither and returns its error, failing the test on success. */
export const refused = async <Err>(task: TE.TaskEither<Err, unknown>): Promise<Err> => {
  const r = await task();
  if (E.isRight(r)) throw new Error(`expected a refusal, got ${JSON.stringify(r.right)}`);
  return r.left;
};

/** Length of the global log: "nothing appended" checks compare it before and after. */
export const logLength = async (store: EventStore): Promise<number> => {
  let n = 0;
  for (;;) {
    const page = await store.readAll({ after: n, maxCount: 1000 })();
    if (E.isLeft(page)) throw new Error(page.left.message);
    n += page.right.length;
    if (page.right.length < 1000) return n;
  }
};

/** A memory store with the demo configuration, and a facade over it. */
export const demoWorld = async (runtime: Runtime = testRuntime()): Promise<DemoWorld> => {
  const store = createMemoryEventStore(runtime);
  await ok(seedDemo({ store, runtime }));
  const sp = createSelfProvisioning({ store, runtime });
  await ok(sp.start());
  return { store, runtime, sp, clusterId: demo.clusterId };
};

/** A MAC address for test phone `n` (never all-zero). */
export const macOf = (n: number): string => `00AB${(n + 1).toString(16).toUpperCase().padStart(8, '0')}`;
export const deviceOf = (n: number): string => `SEP${macOf(n)}`;

/** Auto-registers phone `n` in the demo cluster; returns its device name and temporary DN. */
export const plugIn = async (world: DemoWorld, n: number) =>
  ok(world.sp.autoRegisterPhone({ clusterId: world.clusterId, mac: macOf(n), model: 'Cisco 8845', protocol: 'SIP' }));

/** Provisions phone `n` for a user named by self-provisioning id, with a PIN (verified by the caller). */
export const provisionBySpId = (world: DemoWorld, n: number, selfProvisioningId: string) =>
  world.sp.provisionPhone({ clusterId: world.clusterId, deviceName: deviceOf(n), selfProvisioningId, authentication: { method: 'pin' } });

/** Seeds the demo configuration minus the steps `skip` selects (to test a missing prerequisite). */
export const partialDemoWorld = async (skip: (step: DemoStep) => boolean, runtime: Runtime = testRuntime()): Promise<DemoWorld> => {
  const store = createMemoryEventStore(runtime);
  const sp = createSelfProvisioning({ store, runtime });
  for (const s of demoSteps()) {
    if (skip(s)) continue;
    if (s.aggregate === 'endUser') await ok(sp.endUser(s.command));
    else await ok(sp.configure(s.aggregate, s.command));
  }
  return { store, runtime, sp, clusterId: demo.clusterId };
};

export const admin = { actor: { kind: 'administrator', id: 'admin' }, channel: 'admin-api' } as const;

/** Creates an end user of the demo cluster. */
export const createUser = (world: DemoWorld, userId: string, extra: Record<string, unknown> = {}) =>
  ok(
    world.sp.endUser(
      { type: 'CreateEndUser', userId, clusterId: world.clusterId, personal: { firstName: userId, lastName: 'Test' }, ...extra },
      admin,
    ),
  );
