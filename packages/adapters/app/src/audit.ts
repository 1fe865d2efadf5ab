import {
  type Actor,
  type Anchor,
  type AuditUser,
  type AuditView,
  aesGcmCipher,
  auditView,
  type ChainVerifier,
  type Channel,
  createChainVerifier,
  createMemoryKeyStore,
  createPersonalDataReader,
  type EventStore,
  findTrail,
  type JsonValue,
  type KeyStore,
  type RecordedEvent,
  type ReplayExtension,
  recordPersonalDataErasure,
  replayAt,
  type StoreError,
  storeUnavailable,
  systemRuntime,
  type TrailEntry,
  type TrailSubject,
  trailEntry,
  usersProjection,
  type VerifyReport,
  verifyStore,
} from '@selfprov/core';
import { nodeSha256Hex } from '@selfprov/node';
import {
  emptyView,
  evolveView,
  type LineSettingsState,
  type PhoneSettingsState,
  type SelfCareView,
  type SingleNumberReachState,
} from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import type { OpenedStore } from './openStore.js';
import { selfprovStreamCatalogue } from './streamCatalogue.js';

/**
 * The auditor's tools over an opened store (`openStore`): they read the RAW log (hashes cover
 * events as stored, personal data encrypted), stream it page by page, and open personal data only
 * for what they show. See docs/audit.md.
 */

const keysOf = (store: OpenedStore): KeyStore => store.security?.keys ?? createMemoryKeyStore(systemRuntime().random);

/** Verifies every stream's hash chain and the global log (see `verifyStore`), with the native SHA-256. */
export const verifyLog = async (
  store: OpenedStore,
  options: {
    readonly anchors?: readonly Anchor[];
    readonly onProgress?: (position: number, events: number) => void;
    readonly pageSize?: number;
    /** Receives the verifier, e.g. to save its `heads()` as anchors afterwards. */
    readonly verifier?: ChainVerifier;
  } = {},
): Promise<E.Either<StoreError, VerifyReport>> => {
  const verifier =
    options.verifier ?? createChainVerifier({ digest: nodeSha256Hex, ...(options.anchors ? { anchors: options.anchors } : {}) });
  return verifyStore(store.events, {
    verifier,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })();
};

/** Creates a verifier with the native SHA-256 (to keep its `heads()` for anchoring). */
export const createLogVerifier = (anchors?: readonly Anchor[]): ChainVerifier =>
  createChainVerifier({ digest: nodeSha256Hex, ...(anchors ? { anchors } : {}) });

/** Self-care settings at the instant: phones, lines and single number reach that someone changed. */
export interface AuditSettings {
  readonly phones: Readonly<Record<string, PhoneSettingsState>>;
  readonly lines: Readonly<Record<string, LineSettingsState>>;
  readonly singleNumberReach: Readonly<Record<string, SingleNumberReachState>>;
}

/** What `replayLog` rebuilds: the domain's view (personal data opened) and self-care settings. */
export interface AuditReplay extends AuditView {
  /** Events read from the log (including those after the instant, which were skipped). */
  readonly eventsRead: number;
  readonly settings: AuditSettings;
}

/** A self-care view folded beside the domain's read models, from the same pages. */
const selfCareExtension = (): ReplayExtension & { view: SelfCareView } => {
  const ext = {
    view: emptyView(),
    apply: (event: RecordedEvent) => {
      ext.view = evolveView(ext.view, event);
    },
  };
  return ext;
};

const FAKE: Omit<RecordedEvent, 'data'> = {
  type: 'Personal',
  metadata: { actor: { kind: 'system', id: 'audit' }, channel: 'system' },
  eventId: '00000000-0000-4000-8000-000000000000',
  schemaVersion: 1,
  occurredAt: '1970-01-01T00:00:00.000Z',
  streamId: 'audit',
  streamVersion: 0,
  globalPosition: 0,
};

/** Opens sealed `personal` objects (the users', the alternate numbers') with the store's keys. */
const personalOpener = (store: OpenedStore) => {
  const read = createPersonalDataReader({ keys: keysOf(store), cipher: aesGcmCipher() });
  return async (userId: string, personal: unknown): Promise<E.Either<StoreError, JsonValue>> => {
    const opened = await read([{ ...FAKE, data: { userId, personal: personal as JsonValue } }]);
    if (E.isLeft(opened)) return opened;
    return E.right(((opened.right[0]?.data as { personal?: JsonValue } | undefined)?.personal ?? null) as JsonValue);
  };
};

/**
 * Rebuilds the read models as they were at instant `at` (ISO-8601; undefined: now) from the raw log:
 * users (personal data opened, or `[erased]`), phones with owners since when and lines, cluster
 * settings, held directory numbers, and self-care settings.
 */
export const replayLog = async (
  store: OpenedStore,
  at: string | undefined,
  options: { readonly onProgress?: (position: number, events: number) => void; readonly pageSize?: number } = {},
): Promise<E.Either<StoreError, AuditReplay>> => {
  const selfCare = selfCareExtension();
  const state = await replayAt(store.events, at, {
    extensions: [selfCare],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })();
  if (E.isLeft(state)) return state;
  const view = auditView(state.right, at);
  const open = personalOpener(store);
  const users: AuditUser[] = [];
  for (const user of view.users) {
    const personal = await open(user.userId, user.personal);
    if (E.isLeft(personal)) return personal;
    users.push({ ...user, personal: personal.right as unknown as AuditUser['personal'] });
  }
  const snr: Record<string, SingleNumberReachState> = {};
  for (const [userId, s] of selfCare.view.snr) {
    const alternateNumbers = [];
    for (const n of s.alternateNumbers) {
      const personal = (n as { personal?: unknown }).personal;
      if (personal === undefined) {
        alternateNumbers.push(n);
        continue;
      }
      const opened = await open(userId, personal);
      if (E.isLeft(opened)) return opened;
      alternateNumbers.push({ ...n, personal: opened.right } as typeof n);
    }
    snr[userId] = { ...s, alternateNumbers };
  }
  return E.right({
    ...view,
    users,
    eventsRead: state.right.eventsRead,
    settings: {
      phones: Object.fromEntries(selfCare.view.phones),
      lines: Object.fromEntries(selfCare.view.lines),
      singleNumberReach: snr,
    },
  });
};

/**
 * Every change concerning a user, a device or a directory number, in global order, with personal
 * data opened (or `[erased]`). `onEntry` receives each entry as the log is streamed.
 */
export const trailOf = async (
  store: OpenedStore,
  subject: TrailSubject,
  options: { readonly since?: string; readonly until?: string; readonly onEntry: (entry: TrailEntry) => void | Promise<void> },
): Promise<E.Either<StoreError, number>> => {
  const read = createPersonalDataReader({ keys: keysOf(store), cipher: aesGcmCipher() });
  return findTrail(store.events, subject, {
    catalogue: selfprovStreamCatalogue,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
    onEvents: async (events) => {
      const opened = await read(events);
      // A key store that cannot be read must not hide the entries: show them with personal data still sealed.
      for (const event of E.isRight(opened) ? opened.right : events) await options.onEntry(trailEntry(event));
    },
  })();
};

/**
 * The whole log, as stored (personal data encrypted: the export re-verifies offline), page by page.
 * `onEvent` may return a promise (back-pressure of the writer).
 */
export const exportLog = async (
  store: OpenedStore,
  options: {
    readonly onEvent: (event: RecordedEvent) => void | Promise<void>;
    readonly onProgress?: (position: number, events: number) => void;
    readonly pageSize?: number;
  },
): Promise<E.Either<StoreError, number>> => {
  const pageSize = options.pageSize ?? 1000;
  let after = 0;
  let count = 0;
  for (;;) {
    const page = await store.events.readAll({ after, maxCount: pageSize })();
    if (E.isLeft(page)) return page;
    for (const event of page.right) await options.onEvent(event);
    count += page.right.length;
    const last = page.right[page.right.length - 1];
    if (last === undefined) break;
    after = last.globalPosition;
    options.onProgress?.(after, count);
    if (page.right.length < pageSize) break;
  }
  return E.right(count);
};

/** The head of the log: its last global position (0 when empty), for progress bars. */
export const headPosition = async (events: EventStore): Promise<E.Either<StoreError, number>> => {
  const last = await events.readAll({ direction: 'backward', maxCount: 1 })();
  return E.isLeft(last) ? last : E.right(last.right[0]?.globalPosition ?? 0);
};

/** What an erasure did. */
export interface ErasureReport {
  readonly userId: string;
  /** Whether a personal-data key existed (false: never created, or erased before). */
  readonly keyDeleted: boolean;
  readonly credentialsRemoved: number;
  /** The `PersonalDataErased` event recorded on the user's stream. */
  readonly event: RecordedEvent;
}

/**
 * Erases a user's personal data by crypto-shredding: deletes their key (every encrypted field then
 * reads `[erased]`, forever) and their credentials, drops the stored snapshot of the users read model
 * (it held their personal data in clear; it is rebuilt from the log on the next start), and records
 * `PersonalDataErased` on `user-<id>` (who, when, through which channel). The events themselves, and
 * so the hash chains, are untouched.
 */
export const eraseUser = async (
  store: OpenedStore,
  userId: string,
  by: { readonly actor: Actor; readonly channel: Channel; readonly commandId?: string },
): Promise<E.Either<StoreError, ErasureReport>> => {
  if (store.security === undefined)
    return E.left(
      storeUnavailable(
        `${store.description} keeps no durable personal-data keys or credentials: there is nothing to erase outside this process`,
        false,
      ),
    );
  const keyDeleted = await store.security.keys.erase(userId)();
  if (E.isLeft(keyDeleted)) return keyDeleted;
  const removed = await store.security.credentials.remove(userId)();
  if (E.isLeft(removed))
    return E.left(storeUnavailable(`the credentials of ${userId} could not be removed: ${removed.left.message}`, true));
  // A stored snapshot of another version is discarded on start, and this one holds no state.
  const dropped = await store.checkpoints.save({ projection: usersProjection.name, version: 0, position: 0 })();
  if (E.isLeft(dropped)) return dropped;
  const runtime = systemRuntime();
  const recorded = await recordPersonalDataErasure(
    { store: store.events, runtime },
    { userId, keyDeleted: keyDeleted.right, credentialsRemoved: removed.right },
    { actor: by.actor, channel: by.channel, commandId: by.commandId ?? runtime.ids.uuid() },
  )();
  if (E.isLeft(recorded)) return recorded;
  const event = recorded.right.events[0] as RecordedEvent;
  return E.right({ userId, keyDeleted: keyDeleted.right, credentialsRemoved: removed.right, event });
};
