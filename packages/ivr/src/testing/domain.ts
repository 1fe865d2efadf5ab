// Test support (not a test file, not part of the build): the real self-provisioning
// domain behind `createDomainGateway`, on simulated time. The demo seed
// (packages/core/src/provisioning/selfProvisioning/demo.ts) through the real commands,
// the facade over core's memory event store, and the real credentials module with
// a cheap hasher. Every IVR test that needs a gateway runs on this one.

import {
  type CredentialDeps,
  createMemoryCredentialStore,
  createMemoryEventStore,
  createMemoryThrottleStore,
  createSelfProvisioning,
  type MemoryEventStore,
  type Runtime,
  type SelfProvisioning,
  seedDemo,
  sequentialIds,
  setAuthenticationCode,
  setCredential,
  systemRuntime,
  type ThrottlePolicy,
} from '@selfprov/core';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { createDomainGateway } from '../domainGateway.js';
import type { IvrDriver, IvrTurn } from '../driver/types.js';
import { createIvrDriver } from '../driver.js';
import type { AuthenticationMode, IvrGateway } from '../gateway.js';
import { type SimulatedScheduler, simulatedScheduler } from '../scheduler.js';

export const unwrap = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

export const DEMO = { clusterId: 'cluster-1', pins: { alice: '73915824', bob: '51739264', dave: '64718253' }, code: '4242' } as const;

export interface DomainWorldOptions {
  /** The credentials module's throttle policy; absent: the module's default (`defaultThrottlePolicy`). */
  readonly throttlePolicy?: ThrottlePolicy;
  /** PINs set instead of the demo's, by user id. */
  readonly pins?: Readonly<Record<string, string>>;
}

export interface DomainWorld {
  readonly scheduler: SimulatedScheduler;
  readonly store: MemoryEventStore;
  readonly runtime: Runtime;
  readonly sp: SelfProvisioning;
  readonly credentials: CredentialDeps;
  readonly gateway: IvrGateway;
  readonly driver: IvrDriver;
  readonly spontaneous: IvrTurn[];
  /** Auto-registers a new phone (MAC `00:11:22:33:44:<nn>`) and answers its device name. */
  newPhone(n: number): Promise<string>;
  setMode(mode: AuthenticationMode, languages?: readonly string[]): Promise<void>;
}

/**
 * Time is the scheduler's: the event store, the facade and the credentials module
 * read its clock, and the facade's retry back-off does not wait.
 */
const simulatedRuntime = (scheduler: SimulatedScheduler): Runtime => ({
  ...systemRuntime(),
  clock: { now: () => new Date(scheduler.now()) },
  ids: sequentialIds(7),
  timers: { sleep: async () => undefined },
});

/** The demo as seeded, with its secrets set in the credential store. */
export const domainWorld = async (options: DomainWorldOptions = {}): Promise<DomainWorld> => {
  const scheduler = simulatedScheduler();
  const runtime = simulatedRuntime(scheduler);
  const clock = runtime.clock;
  // Event ids too are deterministic: nothing in the log is random (a random id could spell a short secret).
  const store = createMemoryEventStore({ clock, ids: sequentialIds(9) });
  unwrap(await seedDemo({ store, runtime })());
  const sp = createSelfProvisioning({ store, runtime });
  unwrap(await sp.start()());
  const credentials: CredentialDeps = {
    store: createMemoryCredentialStore(),
    throttle: createMemoryThrottleStore(),
    // The production hasher at a tiny cost: the credentials module's rules run unchanged.
    hasher: createScryptHasher({ log2N: 4 }),
    clock,
    ...(options.throttlePolicy === undefined ? {} : { throttlePolicy: options.throttlePolicy }),
  };
  for (const [userId, pin] of Object.entries({ ...DEMO.pins, ...options.pins })) {
    unwrap(await setCredential(credentials, { subject: userId, kind: 'pin', secret: pin, by: 'administrator' })());
  }
  unwrap(await setAuthenticationCode(credentials, { code: DEMO.code })());
  const gateway = createDomainGateway({ selfProvisioning: sp, credentials, store, runtime });
  const spontaneous: IvrTurn[] = [];
  const driver = createIvrDriver({ gateway, store, scheduler, ids: sequentialIds(8), onOutput: (t) => spontaneous.push(t) });
  return {
    scheduler,
    store,
    runtime,
    sp,
    credentials,
    gateway,
    driver,
    spontaneous,
    newPhone: async (n) => {
      const mac = `00:11:22:33:44:${n.toString(16).padStart(2, '0')}`;
      return unwrap(await sp.autoRegisterPhone({ clusterId: DEMO.clusterId, mac, model: 'Cisco 8845', protocol: 'SIP' })()).deviceName;
    },
    setMode: async (mode, languages = ['en_US']) => {
      unwrap(
        await sp.configure('cluster', {
          type: 'ConfigureSelfProvisioning',
          clusterId: DEMO.clusterId,
          authentication: mode,
          languages: [...languages],
          ctiRoutePoint: 'SelfProvIVR',
          applicationUser: 'selfprov-ivr',
        })(),
      );
    },
  };
};
