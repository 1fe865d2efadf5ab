import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Actor, RecordedEvent } from '../kernel/eventstore/envelope.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import type { EventStore } from '../kernel/eventstore/port.js';
import { describeStream, type StreamCatalogue, type StreamSubject } from '../kernel/streamCatalogue.js';
import { provisioningStreamCatalogue } from '../provisioning/shared/streams.js';

/** Whose history an auditor asks for. */
export type TrailSubject =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'device'; readonly deviceName: string }
  | { readonly kind: 'dn'; readonly directoryNumber: string };

type Data = Record<string, unknown>;
const holderOf = (data: Data): Data | undefined =>
  typeof data.holder === 'object' && data.holder !== null ? (data.holder as Data) : undefined;
const linesOf = (data: Data): readonly Data[] =>
  Array.isArray(data.lines) ? (data.lines as unknown[]).filter((l): l is Data => typeof l === 'object' && l !== null) : [];

/**
 * Does the event concern the subject? A user: events of their own streams, events naming them (as
 * user, owner, previous or new owner, DN holder), and what they did themselves or had done on their
 * behalf. A device: its streams and events naming it (replacement, DN holder). A directory number:
 * its reservation streams and events giving, changing or releasing it. Whose a stream is comes from
 * `catalogue` (kernel/streamCatalogue.ts): the composition root passes the merged catalogue of every
 * package, so the streams of self-care count too; by default only the provisioning domain's.
 */
export const concerns = (
  event: RecordedEvent,
  subject: TrailSubject,
  catalogue: StreamCatalogue = provisioningStreamCatalogue,
): boolean => {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Data;
  const stream = describeStream(catalogue, event.streamId);
  const owns = (kind: StreamSubject, id: string) => stream?.subject === kind && stream.subjectId === id;
  switch (subject.kind) {
    case 'user': {
      const u = subject.userId;
      const actor = event.metadata.actor;
      return (
        owns('user', u) ||
        data.userId === u ||
        data.owner === u ||
        data.previousOwner === u ||
        data.newOwner === u ||
        holderOf(data)?.userId === u ||
        actor.onBehalfOf === u ||
        (actor.kind === 'user' && actor.id === u)
      );
    }
    case 'device': {
      const d = subject.deviceName;
      return (
        owns('device', d) ||
        data.deviceName === d ||
        data.replaces === d ||
        data.replacedBy === d ||
        holderOf(data)?.deviceName === d ||
        (event.metadata.actor.kind === 'device' && event.metadata.actor.id === d)
      );
    }
    case 'dn': {
      const n = subject.directoryNumber;
      return (
        owns('directory-number', n) ||
        data.directoryNumber === n ||
        data.primaryExtension === n ||
        data.releasedDirectoryNumber === n ||
        data.dn === n ||
        data.line1Dn === n ||
        linesOf(data).some((l) => l.dn === n)
      );
    }
  }
};

/** `kind:id`, with `for <user>` when an administrator acted on someone's behalf. */
export const describeActor = (actor: Actor): string => `${actor.kind}:${actor.id}${actor.onBehalfOf ? ` for ${actor.onBehalfOf}` : ''}`;

const scalar = (v: unknown): string =>
  v === null ? 'null' : typeof v === 'string' ? (/[\s=]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v);

/** Personal fields as the caller opened them (clear, `[erased]`, or still sealed). */
const personalOf = (data: Data): string[] => {
  const p = data.personal;
  if (typeof p !== 'object' || p === null) return [];
  const personal = p as Data;
  if (personal.$encrypted !== undefined) return ['personal=(encrypted)'];
  const out: string[] = [];
  const name = [personal.firstName, personal.lastName].filter((x) => typeof x === 'string');
  if (name.length > 0) out.push(`name=${scalar(name.join(' '))}`);
  for (const [k, v] of Object.entries(personal))
    if (k !== 'firstName' && k !== 'lastName' && k !== '$erased' && v !== undefined) out.push(`${k}=${scalar(v)}`);
  return out;
};

const lines = (data: Data): string[] => linesOf(data).map((l) => `line${String(l.index)}=${String(l.dn)}`);
const opt = (label: string, v: unknown): string[] => (v === undefined ? [] : [`${label}=${scalar(v)}`]);

/** Short descriptions of the domain's events; anything else falls back to its scalar fields. */
const describers: Record<string, (d: Data) => string[]> = {
  PhoneAutoRegistered: (d) => [
    ...opt('device', d.deviceName),
    ...opt('mac', d.mac),
    ...opt('model', d.model),
    ...opt('dn', d.directoryNumber),
    ...opt('cluster', d.clusterId),
  ],
  PhoneProvisioned: (d) => [
    ...opt('device', d.deviceName),
    ...opt('owner', d.owner),
    ...lines(d),
    ...opt('previousOwner', d.previousOwner),
    ...opt('replaces', d.replaces),
    ...opt('released', d.releasedDirectoryNumber),
    ...opt('template', d.deviceTemplate),
  ],
  PhoneRegistered: (d) => opt('device', d.deviceName),
  PhoneUnregistered: (d) => opt('device', d.deviceName),
  PhoneResetRequested: (d) => [...opt('device', d.deviceName), ...opt('reason', d.reason)],
  PhoneReplaced: (d) => [...opt('device', d.deviceName), ...opt('replacedBy', d.replacedBy), ...opt('disposition', d.disposition)],
  PhoneRemoved: (d) => [...opt('device', d.deviceName), ...opt('reason', d.reason)],
  EndUserCreated: (d) => [
    ...opt('user', d.userId),
    ...personalOf(d),
    ...opt('ext', d.primaryExtension),
    ...opt('spId', d.selfProvisioningId),
    ...opt('profile', d.userProfile),
    ...opt('cluster', d.clusterId),
  ],
  PersonalDetailsChanged: (d) => [...opt('user', d.userId), ...personalOf(d)],
  PrimaryExtensionChanged: (d) => [
    ...opt('user', d.userId),
    `ext=${d.primaryExtension === undefined ? '(none)' : scalar(d.primaryExtension)}`,
  ],
  SelfProvisioningIdChanged: (d) => [
    ...opt('user', d.userId),
    `spId=${d.selfProvisioningId === undefined ? '(default)' : scalar(d.selfProvisioningId)}`,
  ],
  UserProfileChanged: (d) => [...opt('user', d.userId), ...opt('profile', d.userProfile), ...opt('featureGroup', d.featureGroupTemplate)],
  PhoneAssignedToUser: (d) => [...opt('user', d.userId), ...opt('device', d.deviceName)],
  PhoneUnassignedFromUser: (d) => [
    ...opt('user', d.userId),
    ...opt('device', d.deviceName),
    ...opt('reason', d.reason),
    ...opt('newOwner', d.newOwner),
  ],
  DirectoryNumberReserved: (d) => [...opt('dn', d.directoryNumber), ...holder(d), ...opt('cluster', d.clusterId)],
  DirectoryNumberReleased: (d) => [...opt('dn', d.directoryNumber), ...holder(d), ...opt('cluster', d.clusterId)],
};

function holder(d: Data): string[] {
  const h = holderOf(d);
  if (!h) return [];
  return [`holder=${String(h.kind)}:${String(h.kind === 'phone' ? h.deviceName : h.userId)}`];
}

const MAX_VALUE = 60;

/** Every scalar top-level field (long values cut), personal fields included: the fallback description. */
const generic = (d: Data): string[] => {
  const out: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (k === 'personal') out.push(...personalOf(d));
    else if (v === null || typeof v !== 'object') {
      const text = scalar(v);
      out.push(`${k}=${text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text}`);
    } else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) out.push(`${k}=${scalar(v.join(','))}`);
    else out.push(`${k}=…`);
  }
  return out;
};

/** What changed, in one line: the event type and its telling fields (`PhoneProvisioned owner=alice line1=2001`). */
export const describeEvent = (event: Pick<RecordedEvent, 'type' | 'data'>): string => {
  const data = (typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data) ? event.data : {}) as Data;
  const fields = (describers[event.type] ?? generic)(data);
  return [event.type, ...fields].join(' ');
};

/** One line of an audit trail. */
export interface TrailEntry {
  readonly at: string;
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly actor: Actor;
  readonly channel: string;
  readonly change: string;
}

export const trailEntry = (event: RecordedEvent): TrailEntry => ({
  at: event.occurredAt,
  globalPosition: event.globalPosition,
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  eventId: event.eventId,
  type: event.type,
  actor: event.metadata.actor,
  channel: event.metadata.channel,
  change: describeEvent(event),
});

/** Options of {@link findTrail}. */
export interface TrailOptions {
  /** Only events with `occurredAt >= since` / `<= until` (ISO-8601). */
  readonly since?: string;
  readonly until?: string;
  readonly pageSize?: number;
  /** Whose each stream is (default: the provisioning domain's streams only; see {@link concerns}). */
  readonly catalogue?: StreamCatalogue;
  /** Called for each page with the matching events (in global order), so a caller can print as it goes. */
  readonly onEvents: (events: readonly RecordedEvent[]) => Promise<void> | void;
}

/** Streams the log and hands over every event that concerns `subject`, in global order. Answers how many matched. */
export const findTrail =
  (store: EventStore, subject: TrailSubject, options: TrailOptions): TE.TaskEither<StoreError, number> =>
  async () => {
    const pageSize = options.pageSize ?? 1000;
    let after = 0;
    let matched = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: pageSize })();
      if (E.isLeft(page)) return page;
      const hits = page.right.filter(
        (e) =>
          (options.since === undefined || e.occurredAt >= options.since) &&
          (options.until === undefined || e.occurredAt <= options.until) &&
          concerns(e, subject, options.catalogue),
      );
      if (hits.length > 0) await options.onEvents(hits);
      matched += hits.length;
      const last = page.right[page.right.length - 1];
      if (last === undefined || page.right.length < pageSize) break;
      after = last.globalPosition;
    }
    return E.right(matched);
  };
