import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { validationError } from '../kernel/errors.js';
import type { NewEvent, RecordedEvent } from '../kernel/eventstore/envelope.js';
import type { StoreError } from '../kernel/eventstore/errors.js';
import type { AppendRequest, EventStore } from '../kernel/eventstore/port.js';
import type { JsonValue } from '../kernel/json.js';
import type { KeyStore, PersonalDataCipher } from './ports.js';

/** What a personal field reads as once its subject's key is erased. */
export const ERASED = '[erased]';

/**
 * The convention every aggregate follows: personal data (names, emails,
 * alternate numbers) sits under `data.personal`, and `data.userId` names whose it is.
 */
export const defaultSubjectOf = (data: JsonValue): string | undefined => {
  const d = data as { userId?: unknown; personal?: unknown };
  return typeof d?.userId === 'string' && typeof d.personal === 'object' && d.personal !== null ? d.userId : undefined;
};

interface Sealed {
  readonly $encrypted: 'v1';
  readonly subject: string;
  readonly fields: Readonly<Record<string, string>>;
}
const isSealed = (v: unknown): v is Sealed =>
  typeof v === 'object' && v !== null && (v as { $encrypted?: unknown }).$encrypted === 'v1' && typeof (v as Sealed).fields === 'object';

export interface PersonalDataOptions {
  readonly keys: KeyStore;
  readonly cipher: PersonalDataCipher;
  readonly subjectOf?: (data: JsonValue) => string | undefined;
}

/**
 * Opens the personal data of recorded events read from the RAW store (audit tools read the raw
 * log, to check hashes over what is stored, and open only what they show): each sealed
 * `data.personal` is decrypted, or reads as {@link ERASED} with `$erased: true` once its subject's
 * key is gone. Events without sealed data pass through unchanged. Keys are looked up once per call.
 */
export const createPersonalDataReader =
  (options: Pick<PersonalDataOptions, 'keys' | 'cipher'>) =>
  async (events: readonly RecordedEvent[]): Promise<E.Either<StoreError, RecordedEvent[]>> => {
    const keyCache = new Map<string, Uint8Array | undefined>();
    const out: RecordedEvent[] = [];
    for (const event of events) {
      const personal = (event.data as { personal?: unknown })?.personal;
      if (!isSealed(personal)) {
        out.push(event);
        continue;
      }
      if (!keyCache.has(personal.subject)) {
        const key = await options.keys.keyFor(personal.subject, false)();
        if (E.isLeft(key)) return key;
        keyCache.set(personal.subject, key.right);
      }
      const key = keyCache.get(personal.subject);
      const clear: Record<string, JsonValue> = {};
      for (const [name, sealedValue] of Object.entries(personal.fields)) {
        const text = key === undefined ? undefined : await options.cipher.decrypt(key, sealedValue);
        clear[name] = text === undefined ? ERASED : (JSON.parse(text) as JsonValue);
      }
      if (key === undefined) clear.$erased = true;
      out.push({ ...event, data: { ...(event.data as Record<string, JsonValue>), personal: clear } });
    }
    return E.right(out);
  };

/**
 * The same store, with `data.personal` encrypted per subject on the way in and
 * decrypted on the way out (streams, global log, subscriptions). After
 * `keys.erase(subject)`, every personal field of that subject reads as
 * {@link ERASED} and `personal.$erased` is true; the rest of each event is untouched.
 */
export const withPersonalDataProtection = (store: EventStore, options: PersonalDataOptions): EventStore => {
  const subjectOf = options.subjectOf ?? defaultSubjectOf;

  const seal = async (event: NewEvent): Promise<E.Either<StoreError, NewEvent>> => {
    const subject = subjectOf(event.data);
    const personal = (event.data as { personal?: JsonValue })?.personal;
    if (subject === undefined || typeof personal !== 'object' || personal === null || Array.isArray(personal) || isSealed(personal))
      return E.right(event);
    const key = await options.keys.keyFor(subject, true)();
    if (E.isLeft(key)) return key;
    if (key.right === undefined)
      return E.left(
        validationError('subject_erased', 'data.userId', `the personal data of ${subject} was erased; it cannot be recorded again`),
      );
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(personal)) fields[name] = await options.cipher.encrypt(key.right, JSON.stringify(value));
    const sealed: Sealed = { $encrypted: 'v1', subject, fields };
    return E.right({ ...event, data: { ...(event.data as Record<string, JsonValue>), personal: sealed as unknown as JsonValue } });
  };

  const sealRequests =
    (requests: readonly AppendRequest[]): TE.TaskEither<StoreError, readonly AppendRequest[]> =>
    async () => {
      const out: AppendRequest[] = [];
      for (const request of requests) {
        // Malformed requests pass through untouched: the store's own validation names the field.
        if (!Array.isArray(request?.events)) {
          out.push(request);
          continue;
        }
        const events: NewEvent[] = [];
        for (const event of request.events) {
          const sealed = await seal(event);
          if (E.isLeft(sealed)) return sealed;
          events.push(sealed.right);
        }
        out.push({ ...request, events });
      }
      return E.right(out);
    };

  const open = createPersonalDataReader(options);

  const appendMulti: EventStore['appendMulti'] = (requests) => async () => {
    const sealed = await sealRequests(requests)();
    if (E.isLeft(sealed)) return sealed;
    const result = await store.appendMulti(sealed.right)();
    if (E.isLeft(result)) return result;
    const streams = [];
    for (const s of result.right.streams) {
      const events = await open(s.events);
      if (E.isLeft(events)) return events;
      streams.push({ ...s, events: events.right });
    }
    return E.right({ ...result.right, streams });
  };

  return {
    appendMulti,
    append: (streamId, expected, events) => appendMulti([{ streamId, expected, events }]),
    readStream: (streamId, o) => async () => {
      const r = await store.readStream(streamId, o)();
      if (E.isLeft(r)) return r;
      const events = await open(r.right.events);
      return E.map((evs: RecordedEvent[]) => ({ ...r.right, events: evs }))(events);
    },
    readAll: (o) => async () => {
      const r = await store.readAll(o)();
      return E.isLeft(r) ? r : open(r.right);
    },
    subscribe: (o) =>
      store.subscribe({
        ...o,
        onEvent: async (event) => {
          const opened = await open([event]);
          if (E.isLeft(opened)) throw new Error(opened.left.message);
          const [clear] = opened.right;
          if (clear) await o.onEvent(clear);
        },
      }),
    close: () => store.close(),
  };
};
