import type { JsonValue } from '../json.js';

/** Who caused a change. Auditors read this from the envelope alone. */
export interface Actor {
  readonly kind: 'user' | 'administrator' | 'device' | 'system';
  readonly id: string;
  /** Set when an administrator acts on behalf of a selected user. */
  readonly onBehalfOf?: string;
}

/** Through which door a change came in. */
export type Channel = 'ivr' | 'selfcare' | 'admin-api' | 'batch' | 'sip' | 'cli' | 'system';

export const channels: readonly Channel[] = ['ivr', 'selfcare', 'admin-api', 'batch', 'sip', 'cli', 'system'];
export const actorKinds: readonly Actor['kind'][] = ['user', 'administrator', 'device', 'system'];

/** Metadata recorded with every event. */
export interface EventMetadata {
  readonly actor: Actor;
  readonly channel: Channel;
  /** The command that produced the event; command handling is idempotent on it. */
  readonly commandId?: string;
  /** Groups every event of one business transaction (e.g. one IVR call). */
  readonly correlationId?: string;
  /** The command or event that directly caused this one. */
  readonly causationId?: string;
}

/** An event as a caller hands it to the store. */
export interface NewEvent<Type extends string = string, Data extends JsonValue = JsonValue> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** UUID; generated when absent. Re-appending the same ids is a no-op. */
  readonly eventId?: string;
  /** Version of the `data` schema; upcasters lift old versions on read. Default 1. */
  readonly schemaVersion?: number;
  /** ISO-8601 instant; the store's clock is used when absent. */
  readonly occurredAt?: string;
}

/** An event as the store recorded it: the envelope auditors rely on. */
export interface RecordedEvent<Type extends string = string, Data extends JsonValue = JsonValue> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly streamId: string;
  /** 0-based, contiguous within the stream. */
  readonly streamVersion: number;
  /** Strictly increasing across the whole store, starting at 1; usable as a checkpoint. */
  readonly globalPosition: number;
  /**
   * Hash chain (see `hashChain.ts` and docs/audit.md): the `hash` of the stream's previous event,
   * `null` for version 0. Every selfprov store writes both fields (the contract suite checks it);
   * they are absent only on events a foreign tool wrote into a shared KurrentDB, which
   * `selfprov audit verify` reports as unchained.
   */
  readonly prevHash?: string | null;
  /** SHA-256 (hex) of this event's content, its stream version and `prevHash`. */
  readonly hash?: string;
}

/**
 * What a writer expects of a stream before its append:
 * `no_stream` (must not exist), `exists` (must have at least one event),
 * `any` (no check), or the exact 0-based version of its last event.
 */
export type ExpectedVersion = 'no_stream' | 'exists' | 'any' | number;

/** Version of a stream with no events. */
export const NO_STREAM_VERSION = -1;
