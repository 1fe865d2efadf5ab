import type { ErrorShape, ValidationError } from '../errors.js';
import type { ExpectedVersion } from './envelope.js';

/** Another writer got there first: the stream is not at the expected version. */
export interface WrongExpectedVersion extends ErrorShape<'WrongExpectedVersion', 'wrong_expected_version'> {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  /** Actual version of the stream's last event; -1 when the stream does not exist. */
  readonly actual: number;
}

/** An event id was re-used for a different event or at a different place. */
export interface IdempotencyConflict extends ErrorShape<'IdempotencyConflict', 'idempotency_conflict'> {
  readonly streamId: string;
  readonly eventId: string;
}

/** The store was closed by its owner; no operation runs any more. */
export interface StoreClosed extends ErrorShape<'StoreClosed', 'store_closed'> {}

/** The backing database failed or is unreachable. `retryable` tells whether trying again may help. */
export interface StoreUnavailable extends ErrorShape<'StoreUnavailable', 'store_unavailable'> {
  readonly retryable: boolean;
}

/** A subscription stopped because its handler threw or rejected. */
export interface SubscriberFailed extends ErrorShape<'SubscriberFailed', 'subscriber_failed'> {
  readonly globalPosition: number;
}

/** Every way an EventStore operation can fail. */
export type StoreError = ValidationError | WrongExpectedVersion | IdempotencyConflict | StoreClosed | StoreUnavailable | SubscriberFailed;

const versionLabel = (v: ExpectedVersion | number): string => (v === -1 ? 'no_stream' : typeof v === 'number' ? `version ${v}` : v);

export const wrongExpectedVersion = (streamId: string, expected: ExpectedVersion, actual: number): WrongExpectedVersion => ({
  _tag: 'WrongExpectedVersion',
  code: 'wrong_expected_version',
  message: `stream ${JSON.stringify(streamId)} was expected at ${versionLabel(expected)} but is at ${versionLabel(actual)}`,
  streamId,
  expected,
  actual,
  details: { streamId, expected, actual },
});

export const idempotencyConflict = (streamId: string, eventId: string, why: string): IdempotencyConflict => ({
  _tag: 'IdempotencyConflict',
  code: 'idempotency_conflict',
  message: `event id ${eventId} in stream ${JSON.stringify(streamId)}: ${why}`,
  streamId,
  eventId,
  details: { streamId, eventId },
});

export const storeClosed = (): StoreClosed => ({
  _tag: 'StoreClosed',
  code: 'store_closed',
  message: 'the event store is closed',
});

export const storeUnavailable = (message: string, retryable = true): StoreUnavailable => ({
  _tag: 'StoreUnavailable',
  code: 'store_unavailable',
  message,
  retryable,
});

/** True for errors that a writer resolves by reloading and deciding again. */
export const isConflict = (e: { readonly _tag: string }): e is WrongExpectedVersion => e._tag === 'WrongExpectedVersion';

export const subscriberFailed = (globalPosition: number, cause: unknown): SubscriberFailed => ({
  _tag: 'SubscriberFailed',
  code: 'subscriber_failed',
  message: `subscription handler failed at global position ${globalPosition}: ${cause instanceof Error ? cause.message : String(cause)}`,
  globalPosition,
});
