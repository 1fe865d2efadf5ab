// Test support (not a test file, not part of the build): the demo users and
// phones, a driver on simulated time and the in-memory store, and a gateway
// wrapper that can hold effects in flight.
import { createMemoryEventStore, type JsonValue, type MemoryEventStore, type RecordedEvent, sequentialIds } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { createIvrDriver, type IvrDriver, type IvrDriverDependencies, type IvrLogEntry, type IvrTurn, ivrCallStream } from './driver.js';
import type { IvrGateway, Refused } from './gateway.js';
import { createMemoryIvrGateway, type MemoryIvrGateway, type MemoryIvrGatewayConfig, type MemoryIvrUser } from './memoryGateway.js';
import { type SimulatedScheduler, simulatedScheduler } from './scheduler.js';

export const NEW_PHONE = 'SEP00AABBCC0001';
export const OLD_PHONE = 'SEP00AABBCC0002';
export const BOB_PHONE = 'SEP00AABBCC0003';
export const ALICE_PIN = '73915824';
export const AUTH_CODE = '4242';

/** ARCHITECTURE.md section 7: the demo users. */
export const demoUsers: readonly MemoryIvrUser[] = [
  { userId: 'alice', primaryExtension: '2001', pin: ALICE_PIN, password: '5550123', allowProvisioning: true, limit: 10 },
  { userId: 'bob', primaryExtension: '2002', pin: '51739264', allowProvisioning: true, limit: 10 },
  { userId: 'carol', selfProvisioningId: '2003', primaryExtension: null, pin: '86420531', allowProvisioning: true },
  { userId: 'dave', primaryExtension: '2004', pin: '64718253', allowProvisioning: false },
  { userId: 'erin', selfProvisioningId: '7777', primaryExtension: '2005', pin: '31415926', limit: 1 },
];

export const demoPhones: MemoryIvrGatewayConfig['phones'] = {
  [NEW_PHONE]: { owner: null, state: 'autoregistered', extension: '1000', registered: true },
  [OLD_PHONE]: { owner: 'alice', state: 'provisioned', extension: '2001', registered: false },
  [BOB_PHONE]: { owner: 'bob', state: 'provisioned', extension: '2002', registered: true },
  SEP00AABBCC0004: { owner: 'erin', state: 'provisioned', extension: '2005', registered: true },
  SEP00AABBCC0005: { owner: 'bob', state: 'autoregistered', extension: '1001', registered: true },
};

export const unwrap = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

export const idsOf = (turn: IvrTurn): string[] => turn.prompts.map((p) => p.id);

interface Deferred {
  readonly promise: Promise<void>;
  readonly open: () => void;
}
const deferred = (): Deferred => {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
};

/** A gateway whose calls can be held in flight: `hold()`, wait for `reached`, then `release()`. */
export const holdable = (inner: IvrGateway) => {
  let gate: Deferred | null = null;
  let only: string | undefined;
  let reached = deferred();
  const calls: string[] = [];
  const wrap =
    <Q, A>(name: string, f: (q: Q) => TE.TaskEither<Refused, A>) =>
    (q: Q): TE.TaskEither<Refused, A> =>
    async () => {
      calls.push(name);
      const g = gate;
      if (g !== null && (only === undefined || only === name)) {
        reached.open();
        await g.promise;
      }
      return f(q)();
    };
  const gateway: IvrGateway = {
    callSettings: (device, dialled) => inner.callSettings(device, dialled),
    identifyUser: wrap('identifyUser', inner.identifyUser),
    verifyCredential: wrap('verifyCredential', inner.verifyCredential),
    provisionPhone: wrap('provisionPhone', inner.provisionPhone),
    replacePhone: wrap('replacePhone', inner.replacePhone),
  };
  return {
    gateway,
    calls,
    /** Holds the next calls (of `method` only, when given). */
    hold: (method?: string) => {
      only = method;
      gate = deferred();
      reached = deferred();
    },
    /** Resolves once a held call is waiting. */
    reached: () => reached.promise,
    release: () => {
      const g = gate;
      gate = null;
      g?.open();
    },
  };
};

export interface Harness {
  readonly scheduler: SimulatedScheduler;
  readonly store: MemoryEventStore;
  readonly memory: MemoryIvrGateway;
  readonly gate: ReturnType<typeof holdable>;
  readonly driver: IvrDriver;
  readonly logs: IvrLogEntry[];
  readonly spontaneous: IvrTurn[];
  /** A second driver on the same store, gateway and clock: "the process restarted". */
  restart(): IvrDriver;
  start(request?: Partial<{ callId: string; device: string; dialled: string; language: string }>): Promise<IvrTurn>;
  keys(callId: string, keys: string, driver?: IvrDriver): Promise<IvrTurn>;
  events(callId: string): Promise<readonly RecordedEvent[]>;
  allEventsJson(): Promise<string>;
}

export const harness = (
  config: Partial<MemoryIvrGatewayConfig> = {},
  driverOptions: Partial<Pick<IvrDriverDependencies, 'options' | 'catalogs'>> & { wrap?: (g: IvrGateway) => IvrGateway } = {},
): Harness => {
  const scheduler = simulatedScheduler();
  const store = createMemoryEventStore({ clock: { now: () => new Date(scheduler.now()) } });
  const memory = createMemoryIvrGateway({
    users: demoUsers,
    phones: demoPhones,
    languages: ['en_US'],
    authenticationMode: 'secure-users',
    authenticationCode: AUTH_CODE,
    now: scheduler.now,
    ...config,
  });
  const gate = holdable(memory);
  const gateway = driverOptions.wrap ? driverOptions.wrap(gate.gateway) : gate.gateway;
  const logs: IvrLogEntry[] = [];
  const spontaneous: IvrTurn[] = [];
  const make = () =>
    createIvrDriver({
      gateway,
      store,
      scheduler,
      ids: sequentialIds(),
      log: (e) => logs.push(e),
      onOutput: (t) => spontaneous.push(t),
      ...(driverOptions.options ? { options: driverOptions.options } : {}),
      ...(driverOptions.catalogs ? { catalogs: driverOptions.catalogs } : {}),
    });
  const driver = make();
  return {
    scheduler,
    store,
    memory,
    gate,
    driver,
    logs,
    spontaneous,
    restart: make,
    start: async (request = {}) => unwrap(await driver.startCall({ device: NEW_PHONE, ...request })()),
    keys: async (callId, keys, d = driver) => unwrap(await d.digits(callId, keys)()),
    events: async (callId) => unwrap(await store.readStream(ivrCallStream(callId))()).events,
    allEventsJson: async () => JSON.stringify(unwrap(await store.readAll({ maxCount: 100_000 })()) as unknown as JsonValue),
  };
};
