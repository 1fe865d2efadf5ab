import {
  createMemoryCredentialStore,
  createMemoryEventStore,
  createMemoryThrottleStore,
  manualClock,
  type RecordedEvent,
  type Runtime,
  sequentialIds,
  systemRuntime,
} from '@selfprov/core';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { SelfCareOptions } from '../facade/deps.js';
import { createSelfCare } from '../facade/selfCare.js';
import { bindSelfCareCredentials } from '../ports/coreCredentials.js';
import type { SecretKind } from '../ports/credentials.js';
import { createMemoryPhoneDirectory, type MemoryDirectoryEntry } from '../ports/phoneDirectory.js';
import { administrator, type UserPrincipal } from '../shared/principal.js';

/**
 * Test support (not exported by the package): a self-care facade over the
 * in-memory store, a manual clock, the in-memory phone directory and the real
 * core credentials module (packages/core/src/credentials/: its policy,
 * rules, lockout and throttling, in-memory credential and throttle stores, a
 * cheap scrypt hasher), seeded like the demo (domain `Default` with self-care
 * on, alice and bob with self-care accounts and a password).
 */

/** The right value of an operation, or a thrown error naming the code (for test set-up steps). */
export const ok = async <A>(task: TE.TaskEither<{ code: string; message: string }, A>): Promise<A> => {
  const r = await task();
  if (E.isLeft(r)) throw new Error(`expected success, got ${r.left.code}: ${r.left.message}`);
  return r.right;
};

/** The error of an operation that must fail. */
export const failure = async <Err, A>(task: TE.TaskEither<Err, A>): Promise<Err> => {
  const r = await task();
  if (E.isRight(r)) throw new Error(`expected a failure, got ${JSON.stringify(r.right).slice(0, 300)}`);
  return r.left;
};

export const PASSWORD = 'Selfcare!2026';

export const demoDevices: MemoryDirectoryEntry[] = [
  {
    deviceName: 'SEP001122334455',
    owner: 'alice',
    model: 'Cisco 8841',
    macAddress: '001122334455',
    lines: [
      { index: 1, directoryNumber: '2001' },
      { index: 2, directoryNumber: '2101' },
    ],
  },
  {
    deviceName: 'SEP00AA00BB00CC',
    owner: 'alice',
    model: 'Cisco 7841',
    macAddress: '00AA00BB00CC',
    lines: [{ index: 1, directoryNumber: '2011' }],
  },
  { deviceName: 'EMPALICE', owner: 'alice', kind: 'extension-mobility-profile', lines: [{ index: 1, directoryNumber: '2001' }] },
  { deviceName: 'RDPALICE', owner: 'alice', kind: 'remote-destination-profile', lines: [{ index: 1, directoryNumber: '2001' }] },
  {
    deviceName: 'SEP0A0B0C0D0E0F',
    owner: 'bob',
    model: 'Cisco 8841',
    macAddress: '0A0B0C0D0E0F',
    lines: [{ index: 1, directoryNumber: '2002' }],
  },
];

export interface FixtureOptions {
  readonly seed?: boolean;
  readonly options?: Partial<SelfCareOptions>;
}

export const fixture = async (o: FixtureOptions = {}) => {
  const clock = manualClock('2026-03-01T08:00:00.000Z');
  const runtime: Runtime = { ...systemRuntime(), clock, ids: sequentialIds() };
  const store = createMemoryEventStore(runtime);
  const phones = createMemoryPhoneDirectory(demoDevices);
  const credentialStore = createMemoryCredentialStore();
  const throttle = createMemoryThrottleStore();
  const credentials = bindSelfCareCredentials({ store: credentialStore, throttle, hasher: createScryptHasher({ log2N: 4 }), clock });
  const sc = createSelfCare({ store, runtime, phones, credentials, ...o.options });
  const admin = administrator('admin');
  const forUser = (userId: string) => administrator('admin', userId);
  const log = async (): Promise<RecordedEvent[]> => {
    const r = await store.readAll({ maxCount: 100_000 })();
    if (E.isLeft(r)) throw new Error(r.left.message);
    return [...r.right];
  };
  const loginAs = async (userId: string, password = PASSWORD): Promise<UserPrincipal> => {
    const session = await ok(sc.login({ userId, password }));
    return ok(sc.authenticate(session.token));
  };
  /** True when the credential store holds a secret of this kind for the subject. */
  const hasSecret = async (subject: string, kind: SecretKind): Promise<boolean> =>
    (await ok(credentialStore.load(subject, kind))) !== undefined;
  const base = { clock, runtime, store, phones, credentialStore, throttle, credentials, sc, admin, forUser, log, loginAs, hasSecret };
  if (o.seed === false) return { ...base, alice: undefined as unknown as UserPrincipal, bob: undefined as unknown as UserPrincipal };
  await ok(sc.admin.createDomain(admin, { domain: 'Default', createSelfCareAccounts: true }));
  for (const [userId, firstName, lastName] of [
    ['alice', 'Alice', 'Anders'],
    ['bob', 'Bob', 'Berg'],
  ] as const) {
    await ok(sc.admin.createAccount(admin, { userId, domain: 'Default', roles: ['SelfCareUser'], personal: { firstName, lastName } }));
    await ok(sc.admin.setPassword(admin, { userId, password: PASSWORD }));
  }
  const alice = await loginAs('alice');
  const bob = await loginAs('bob');
  return { ...base, alice, bob };
};
