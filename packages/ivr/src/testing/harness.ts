// Test support (not a test file, not part of the build): the IVR tests' world on the
// real domain gateway (testing/domain.ts) with a few fixtures beyond the demo seed,
// a driver on simulated time, and a holdable gateway (testing/holdable.ts).
import {
  type CredentialKind,
  type CredentialPolicy,
  credentialStatus,
  type JsonValue,
  type MemoryEventStore,
  type PhoneState,
  type RecordedEvent,
  type SelfProvisioning,
  sequentialIds,
  setCredential,
  type ThrottlePolicy,
} from '@selfprov/core';
import { ivrCallStream } from '../driver/record.js';
import type { IvrDriver, IvrDriverDependencies, IvrLogEntry, IvrTurn } from '../driver/types.js';
import { createIvrDriver } from '../driver.js';
import type { AuthenticationMode, IvrGateway } from '../gateway.js';
import type { SimulatedScheduler } from '../scheduler.js';
import { DEMO, type DomainWorld, domainWorld, unwrap } from './domain.js';
import { type Holdable, holdable } from './holdable.js';

export { unwrap } from './domain.js';

export const NEW_PHONE = 'SEP00AABBCC0001';
export const OLD_PHONE = 'SEP00AABBCC0002';
export const BOB_PHONE = 'SEP00AABBCC0003';
export const ERIN_PHONE = 'SEP00AABBCC0004';
export const ALICE_PIN = DEMO.pins.alice;
export const AUTH_CODE = DEMO.code;
/** frank has a password and no PIN: the IVR then checks the digits against the password. */
export const FRANK_PASSWORD = '58017342';

export const idsOf = (turn: IvrTurn): string[] => turn.prompts.map((p) => p.id);

/** What the tests compare of a phone. */
export interface PhoneSummary {
  readonly owner: string | null;
  readonly state: PhoneState['state'];
  /** The directory number on line 1. */
  readonly extension: string | null;
  readonly registered: boolean;
  /** The phone that replaced this one, when it was replaced and kept. */
  readonly replacedBy: string | null;
}

export const summary = (p: PhoneState): PhoneSummary => ({
  owner: p.owner ?? null,
  state: p.state,
  extension: p.lines.find((l) => l.index === 1)?.dn ?? null,
  registered: p.registered,
  replacedBy: p.replacedBy ?? null,
});

/** NEW_PHONE as it auto-registered: the first DN of the range, no owner. */
export const untouchedNewPhone: PhoneSummary = {
  owner: null,
  state: 'autoregistered',
  extension: '1000',
  registered: true,
  replacedBy: null,
};

export interface HarnessConfig {
  /** Default: `secure-users`. */
  readonly authenticationMode?: AuthenticationMode;
  /** Default: `['en_US']`. */
  readonly languages?: readonly string[];
  /** Changed fields of the cluster's credential policy (`UpdateCredentialPolicy`). */
  readonly credentialPolicy?: Partial<CredentialPolicy>;
  /** The credentials module's throttle policy; absent: its default. */
  readonly throttlePolicy?: ThrottlePolicy;
  /** PINs set instead of the demo's, by user id. */
  readonly pins?: Readonly<Record<string, string>>;
  /** The enterprise parameter for a replaced phone; absent: the cluster's default (`keep`). */
  readonly replacedPhone?: 'keep' | 'delete';
}

export interface Harness {
  readonly world: DomainWorld;
  readonly sp: SelfProvisioning;
  readonly scheduler: SimulatedScheduler;
  readonly store: MemoryEventStore;
  /** The real domain gateway, neither held nor wrapped. */
  readonly gateway: IvrGateway;
  readonly gate: Holdable;
  readonly driver: IvrDriver;
  readonly logs: IvrLogEntry[];
  readonly spontaneous: IvrTurn[];
  /** A second driver on the same store, gateway and clock: "the process restarted". */
  restart(): IvrDriver;
  start(request?: Partial<{ callId: string; device: string; dialled: string; language: string }>): Promise<IvrTurn>;
  keys(callId: string, keys: string, driver?: IvrDriver): Promise<IvrTurn>;
  events(callId: string): Promise<readonly RecordedEvent[]>;
  allEvents(): Promise<readonly RecordedEvent[]>;
  allEventsJson(): Promise<string>;
  /** The phone as the domain has it; undefined when it does not exist (never registered, or deleted). */
  phone(device: string): Promise<PhoneSummary | undefined>;
  /** Failures counted in the credential's current window (the credentials module's status). */
  failures(subject: string, kind?: CredentialKind): Promise<number>;
  /** The registrar reports the phone (un)registered. */
  setRegistered(device: string, registered: boolean): Promise<void>;
}

const admin = { actor: { kind: 'administrator', id: 'fixture' }, channel: 'admin-api' } as const;

/**
 * Beyond the demo seed: carol gets self-provisioning id 2003 (she has no extension);
 * erin (id 7777, extension 2005) a profile allowing one phone, which she has;
 * frank (2006) a password and no PIN. Phones, in auto-registration order (so
 * NEW_PHONE has DN 1000): NEW_PHONE auto-registered; OLD_PHONE alice's,
 * unregistered; BOB_PHONE bob's; ERIN_PHONE erin's.
 */
const addFixtures = async (w: DomainWorld) => {
  const { sp, credentials } = w;
  const clusterId = DEMO.clusterId;
  unwrap(await sp.endUser({ type: 'ChangeSelfProvisioningId', userId: 'carol', selfProvisioningId: '2003' }, admin)());
  unwrap(
    await sp.configure(
      'userProfile',
      {
        type: 'CreateUserProfile',
        name: 'Single',
        clusterId,
        deskPhoneTemplate: 'Standard Desk Phone',
        lineTemplate: 'Standard Line',
        allowProvisioning: true,
        provisioningLimit: 1,
      },
      admin,
    )(),
  );
  const user = (userId: string, primaryExtension: string, userProfile: string, extra: Record<string, unknown> = {}) =>
    sp.endUser(
      {
        type: 'CreateEndUser',
        userId,
        clusterId,
        personal: { firstName: userId, lastName: 'Test' },
        primaryExtension,
        userProfile,
        ...extra,
      },
      admin,
    );
  unwrap(await user('erin', '2005', 'Single', { selfProvisioningId: '7777' })());
  unwrap(await user('frank', '2006', 'Standard')());
  const secrets: [string, CredentialKind, string][] = [
    ['carol', 'pin', '86420531'],
    ['erin', 'pin', '31415926'],
    ['frank', 'password', FRANK_PASSWORD],
  ];
  for (const [subject, kind, secret] of secrets) unwrap(await setCredential(credentials, { subject, kind, secret, by: 'administrator' })());
  for (const device of [NEW_PHONE, OLD_PHONE, BOB_PHONE, ERIN_PHONE]) {
    const mac = device.slice(3).replace(/(..)(?!$)/g, '$1:');
    unwrap(await sp.autoRegisterPhone({ clusterId, mac, model: 'Cisco 8845', protocol: 'SIP' })());
  }
  for (const [deviceName, userId] of [
    [OLD_PHONE, 'alice'],
    [BOB_PHONE, 'bob'],
    [ERIN_PHONE, 'erin'],
  ] as const) {
    unwrap(await sp.provisionPhone({ clusterId, deviceName, userId, authentication: { method: 'pin' } }, admin)());
  }
  unwrap(await sp.recordRegistration({ deviceName: OLD_PHONE, registered: false })());
};

const configure = async (w: DomainWorld, config: HarnessConfig) => {
  const clusterId = DEMO.clusterId;
  if (config.credentialPolicy !== undefined)
    unwrap(await w.sp.configure('cluster', { type: 'UpdateCredentialPolicy', clusterId, policy: config.credentialPolicy }, admin)());
  if (config.replacedPhone !== undefined)
    unwrap(await w.sp.configure('cluster', { type: 'SetEnterpriseParameters', clusterId, replacedPhone: config.replacedPhone }, admin)());
  await w.setMode(config.authenticationMode ?? 'secure-users', config.languages ?? ['en_US']);
};

export const harness = async (
  config: HarnessConfig = {},
  driverOptions: Partial<Pick<IvrDriverDependencies, 'options' | 'catalogs'>> & { wrap?: (g: IvrGateway) => IvrGateway } = {},
): Promise<Harness> => {
  const world = await domainWorld({
    ...(config.throttlePolicy === undefined ? {} : { throttlePolicy: config.throttlePolicy }),
    ...(config.pins === undefined ? {} : { pins: config.pins }),
  });
  await addFixtures(world);
  await configure(world, config);
  const { scheduler, store, sp } = world;
  const gate = holdable(world.gateway);
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
  const allEvents = async () => unwrap(await store.readAll({ maxCount: 100_000 })());
  return {
    world,
    sp,
    scheduler,
    store,
    gateway: world.gateway,
    gate,
    driver,
    logs,
    spontaneous,
    restart: make,
    start: async (request = {}) => unwrap(await driver.startCall({ device: NEW_PHONE, ...request })()),
    keys: async (callId, keys, d = driver) => unwrap(await d.digits(callId, keys)()),
    events: async (callId) => unwrap(await store.readStream(ivrCallStream(callId))()).events,
    allEvents,
    allEventsJson: async () => JSON.stringify((await allEvents()) as unknown as JsonValue),
    phone: async (device) => {
      const p = unwrap(await sp.phone(device)());
      return p?.exists ? summary(p) : undefined;
    },
    failures: async (subject, kind = 'pin') => unwrap(await credentialStatus(world.credentials, { subject, kind })()).failedAttempts,
    setRegistered: async (device, registered) => {
      unwrap(await sp.recordRegistration({ deviceName: device, registered })());
    },
  };
};
