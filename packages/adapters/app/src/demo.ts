import {
  type CredentialEvent,
  type DomainError,
  demo,
  recordCredentialEvents,
  type StoreError,
  SYSTEM_SUBJECT,
  seedDemo,
  setAuthenticationCode,
  setCredential,
  streams,
  type ValidationError,
} from '@selfprov/core';
import { administrator } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import type { Selfprov } from './createSelfprov.js';

/** The demo's secrets (printed by `selfprov serve --demo`, README.md). They go to the credential store only. */
export const demoSecrets = {
  authenticationCode: '4242',
  pins: { alice: '73915824', bob: '51739264', dave: '64718253' } as Readonly<Record<string, string>>,
  selfCarePassword: 'Selfcare!2026',
  selfCareUsers: ['alice', 'bob'],
  selfCareDomain: 'Default',
} as const;

type SeedError = DomainError | ValidationError | StoreError | { readonly code: string; readonly message: string };

export interface DemoReport {
  readonly clusterId: string;
  readonly ivrExtension: string;
  /** Events the configuration seed wrote: 0 when the store was seeded already. */
  readonly eventsWritten: number;
  readonly secretsSet: number;
}

const system = { actor: { kind: 'system', id: 'demo-seed' }, channel: 'system' } as const;

/**
 * Seeds the demo data on an empty (or already seeded) store: the configuration and
 * users through the real commands, then the secrets through the credential store
 * (authentication code, PINs, self-care passwords) and the self-care domain and
 * accounts. Every step is idempotent, so running it on every start is safe.
 */
export const seedDemoData = async (app: Selfprov): Promise<E.Either<SeedError, DemoReport>> => {
  const seeded = await seedDemo({ store: app.events, runtime: app.runtime })();
  if (E.isLeft(seeded)) return seeded;
  const { clusterId } = seeded.right;
  let secretsSet = 0;
  // Recorded the one way credential events are (recordCredentialEvents); a failure stops the seeding.
  const audit = (streamId: string, events: readonly CredentialEvent[]) =>
    recordCredentialEvents(
      { store: app.events, runtime: app.runtime },
      { streamId, events, context: { ...system, commandId: app.runtime.ids.uuid() } },
    )();
  const code = await app.credentials.store.load(SYSTEM_SUBJECT, 'authentication-code')();
  if (E.isLeft(code)) return code;
  if (code.right === undefined) {
    const set = await setAuthenticationCode(app.credentials, { code: demoSecrets.authenticationCode, by: 'system' })();
    if (E.isLeft(set)) return set;
    const audited = await audit(streams.cluster(clusterId), set.right.events);
    if (E.isLeft(audited)) return audited;
    const recorded = await app.selfProvisioning.configure(
      'cluster',
      { type: 'RecordAuthenticationCodeChanged', clusterId },
      { ...system, commandId: 'demo-seed:auth-code' },
    )();
    if (E.isLeft(recorded)) return recorded;
    secretsSet += 1;
  }
  for (const [userId, pin] of Object.entries(demoSecrets.pins)) {
    const existing = await app.credentials.store.load(userId, 'pin')();
    if (E.isLeft(existing)) return existing;
    if (existing.right !== undefined) continue;
    const user = demo.users.find((u) => u.userId === userId);
    const set = await setCredential(app.credentials, {
      subject: userId,
      kind: 'pin',
      secret: pin,
      by: 'system',
      owner: {
        userId,
        ...(user && 'primaryExtension' in user ? { extension: user.primaryExtension } : {}),
        firstName: user?.firstName ?? '',
        lastName: user?.lastName ?? '',
      },
    })();
    if (E.isLeft(set)) return set;
    const audited = await audit(streams.user(userId), set.right.events);
    if (E.isLeft(audited)) return audited;
    secretsSet += 1;
  }

  const admin = administrator('demo-seed');
  const domains = await app.selfCare.admin.domains()();
  if (E.isLeft(domains)) return domains;
  if (!domains.right.some((d) => d.exists && d.domain === demoSecrets.selfCareDomain)) {
    const created = await app.selfCare.admin.createDomain(
      admin,
      { domain: demoSecrets.selfCareDomain, createSelfCareAccounts: true },
      { commandId: 'demo-seed:selfcare-domain' },
    )();
    if (E.isLeft(created)) return created;
  }
  for (const userId of demoSecrets.selfCareUsers) {
    const account = await app.selfCare.admin.createAccount(
      admin,
      { userId, domain: demoSecrets.selfCareDomain, roles: ['SelfCareUser'] },
      { commandId: `demo-seed:account:${userId}` },
    )();
    if (E.isLeft(account)) return account;
    const existing = await app.credentials.store.load(userId, 'password')();
    if (E.isLeft(existing)) return existing;
    if (existing.right !== undefined) continue;
    const password = await app.selfCare.admin.setPassword(
      admin,
      { userId, password: demoSecrets.selfCarePassword },
      { commandId: `demo-seed:password:${userId}` },
    )();
    if (E.isLeft(password)) return password;
    secretsSet += 1;
  }
  return E.right({ clusterId, ivrExtension: seeded.right.ivrExtension, eventsWritten: seeded.right.eventsWritten, secretsSet });
};
