import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import type { EventStore, Subscription } from '../../kernel/eventstore/port.js';
import { type CheckpointStore, createProjectionRunner, type ProjectionRunner } from '../../kernel/projection/projection.js';
import type { ApplicationUserState } from '../applicationUser/decider.js';
import type { ClusterState } from '../cluster/decider.js';
import type { CtiRoutePointState } from '../ctiRoutePoint/decider.js';
import type { DeviceTemplateState } from '../deviceTemplate/decider.js';
import type { DnHolderData } from '../directoryNumber/events.js';
import type { EndUserState } from '../endUser/decider.js';
import type { FeatureGroupTemplateState } from '../featureGroupTemplate/decider.js';
import type { LineTemplateState } from '../lineTemplate/decider.js';
import type { PhoneState } from '../phone/decider.js';
import type { UserProfileState } from '../userProfile/decider.js';
import { type ConfigurationReadModel, configurationProjection } from './configuration.js';
import { type DirectoryNumbersReadModel, directoryNumbersProjection } from './directoryNumbers.js';
import { type DnRange, freeNumbers } from './freeNumbers.js';
import { type PhonesReadModel, phonesProjection } from './phones.js';
import { indexKey, type UsersReadModel, usersProjection } from './users.js';

export { type ConfigurationReadModel, configurationProjection, emptyConfiguration } from './configuration.js';
export { type DirectoryNumbersReadModel, directoryNumbersProjection, emptyDirectoryNumbers } from './directoryNumbers.js';
export { type DnRange, freeNumbers, inRange, rangeSize } from './freeNumbers.js';
export { emptyPhones, type PhonesReadModel, phonesProjection } from './phones.js';
export { emptyUsers, indexKey, type UsersReadModel, usersProjection } from './users.js';

/** Every projection of the self-provisioning domain. */
export const selfProvisioningProjections = [
  configurationProjection,
  usersProjection,
  phonesProjection,
  directoryNumbersProjection,
] as const;

const own = <V>(table: Record<string, V>, key: string): V | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);
const existing = <V extends { readonly exists: boolean }>(table: Record<string, V>, key: string): V | undefined => {
  const v = own(table, key);
  return v?.exists ? v : undefined;
};

/**
 * The read side the workflows and the facade consult. Queries answer from the
 * last caught-up position; `catchUp` folds everything the store holds now
 * (other processes' writes included).
 */
export interface ReadModels {
  /** Loads checkpoints (when a checkpoint store was given) and catches every model up. */
  start(): TE.TaskEither<StoreError, void>;
  /** Folds every event up to the store's head into every model. */
  catchUp(): TE.TaskEither<StoreError, void>;
  /** Follows the log live (for a long-running server); close the subscriptions to stop. */
  follow(onError?: (e: StoreError) => void): readonly Subscription[];
  /** Stores every model's checkpoint and snapshot now. */
  saveCheckpoints(): TE.TaskEither<StoreError, void>;

  user(userId: string): EndUserState | undefined;
  users(): readonly EndUserState[];
  usersBySelfProvisioningId(clusterId: string, selfProvisioningId: string): readonly EndUserState[];
  usersByPrimaryExtension(clusterId: string, primaryExtension: string): readonly EndUserState[];

  phone(deviceName: string): PhoneState | undefined;
  phones(): readonly PhoneState[];
  phonesOf(userId: string): readonly PhoneState[];

  heldDirectoryNumbers(clusterId: string): Readonly<Record<string, DnHolderData>>;
  /**
   * Free numbers of the cluster's auto-registration range, lowest first: in range,
   * not held, and not set aside (a route point's DN, an end user's primary extension).
   */
  freeDirectoryNumbers(clusterId: string, max?: number): readonly string[];
  lowestFreeDirectoryNumber(clusterId: string): string | undefined;

  cluster(clusterId: string): ClusterState | undefined;
  clusters(): readonly ClusterState[];
  ctiRoutePoint(name: string): CtiRoutePointState | undefined;
  applicationUser(userId: string): ApplicationUserState | undefined;
  deviceTemplate(name: string): DeviceTemplateState | undefined;
  lineTemplate(name: string): LineTemplateState | undefined;
  userProfile(name: string): UserProfileState | undefined;
  featureGroupTemplate(name: string): FeatureGroupTemplateState | undefined;

  /** The raw models (read-only use). */
  readonly models: {
    configuration(): ConfigurationReadModel;
    users(): UsersReadModel;
    phones(): PhonesReadModel;
    directoryNumbers(): DirectoryNumbersReadModel;
  };
}

export interface ReadModelsOptions {
  readonly store: EventStore;
  /** Where checkpoints and snapshots are kept; without it, models are folded from zero on start. */
  readonly checkpoints?: CheckpointStore;
}

const sequence =
  (tasks: readonly TE.TaskEither<StoreError, unknown>[]): TE.TaskEither<StoreError, void> =>
  async () => {
    for (const task of tasks) {
      const r = await task();
      if (E.isLeft(r)) return r;
    }
    return E.right(undefined);
  };

/** Creates the read models of the self-provisioning domain over `store`. */
export const createReadModels = ({ store, checkpoints }: ReadModelsOptions): ReadModels => {
  const runner = <S>(projection: Parameters<typeof createProjectionRunner<S>>[0]['projection']): ProjectionRunner<S> =>
    createProjectionRunner({ store, projection, ...(checkpoints ? { checkpoints } : {}) });
  const configuration = runner(configurationProjection);
  const users = runner(usersProjection);
  const phones = runner(phonesProjection);
  const dns = runner(directoryNumbersProjection);
  const all: readonly ProjectionRunner<unknown>[] = [configuration, users, phones, dns];

  const held = (clusterId: string) => own(dns.state().held, clusterId) ?? {};

  const setAside = (clusterId: string): Set<string> => {
    const out = new Set<string>();
    for (const rp of Object.values(configuration.state().ctiRoutePoints))
      if (rp.exists && rp.clusterId === clusterId && rp.line1Dn !== undefined) out.add(rp.line1Dn);
    for (const u of Object.values(users.state().byId))
      if (u.clusterId === clusterId && u.primaryExtension !== undefined) out.add(u.primaryExtension);
    return out;
  };

  const rangeOf = (clusterId: string): DnRange | undefined => {
    const a = existing(configuration.state().clusters, clusterId)?.autoRegistration;
    return a?.startDn !== undefined && a.endDn !== undefined ? { startDn: a.startDn, endDn: a.endDn } : undefined;
  };

  const free = (clusterId: string, max?: number): string[] => {
    const range = rangeOf(clusterId);
    if (range === undefined) return [];
    const h = held(clusterId);
    const aside = setAside(clusterId);
    return freeNumbers(range, (dn) => Object.hasOwn(h, dn) || aside.has(dn), max);
  };

  const usersAt = (index: Record<string, string[]>, key: string): EndUserState[] =>
    (own(index, key) ?? []).flatMap((id) => {
      const u = own(users.state().byId, id);
      return u ? [u] : [];
    });

  return {
    start: () => sequence(all.map((r) => r.start())),
    catchUp: () => async () => {
      // One read instead of four when nothing was written since: every model has folded up to its
      // position, so an empty log after the lowest one leaves nothing to fold. (A failed probe or
      // anything new takes the usual path, which reports the error or folds.)
      const probe = await store.readAll({ after: Math.min(...all.map((r) => r.position())), maxCount: 1 })();
      if (E.isRight(probe) && probe.right.length === 0) return E.right(undefined);
      return sequence(all.map((r) => r.catchUp()))();
    },
    follow: (onError) => all.map((r) => r.follow(onError)),
    saveCheckpoints: () => sequence(all.map((r) => r.saveCheckpoint())),

    user: (userId) => existing(users.state().byId, userId),
    users: () => Object.values(users.state().byId),
    usersBySelfProvisioningId: (clusterId, id) => usersAt(users.state().bySelfProvisioningId, indexKey(clusterId, id)),
    usersByPrimaryExtension: (clusterId, dn) => usersAt(users.state().byPrimaryExtension, indexKey(clusterId, dn)),

    phone: (deviceName) => existing(phones.state().byDeviceName, deviceName),
    phones: () => Object.values(phones.state().byDeviceName),
    phonesOf: (userId) =>
      (own(phones.state().byOwner, userId) ?? []).flatMap((d) => {
        const p = existing(phones.state().byDeviceName, d);
        return p ? [p] : [];
      }),

    heldDirectoryNumbers: held,
    freeDirectoryNumbers: (clusterId, max) => free(clusterId, max),
    lowestFreeDirectoryNumber: (clusterId) => free(clusterId, 1)[0],

    cluster: (id) => existing(configuration.state().clusters, id),
    clusters: () => Object.values(configuration.state().clusters).filter((c) => c.exists),
    ctiRoutePoint: (name) => existing(configuration.state().ctiRoutePoints, name),
    applicationUser: (id) => existing(configuration.state().applicationUsers, id),
    deviceTemplate: (name) => existing(configuration.state().deviceTemplates, name),
    lineTemplate: (name) => existing(configuration.state().lineTemplates, name),
    userProfile: (name) => existing(configuration.state().userProfiles, name),
    featureGroupTemplate: (name) => existing(configuration.state().featureGroupTemplates, name),

    models: {
      configuration: () => configuration.state(),
      users: () => users.state(),
      phones: () => phones.state(),
      directoryNumbers: () => dns.state(),
    },
  };
};
