import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Actor, Channel, RecordedEvent } from '../kernel/eventstore/envelope.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import type { EventStore } from '../kernel/eventstore/port.js';
import type { ClusterState } from '../provisioning/cluster/decider.js';
import type { EndUserState } from '../provisioning/endUser/decider.js';
import type { PhoneState } from '../provisioning/phone/decider.js';
import { type ConfigurationReadModel, configurationProjection } from '../provisioning/readModels/configuration.js';
import { type DirectoryNumbersReadModel, directoryNumbersProjection } from '../provisioning/readModels/directoryNumbers.js';
import { type PhonesReadModel, phonesProjection } from '../provisioning/readModels/phones.js';
import { type UsersReadModel, usersProjection } from '../provisioning/readModels/users.js';

/** Which event made someone the current owner of a phone (the auditor's "since when"). */
export interface Ownership {
  readonly owner: string;
  /** `occurredAt` of that event. */
  readonly since: string;
  readonly globalPosition: number;
  readonly eventType: string;
  readonly actor: Actor;
  readonly channel: Channel;
}

/** The domain's read models at one instant, plus who owns which phone since when and each user's creation time. */
export interface ReplayState {
  readonly configuration: ConfigurationReadModel;
  readonly users: UsersReadModel;
  readonly phones: PhonesReadModel;
  readonly directoryNumbers: DirectoryNumbersReadModel;
  readonly ownership: ReadonlyMap<string, Ownership>;
  readonly userSince: ReadonlyMap<string, string>;
  /** Events folded in (those with `occurredAt <= at`), and the last one's position and time. */
  readonly eventsApplied: number;
  readonly eventsRead: number;
  readonly lastPosition: number;
  readonly lastOccurredAt?: string;
}

/** A fold of the log into every read model of the domain, in global order. */
export interface Replay {
  /** Folds one event (call in global order). */
  apply(event: RecordedEvent): void;
  state(): ReplayState;
}

/** A fold of further read models beside the domain's (e.g. self-care's), fed the same events. */
export interface ReplayExtension {
  apply(event: RecordedEvent): void;
}

const PHONE_EVENTS = new Set([
  'PhoneAutoRegistered',
  'PhoneRegistered',
  'PhoneUnregistered',
  'PhoneProvisioned',
  'PhoneResetRequested',
  'PhoneReplaced',
  'PhoneRemoved',
]);

/**
 * Creates a replay: the domain's four read models folded with their own `evolve` (so the result is
 * exactly what the running system showed), and phone ownership tracked with the event that gave it.
 */
export const createReplay = (): Replay => {
  const configuration = configurationProjection.initialState();
  const users = usersProjection.initialState();
  const phones = phonesProjection.initialState();
  const directoryNumbers = directoryNumbersProjection.initialState();
  const ownership = new Map<string, Ownership>();
  const userSince = new Map<string, string>();
  let eventsApplied = 0;
  let lastPosition = 0;
  let lastOccurredAt: string | undefined;

  const apply = (event: RecordedEvent): void => {
    eventsApplied += 1;
    lastPosition = event.globalPosition;
    lastOccurredAt = event.occurredAt;
    const type = event.type;
    if (PHONE_EVENTS.has(type)) {
      const deviceName = (event.data as { deviceName?: unknown }).deviceName;
      const before = typeof deviceName === 'string' ? phones.byDeviceName[deviceName]?.owner : undefined;
      phonesProjection.evolve(phones, event);
      if (typeof deviceName === 'string') {
        const after = phones.byDeviceName[deviceName]?.owner;
        if (after === undefined) ownership.delete(deviceName);
        else if (after !== before || !ownership.has(deviceName))
          ownership.set(deviceName, {
            owner: after,
            since: event.occurredAt,
            globalPosition: event.globalPosition,
            eventType: type,
            actor: event.metadata.actor,
            channel: event.metadata.channel,
          });
      }
      return;
    }
    if (type === 'DirectoryNumberReserved' || type === 'DirectoryNumberReleased') {
      directoryNumbersProjection.evolve(directoryNumbers, event);
      return;
    }
    if (type === 'EndUserCreated') {
      const userId = (event.data as { userId?: unknown }).userId;
      if (typeof userId === 'string' && !userSince.has(userId)) userSince.set(userId, event.occurredAt);
    }
    // Every other event may belong to a user, or to a configuration stream: both folds filter for themselves.
    usersProjection.evolve(users, event);
    configurationProjection.evolve(configuration, event);
  };

  return {
    apply,
    state: () => ({
      configuration,
      users,
      phones,
      directoryNumbers,
      ownership,
      userSince,
      eventsApplied,
      eventsRead: eventsApplied,
      lastPosition,
      ...(lastOccurredAt === undefined ? {} : { lastOccurredAt }),
    }),
  };
};

/** Options of {@link replayAt}. */
export interface ReplayAtOptions {
  /** Events per `readAll` page (default 1000): memory holds one page and the read models, never the log. */
  readonly pageSize?: number;
  /** Further folds fed the same events (self-care settings...). */
  readonly extensions?: readonly ReplayExtension[];
  /** Called after each page with the last position read and the number of events read. */
  readonly onProgress?: (position: number, eventsRead: number) => void;
}

/**
 * Rebuilds the read models as they were at instant `at` (ISO-8601, normalised like `occurredAt`):
 * every event with `occurredAt <= at`, in global order, streaming the log page by page. Later events
 * are read and skipped, so an event recorded late with an earlier `occurredAt` (an import) counts
 * from the time it says it happened. `at` undefined replays everything.
 */
export const replayAt =
  (store: EventStore, at: string | undefined, options: ReplayAtOptions = {}): TE.TaskEither<StoreError, ReplayState> =>
  async () => {
    const replay = createReplay();
    const extensions = options.extensions ?? [];
    const pageSize = options.pageSize ?? 1000;
    let after = 0;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: pageSize })();
      if (E.isLeft(page)) return page;
      const events = page.right;
      for (let i = 0; i < events.length; i++) {
        const event = events[i] as RecordedEvent;
        if (at !== undefined && event.occurredAt > at) continue;
        replay.apply(event);
        for (let j = 0; j < extensions.length; j++) (extensions[j] as ReplayExtension).apply(event);
      }
      read += events.length;
      const last = events[events.length - 1];
      if (last === undefined) break;
      after = last.globalPosition;
      options.onProgress?.(after, read);
      if (events.length < pageSize) break;
    }
    return E.right({ ...replay.state(), eventsRead: read });
  };

/** A phone in an audit view: what it was, who owned it since when, its lines. */
export interface AuditPhone {
  readonly deviceName: string;
  readonly mac: string;
  readonly model: string;
  readonly protocol: string;
  readonly clusterId: string;
  readonly state: PhoneState['state'];
  readonly registered: boolean;
  readonly owner?: string;
  readonly ownerSince?: string;
  /** How the current owner got it: event type, actor and channel. */
  readonly ownerBy?: { readonly eventType: string; readonly actor: Actor; readonly channel: Channel; readonly globalPosition: number };
  readonly lines: readonly { readonly index: number; readonly dn: string; readonly lineTemplate?: string }[];
  readonly deviceTemplate?: string;
  readonly replacedBy?: string;
}

/** A user in an audit view. `personal` is as stored: encrypted until the caller opens it. */
export interface AuditUser {
  readonly userId: string;
  readonly clusterId: string;
  readonly since?: string;
  readonly primaryExtension?: string;
  readonly selfProvisioningId?: string;
  readonly userProfile?: string;
  readonly featureGroupTemplate?: string;
  readonly phones: readonly string[];
  readonly personal: EndUserState['personal'];
}

/** The printable result of a replay: users, phones, and the settings of every cluster. */
export interface AuditView {
  readonly at?: string;
  readonly eventsApplied: number;
  readonly lastPosition: number;
  readonly users: readonly AuditUser[];
  readonly phones: readonly AuditPhone[];
  readonly clusters: readonly ClusterState[];
  readonly directoryNumbers: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** The view of a replay state, sorted by user id and device name. */
export const auditView = (state: ReplayState, at?: string): AuditView => ({
  ...(at === undefined ? {} : { at }),
  eventsApplied: state.eventsApplied,
  lastPosition: state.lastPosition,
  users: Object.values(state.users.byId)
    .filter((u) => u.exists)
    .map((u) => {
      const since = state.userSince.get(u.userId);
      return {
        userId: u.userId,
        clusterId: u.clusterId,
        ...(since === undefined ? {} : { since }),
        ...(u.primaryExtension === undefined ? {} : { primaryExtension: u.primaryExtension }),
        ...(u.selfProvisioningId === undefined ? {} : { selfProvisioningId: u.selfProvisioningId }),
        ...(u.userProfile === undefined ? {} : { userProfile: u.userProfile }),
        ...(u.featureGroupTemplate === undefined ? {} : { featureGroupTemplate: u.featureGroupTemplate }),
        phones: [...u.phones],
        personal: u.personal,
      };
    })
    .sort(byKey((u) => u.userId)),
  phones: Object.values(state.phones.byDeviceName)
    .filter((p) => p.exists)
    .map((p): AuditPhone => {
      const owned = state.ownership.get(p.deviceName);
      return {
        deviceName: p.deviceName,
        mac: p.mac,
        model: p.model,
        protocol: p.protocol,
        clusterId: p.clusterId,
        state: p.state,
        registered: p.registered,
        ...(p.owner === undefined ? {} : { owner: p.owner }),
        ...(owned === undefined || p.owner === undefined
          ? {}
          : {
              ownerSince: owned.since,
              ownerBy: { eventType: owned.eventType, actor: owned.actor, channel: owned.channel, globalPosition: owned.globalPosition },
            }),
        lines: p.lines.map((l) => ({ ...l })),
        ...(p.deviceTemplate === undefined ? {} : { deviceTemplate: p.deviceTemplate }),
        ...(p.replacedBy === undefined ? {} : { replacedBy: p.replacedBy }),
      };
    })
    .sort(byKey((p) => p.deviceName)),
  clusters: Object.values(state.configuration.clusters)
    .filter((c) => c.exists)
    .sort(byKey((c) => c.clusterId)),
  directoryNumbers: state.directoryNumbers.held,
});
