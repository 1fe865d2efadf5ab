import {
  aesGcmCipher,
  type CredentialDeps,
  type CredentialStore,
  createMemoryCredentialStore,
  createMemoryKeyStore,
  createMemoryThrottleStore,
  createSelfProvisioning,
  type EventStore,
  type KeyStore,
  type Runtime,
  type SecretHasher,
  type SelfProvisioning,
  type StoreError,
  systemRuntime,
  type ThrottleStore,
  withPersonalDataProtection,
} from '@selfprov/core';
import { createDomainGateway, type IvrGateway } from '@selfprov/ivr';
import { createScryptHasher } from '@selfprov/node';
import { createSelfCare, type SelfCare } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import { type AdminCredentials, createAdminCredentials } from './adminCredentials.js';
import { type OpenedStore, openStore } from './openStore.js';
import { bindPhoneDirectory, bindSelfCareCredentials } from './selfCareBindings.js';

/** Where secrets and personal-data keys live; durable stores provide their own. */
export interface SecurityStores {
  readonly credentials: CredentialStore;
  readonly throttle: ThrottleStore;
  readonly keys: KeyStore;
}

export interface SelfprovOptions {
  /** A store URL (`sqlite:...`, `memory:`, `postgres://...`, `kurrentdb://...`) or an opened store. */
  readonly store: string | OpenedStore;
  readonly runtime?: Runtime;
  /** Default: scrypt with OWASP parameters. */
  readonly hasher?: SecretHasher;
}

/** The whole backend, assembled: what the HTTP, SIP and terminal transports drive. */
export interface Selfprov {
  /** The event log as the application sees it: personal data encrypted per user on the way in. */
  readonly events: EventStore;
  readonly store: OpenedStore;
  readonly runtime: Runtime;
  readonly selfProvisioning: SelfProvisioning;
  readonly credentials: CredentialDeps;
  /** An administrator's credential operations (PINs, password, authentication code, unlock), recorded in the log. */
  readonly adminCredentials: AdminCredentials;
  readonly keys: KeyStore;
  readonly selfCare: SelfCare;
  readonly ivrGateway: IvrGateway;
  /** Whether secrets and personal-data keys outlive the process (false: in-memory, e.g. `memory:`). */
  readonly durableSecrets: boolean;
  close(): Promise<void>;
}

/**
 * Opens the store and wires every part together: the self-provisioning domain,
 * the credentials module (one policy and throttle for the IVR and self-care),
 * personal-data protection, self-care bound to the provisioning read models, and
 * the IVR gateway. Read models are caught up before this resolves.
 */
export const createSelfprov = async (options: SelfprovOptions): Promise<E.Either<StoreError, Selfprov>> => {
  const runtime = options.runtime ?? systemRuntime();
  const opened = typeof options.store === 'string' ? await openStore(options.store, { runtime }) : E.right(options.store);
  if (E.isLeft(opened)) return opened;
  const store = opened.right;
  const security: SecurityStores = store.security ?? {
    credentials: createMemoryCredentialStore(),
    throttle: createMemoryThrottleStore(),
    keys: createMemoryKeyStore(runtime.random),
  };
  const events = withPersonalDataProtection(store.events, { keys: security.keys, cipher: aesGcmCipher() });
  const credentials: CredentialDeps = {
    store: security.credentials,
    throttle: security.throttle,
    hasher: options.hasher ?? createScryptHasher(),
    clock: runtime.clock,
  };
  const selfProvisioning = createSelfProvisioning({ store: events, runtime, checkpoints: store.checkpoints });
  const started = await selfProvisioning.start()();
  if (E.isLeft(started)) {
    await store.close();
    return started;
  }
  const selfCare = createSelfCare({
    store: events,
    runtime,
    phones: bindPhoneDirectory(selfProvisioning),
    credentials: bindSelfCareCredentials(credentials),
  });
  const ivrGateway = createDomainGateway({ selfProvisioning, credentials, store: events, runtime });
  return E.right({
    events,
    store,
    runtime,
    selfProvisioning,
    credentials,
    adminCredentials: createAdminCredentials({ events, credentials, selfProvisioning, selfCare, runtime }),
    keys: security.keys,
    selfCare,
    ivrGateway,
    durableSecrets: store.security !== undefined,
    close: () => store.close(),
  });
};
