// Test support: the real self-provisioning domain (demo seed, facade, credentials
// module with a real scrypt hasher at test cost) behind `createDomainGateway`,
// on simulated time. Not a test file, not part of the build.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import {
  type CredentialDeps,
  createMemoryCredentialStore,
  createMemoryEventStore,
  createMemoryThrottleStore,
  createSelfProvisioning,
  type MemoryEventStore,
  type Runtime,
  type SecretHasher,
  type SelfProvisioning,
  seedDemo,
  sequentialIds,
  setAuthenticationCode,
  setCredential,
  systemRuntime,
} from '@selfprov/core';
import { createDomainGateway } from './domainGateway.js';
import { createIvrDriver, type IvrDriver, type IvrTurn } from './driver.js';
import type { AuthenticationMode, IvrGateway } from './gateway.js';
import { unwrap } from './harness.support.js';
import { type SimulatedScheduler, simulatedScheduler } from './scheduler.js';

/** scrypt at test cost (N = 2^10), PHC-like strings, timing-safe comparison. Production uses N = 2^17. */
export const testHasher = (): SecretHasher => {
  const derive = (secret: string, salt: Buffer) =>
    new Promise<Buffer>((resolve, reject) => scrypt(secret, salt, 32, { N: 1024, r: 8, p: 1 }, (e, key) => (e ? reject(e) : resolve(key))));
  return {
    hash: async (secret) => {
      const salt = randomBytes(16);
      return `$scrypt$ln=10,r=8,p=1$${salt.toString('base64')}$${(await derive(secret, salt)).toString('base64')}`;
    },
    verify: async (secret, stored) => {
      const [, , , salt, digest] = stored.split('$');
      if (salt === undefined || digest === undefined) return false;
      const expected = Buffer.from(digest, 'base64');
      const actual = await derive(secret, Buffer.from(salt, 'base64'));
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
};

export const DEMO = { clusterId: 'cluster-1', pins: { alice: '73915824', bob: '51739264', dave: '64718253' }, code: '4242' } as const;

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

/** The demo of ARCHITECTURE.md section 7, with its secrets set in the credential store. */
export const domainWorld = async (): Promise<DomainWorld> => {
  const scheduler = simulatedScheduler();
  const clock = { now: () => new Date(scheduler.now()) };
  const runtime: Runtime = { ...systemRuntime(), clock, ids: sequentialIds(7) };
  const store = createMemoryEventStore({ clock });
  unwrap(await seedDemo({ store, runtime })());
  const sp = createSelfProvisioning({ store, runtime });
  unwrap(await sp.start()());
  const credentials: CredentialDeps = {
    store: createMemoryCredentialStore(),
    throttle: createMemoryThrottleStore(),
    hasher: testHasher(),
    clock,
  };
  for (const [userId, pin] of Object.entries(DEMO.pins)) {
    unwrap(await setCredential(credentials, { subject: userId, kind: 'pin', secret: pin, by: 'administrator' })());
  }
  unwrap(await setAuthenticationCode(credentials, { code: DEMO.code })());
  const gateway = createDomainGateway({ selfProvisioning: sp, credentials, store });
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
