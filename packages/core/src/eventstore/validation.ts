import * as E from 'fp-ts/lib/Either.js';
import { type ValidationError, validationError } from '../kernel/errors.js';
import { copyJson } from '../kernel/json.js';
import type { Clock, IdGenerator } from '../runtime/ports.js';
import { type Actor, actorKinds, type Channel, channels, type EventMetadata, type ExpectedVersion, type NewEvent } from './envelope.js';
import type { AppendRequest, ReadAllOptions, ReadStreamOptions } from './port.js';

/** Longest stream id accepted, in UTF-16 code units. */
export const MAX_STREAM_ID_LENGTH = 1024;
/** Longest event type accepted. */
export const MAX_EVENT_TYPE_LENGTH = 256;

const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const checkName = (value: unknown, field: string, code: string, max: number): E.Either<ValidationError, string> => {
  if (typeof value !== 'string') return E.left(validationError(code, field, `${field} must be a string`));
  if (value.length === 0) return E.left(validationError(code, field, `${field} must not be empty`));
  if (value.length > max) return E.left(validationError(code, field, `${field} is longer than ${max} characters`));
  if (value.trim() !== value) return E.left(validationError(code, field, `${field} must not start or end with whitespace`));
  if (CONTROL.test(value)) return E.left(validationError(code, field, `${field} must not contain control characters`));
  if (LONE_SURROGATE.test(value)) return E.left(validationError(code, field, `${field} is not well-formed Unicode`));
  return E.right(value);
};

/**
 * A stream id is 1-1024 characters of well-formed Unicode without control
 * characters or surrounding whitespace, and does not start with `$`
 * (reserved for system streams by KurrentDB).
 */
export const validateStreamId = (value: unknown, field = 'streamId'): E.Either<ValidationError, string> => {
  const id = checkName(value, field, 'invalid_stream_id', MAX_STREAM_ID_LENGTH);
  if (E.isRight(id) && id.right.startsWith('$'))
    return E.left(validationError('invalid_stream_id', field, `${field} must not start with "$" (reserved for system streams)`));
  return id;
};

export const validateExpectedVersion = (value: unknown, field = 'expected'): E.Either<ValidationError, ExpectedVersion> => {
  if (value === 'no_stream' || value === 'exists' || value === 'any') return E.right(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return E.right(value);
  return E.left(
    validationError(
      'invalid_expected_version',
      field,
      `${field} must be "no_stream", "exists", "any" or a version >= 0, got ${JSON.stringify(value) ?? String(value)}`,
    ),
  );
};

const optionalId = (value: unknown, field: string): E.Either<ValidationError, string | undefined> =>
  value === undefined ? E.right(undefined) : checkName(value, field, 'invalid_metadata', 256);

const validateActor = (value: unknown, field: string): E.Either<ValidationError, Actor> => {
  if (typeof value !== 'object' || value === null) return E.left(validationError('invalid_metadata', field, `${field} is required`));
  const a = value as Record<string, unknown>;
  if (!actorKinds.includes(a.kind as Actor['kind']))
    return E.left(validationError('invalid_metadata', `${field}.kind`, `${field}.kind must be one of ${actorKinds.join(', ')}`));
  const id = checkName(a.id, `${field}.id`, 'invalid_metadata', 256);
  if (E.isLeft(id)) return id;
  const actor: Actor = { kind: a.kind as Actor['kind'], id: id.right };
  if (a.onBehalfOf === undefined) return E.right(actor);
  const onBehalfOf = optionalId(a.onBehalfOf, `${field}.onBehalfOf`);
  if (E.isLeft(onBehalfOf)) return onBehalfOf;
  return E.right(onBehalfOf.right === undefined ? actor : { ...actor, onBehalfOf: onBehalfOf.right });
};

const OPTIONAL_METADATA = ['commandId', 'correlationId', 'causationId'] as const;

export const validateMetadata = (value: unknown, field: string): E.Either<ValidationError, EventMetadata> => {
  if (typeof value !== 'object' || value === null) return E.left(validationError('invalid_metadata', field, `${field} is required`));
  const m = value as Record<string, unknown>;
  const actor = validateActor(m.actor, `${field}.actor`);
  if (E.isLeft(actor)) return actor;
  if (!channels.includes(m.channel as Channel))
    return E.left(validationError('invalid_metadata', `${field}.channel`, `${field}.channel must be one of ${channels.join(', ')}`));
  const out: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = { actor: actor.right, channel: m.channel as Channel };
  for (const key of OPTIONAL_METADATA) {
    if (m[key] === undefined) continue; // the common case: no path string built
    const r = optionalId(m[key], `${field}.${key}`);
    if (E.isLeft(r)) return r;
    if (r.right !== undefined) out[key] = r.right;
  }
  return E.right(out);
};

/** A new event with every optional envelope field filled in and its data copied. */
export interface PreparedEvent {
  readonly type: string;
  readonly data: NewEvent['data'];
  readonly metadata: EventMetadata;
  readonly eventId: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
}

export interface PreparedRequest {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
}

/**
 * `date.toISOString()`, remembering the last answer: every event appended within the same
 * millisecond gets the same string without formatting it again (formatting is a large part of an
 * in-memory append).
 */
let lastInstant = { ms: Number.NaN, iso: '' };
const isoInstant = (date: Date): string => {
  const ms = date.getTime();
  if (ms !== lastInstant.ms) lastInstant = { ms, iso: date.toISOString() };
  return lastInstant.iso;
};

const prepareEvent = (
  value: unknown,
  field: string,
  ports: { clock: Clock; ids: IdGenerator },
): E.Either<ValidationError, PreparedEvent> => {
  if (typeof value !== 'object' || value === null) return E.left(validationError('invalid_event', field, `${field} must be an object`));
  const e = value as Record<string, unknown>;
  const type = checkName(e.type, `${field}.type`, 'invalid_event_type', MAX_EVENT_TYPE_LENGTH);
  if (E.isLeft(type)) return type;
  // Validated and deep-copied in one pass: stored events never alias the caller's objects.
  const data = copyJson(e.data, `${field}.data`);
  if (E.isLeft(data)) return data;
  const metadata = validateMetadata(e.metadata, `${field}.metadata`);
  if (E.isLeft(metadata)) return metadata;
  let eventId: string;
  if (e.eventId === undefined) eventId = ports.ids.uuid();
  else if (typeof e.eventId === 'string' && UUID.test(e.eventId)) eventId = e.eventId.toLowerCase();
  else return E.left(validationError('invalid_event_id', `${field}.eventId`, `${field}.eventId must be a UUID`));
  const schemaVersion = e.schemaVersion ?? 1;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 1)
    return E.left(validationError('invalid_schema_version', `${field}.schemaVersion`, `${field}.schemaVersion must be an integer >= 1`));
  let occurredAt: string;
  if (e.occurredAt === undefined) occurredAt = isoInstant(ports.clock.now());
  else {
    const at = typeof e.occurredAt === 'string' ? new Date(e.occurredAt) : undefined;
    if (at === undefined || Number.isNaN(at.getTime()))
      return E.left(validationError('invalid_occurred_at', `${field}.occurredAt`, `${field}.occurredAt must be an ISO-8601 instant`));
    occurredAt = at.toISOString();
  }
  return E.right({ type: type.right, data: data.right, metadata: metadata.right, eventId, schemaVersion, occurredAt });
};

/**
 * Validates and normalises an append call before anything touches storage:
 * stream ids, expectations, event shape and data, unique event ids within the call
 * and each stream at most once. Adapters call this first so bad input writes nothing.
 */
export const prepareAppend = (
  requests: readonly AppendRequest[],
  ports: { clock: Clock; ids: IdGenerator },
): E.Either<ValidationError, readonly PreparedRequest[]> => {
  if (!Array.isArray(requests)) return E.left(validationError('invalid_append', 'requests', 'requests must be an array'));
  if (requests.length === 0) return E.left(validationError('invalid_append', 'requests', 'an append needs at least one stream'));
  // Duplicate checks need sets only when there is more than one stream / event to compare.
  const streams = requests.length > 1 ? new Set<string>() : undefined;
  let firstEventId: string | undefined;
  let eventIds: Set<string> | undefined;
  const out: PreparedRequest[] = [];
  for (let i = 0; i < requests.length; i++) {
    const field = requests.length === 1 ? '' : `requests[${i}].`;
    const request = requests[i] as AppendRequest;
    const streamId = validateStreamId(request?.streamId, `${field}streamId`);
    if (E.isLeft(streamId)) return streamId;
    if (streams?.has(streamId.right))
      return E.left(
        validationError('duplicate_stream', `${field}streamId`, `stream ${JSON.stringify(streamId.right)} appears twice in one append`),
      );
    streams?.add(streamId.right);
    const expected = validateExpectedVersion(request.expected, `${field}expected`);
    if (E.isLeft(expected)) return expected;
    if (!Array.isArray(request.events))
      return E.left(validationError('invalid_event', `${field}events`, `${field}events must be an array`));
    const events: PreparedEvent[] = [];
    for (let j = 0; j < request.events.length; j++) {
      const prepared = prepareEvent(request.events[j], `${field}events[${j}]`, ports);
      if (E.isLeft(prepared)) return prepared;
      const eventId = prepared.right.eventId;
      if (firstEventId === undefined) firstEventId = eventId;
      else {
        eventIds ??= new Set([firstEventId]);
        if (eventIds.has(eventId))
          return E.left(
            validationError('duplicate_event_id', `${field}events[${j}].eventId`, 'the same event id appears twice in one append'),
          );
        eventIds.add(eventId);
      }
      events.push(prepared.right);
    }
    out.push({ streamId: streamId.right, expected: expected.right, events });
  }
  return E.right(out);
};

const nonNegativeInt = (value: unknown, field: string, min = 0): E.Either<ValidationError, number | undefined> =>
  value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value >= min)
    ? E.right(value as number | undefined)
    : E.left(validationError('invalid_read_options', field, `${field} must be an integer >= ${min}`));

const READ_STREAM_BOUNDS = [
  ['fromVersion', 0],
  ['maxCount', 0],
] as const;
const READ_ALL_BOUNDS = [
  ['after', 0],
  ['before', 0],
  ['maxCount', 0],
] as const;

export const validateReadStream = (
  streamId: unknown,
  options: ReadStreamOptions | undefined,
): E.Either<ValidationError, { streamId: string; options: ReadStreamOptions }> => {
  const id = validateStreamId(streamId);
  if (E.isLeft(id)) return id;
  const o = options ?? {};
  if (o.direction !== undefined && o.direction !== 'forward' && o.direction !== 'backward')
    return E.left(validationError('invalid_read_options', 'direction', 'direction must be "forward" or "backward"'));
  for (const [k, min] of READ_STREAM_BOUNDS) {
    const r = nonNegativeInt(o[k], k, min);
    if (E.isLeft(r)) return r;
  }
  return E.right({ streamId: id.right, options: o });
};

export const validateReadAll = (options: ReadAllOptions | undefined): E.Either<ValidationError, ReadAllOptions> => {
  const o = options ?? {};
  if (o.direction !== undefined && o.direction !== 'forward' && o.direction !== 'backward')
    return E.left(validationError('invalid_read_options', 'direction', 'direction must be "forward" or "backward"'));
  for (const [k, min] of READ_ALL_BOUNDS) {
    const r = nonNegativeInt(o[k], k, min);
    if (E.isLeft(r)) return r;
  }
  return E.right(o);
};
