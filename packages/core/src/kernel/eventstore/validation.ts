import * as E from 'fp-ts/lib/Either.js';
import { type ValidationError, validationError } from '../errors.js';
import { copyJson, type JsonValue } from '../json.js';
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

/** Any control character or surrogate: a name with neither needs none of the two checks they call for. */
const UNUSUAL = /[\u0000-\u001f\u007f\uD800-\uDFFF]/;

/** Printable ASCII but space: surely not whitespace that `trim` would remove. */
const plainEdge = (code: number): boolean => code > 0x20 && code < 0x7f;

/** What is wrong with a name (the message after its field name), `undefined` when nothing is. */
const nameProblem = (value: unknown, max: number): string | undefined => {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `is longer than ${max} characters`;
  // Names nearly always start and end with a plain character: `trim` (which copies) only for the others.
  if (!(plainEdge(value.charCodeAt(0)) && plainEdge(value.charCodeAt(value.length - 1))) && value.trim() !== value)
    return 'must not start or end with whitespace';
  if (UNUSUAL.test(value)) {
    if (CONTROL.test(value)) return 'must not contain control characters';
    if (LONE_SURROGATE.test(value)) return 'is not well-formed Unicode';
  }
  return undefined;
};

const isName = (value: unknown, max: number): value is string => nameProblem(value, max) === undefined;

const checkName = (value: unknown, field: string, code: string, max: number): E.Either<ValidationError, string> => {
  const problem = nameProblem(value, max);
  return problem === undefined ? E.right(value as string) : E.left(validationError(code, field, `${field} ${problem}`));
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

/** Longest actor id, `onBehalfOf`, command, correlation or causation id. */
const MAX_ID_LENGTH = 256;

const optionalId = (value: unknown, field: string): E.Either<ValidationError, string | undefined> =>
  value === undefined ? E.right(undefined) : checkName(value, field, 'invalid_metadata', MAX_ID_LENGTH);

const validateActor = (value: unknown, field: string): E.Either<ValidationError, Actor> => {
  if (typeof value !== 'object' || value === null) return E.left(validationError('invalid_metadata', field, `${field} is required`));
  const a = value as Record<string, unknown>;
  if (!actorKinds.includes(a.kind as Actor['kind']))
    return E.left(validationError('invalid_metadata', `${field}.kind`, `${field}.kind must be one of ${actorKinds.join(', ')}`));
  const id = checkName(a.id, `${field}.id`, 'invalid_metadata', MAX_ID_LENGTH);
  if (E.isLeft(id)) return id;
  const actor: Actor = { kind: a.kind as Actor['kind'], id: id.right };
  if (a.onBehalfOf === undefined) return E.right(actor);
  const onBehalfOf = optionalId(a.onBehalfOf, `${field}.onBehalfOf`);
  if (E.isLeft(onBehalfOf)) return onBehalfOf;
  return E.right(onBehalfOf.right === undefined ? actor : { ...actor, onBehalfOf: onBehalfOf.right });
};

const OPTIONAL_METADATA = ['commandId', 'correlationId', 'causationId'] as const;

/** `actorKinds` and `channels` as sets, for the fast path. */
const ACTOR_KINDS: ReadonlySet<unknown> = new Set(actorKinds);
const CHANNELS: ReadonlySet<unknown> = new Set(channels);

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

/**
 * What `validateMetadata` returns for valid metadata, without building a field path or an Either on
 * the way; `undefined` for anything else (the caller then asks `validateMetadata` what is wrong).
 */
const quickMetadata = (value: unknown): EventMetadata | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const a = m.actor as Record<string, unknown> | null | undefined;
  if (typeof a !== 'object' || a === null) return undefined;
  const kind = a.kind as Actor['kind'];
  const id = a.id;
  if (!ACTOR_KINDS.has(kind) || !isName(id, MAX_ID_LENGTH)) return undefined;
  const onBehalfOf = a.onBehalfOf;
  let actor: Actor;
  if (onBehalfOf === undefined) actor = { kind, id };
  else if (isName(onBehalfOf, MAX_ID_LENGTH)) actor = { kind, id, onBehalfOf };
  else return undefined;
  const channel = m.channel as Channel;
  if (!CHANNELS.has(channel)) return undefined;
  // Named reads, not a loop over OPTIONAL_METADATA: most metadata has none of them.
  const { commandId, correlationId, causationId } = m;
  if (commandId === undefined && correlationId === undefined && causationId === undefined) return { actor, channel };
  const out: { -readonly [K in keyof EventMetadata]: EventMetadata[K] } = { actor, channel };
  if (commandId !== undefined) {
    if (!isName(commandId, MAX_ID_LENGTH)) return undefined;
    out.commandId = commandId;
  }
  if (correlationId !== undefined) {
    if (!isName(correlationId, MAX_ID_LENGTH)) return undefined;
    out.correlationId = correlationId;
  }
  if (causationId !== undefined) {
    if (!isName(causationId, MAX_ID_LENGTH)) return undefined;
    out.causationId = causationId;
  }
  return out;
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

/** What `quickCopy` answers for anything it leaves to `copyJson`. */
const UNSURE: unique symbol = Symbol('unsure');

/** Data nested deeper than this is left to `copyJson` (which also finds cycles: none can hide above it). */
const QUICK_COPY_DEPTH = 64;

/**
 * `copyJson(value).right` for plain JSON data, without its bookkeeping (cycle tracking, failure paths,
 * Either); `UNSURE` for anything else, which `copyJson` then decides on. Like it: fresh objects and
 * arrays, `-0` as `0`.
 */
const quickCopy = (v: unknown, depth: number): unknown => {
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : UNSURE;
  if (typeof v !== 'object' || depth === 0) return UNSURE;
  if (Array.isArray(v)) {
    const items: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const r = quickCopy(v[i], depth - 1);
      if (r === UNSURE) return UNSURE;
      items[i] = r;
    }
    return items;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return UNSURE;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    if (key === '__proto__') return UNSURE; // copyJson makes it an own property
    const r = quickCopy((v as Record<string, unknown>)[key], depth - 1);
    if (r === UNSURE) return UNSURE;
    fields[key] = r;
  }
  return fields;
};

/** The last event type `quickEvent` found valid: consecutive events mostly share their type, checked once. */
let lastType: unknown = UNSURE;

const isSchemaVersion = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

/**
 * `prepareEvent` for a valid event, without field paths or Eithers; `undefined` for anything else,
 * then `prepareEvent` says what is wrong. It draws an id and reads the clock only once everything is
 * known to be valid, so that falling back never draws or reads twice.
 */
const quickEvent = (value: unknown, ports: { clock: Clock; ids: IdGenerator }): PreparedEvent | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const type = e.type as string;
  if (type !== lastType) {
    if (!isName(type, MAX_EVENT_TYPE_LENGTH)) return undefined;
    lastType = type;
  }
  const data = quickCopy(e.data, QUICK_COPY_DEPTH);
  if (data === UNSURE) return undefined;
  const metadata = quickMetadata(e.metadata);
  if (metadata === undefined) return undefined;
  const givenId = e.eventId;
  if (givenId !== undefined && !(typeof givenId === 'string' && UUID.test(givenId))) return undefined;
  const schemaVersion = e.schemaVersion ?? 1;
  if (!isSchemaVersion(schemaVersion)) return undefined;
  let givenAt: Date | undefined;
  if (e.occurredAt !== undefined) {
    givenAt = typeof e.occurredAt === 'string' ? new Date(e.occurredAt) : undefined;
    if (givenAt === undefined || Number.isNaN(givenAt.getTime())) return undefined;
  }
  const eventId = givenId === undefined ? ports.ids.uuid() : givenId.toLowerCase();
  const occurredAt = givenAt === undefined ? isoInstant(ports.clock.now()) : givenAt.toISOString();
  return { type, data: data as JsonValue, metadata, eventId, schemaVersion, occurredAt };
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
  if (!isSchemaVersion(schemaVersion))
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

/** The field path prefix of request `i`: paths name a problem, so they are built only when there is one. */
const fieldOf = (requests: readonly AppendRequest[], i: number): string => (requests.length === 1 ? '' : `requests[${i}].`);

const isExpectedVersion = (value: unknown): value is ExpectedVersion =>
  value === 'no_stream' ||
  value === 'exists' ||
  value === 'any' ||
  (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0);

/** A valid stream id is checked without building its field path: the path is needed only to report a problem. */
const isStreamId = (value: unknown): value is string => isName(value, MAX_STREAM_ID_LENGTH) && !value.startsWith('$');

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
  // Arrays of their final length: `[]` grows a backing store of 17 slots on the first push.
  const out: PreparedRequest[] = new Array(requests.length);
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i] as AppendRequest;
    const streamId = request?.streamId;
    if (!isStreamId(streamId)) return validateStreamId(streamId, `${fieldOf(requests, i)}streamId`) as E.Left<ValidationError>;
    if (streams?.has(streamId))
      return E.left(
        validationError(
          'duplicate_stream',
          `${fieldOf(requests, i)}streamId`,
          `stream ${JSON.stringify(streamId)} appears twice in one append`,
        ),
      );
    streams?.add(streamId);
    const expected = request.expected;
    if (!isExpectedVersion(expected))
      return validateExpectedVersion(expected, `${fieldOf(requests, i)}expected`) as E.Left<ValidationError>;
    if (!Array.isArray(request.events))
      return E.left(validationError('invalid_event', `${fieldOf(requests, i)}events`, `${fieldOf(requests, i)}events must be an array`));
    const events: PreparedEvent[] = new Array(request.events.length);
    for (let j = 0; j < request.events.length; j++) {
      let prepared = quickEvent(request.events[j], ports);
      if (prepared === undefined) {
        const checked = prepareEvent(request.events[j], `${fieldOf(requests, i)}events[${j}]`, ports);
        if (E.isLeft(checked)) return checked;
        prepared = checked.right;
      }
      const eventId = prepared.eventId;
      if (firstEventId === undefined) firstEventId = eventId;
      else {
        eventIds ??= new Set([firstEventId]);
        if (eventIds.has(eventId))
          return E.left(
            validationError(
              'duplicate_event_id',
              `${fieldOf(requests, i)}events[${j}].eventId`,
              'the same event id appears twice in one append',
            ),
          );
        eventIds.add(eventId);
      }
      events[j] = prepared;
    }
    out[i] = { streamId, expected, events };
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
