import { type EventStore, type JsonValue, type StoreError, streams } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { IvrCallEvent } from '../events.js';
import type { Session } from './session.js';
import type { IvrLogEntry } from './types.js';

/** Stream of one call: `ivr-call-<callId>` (the domain's stream catalogue, `streams.ivrCall`). */
export const ivrCallStream = (callId: string): string => streams.ivrCall(callId);

/** Appends one input of a call to its stream at `expected`; on success the session's version moves on. */
export const createCallRecorder = (deps: { readonly store: EventStore; readonly log: (entry: IvrLogEntry) => void }) => {
  const { log } = deps;
  return async (s: Session, event: IvrCallEvent, expected: number | 'no_stream'): Promise<E.Either<StoreError, void>> => {
    const result = await deps.store.append(ivrCallStream(s.callId), expected, [
      {
        type: event.type,
        data: event.data as unknown as JsonValue,
        occurredAt: event.data.at,
        metadata: { actor: { kind: 'device', id: s.device }, channel: 'ivr', correlationId: s.callId },
      },
    ])();
    if (E.isLeft(result)) {
      log({ level: 'error', event: 'record_failed', callId: s.callId, details: { code: result.left.code, type: event.type } });
      return result;
    }
    s.version = result.right.streams[0]?.nextExpectedVersion ?? s.version + 1;
    return E.right(undefined);
  };
};
