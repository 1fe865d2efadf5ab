import { domainError, type IdGenerator, type StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { initialTransition } from 'xstate';
import type { IvrCallEvent } from '../events.js';
import type { CallSettings, IvrGateway, Refused } from '../gateway.js';
import type { IvrMachineInput, IvrOptions } from '../machine/model.js';
import { ivrMachine } from '../machine.js';
import { type IvrOutput, outputsOf } from '../outputs.js';
import type { PromptCatalog } from '../prompts.js';
import type { IvrScheduler } from '../scheduler.js';
import { refusalCode } from './effects.js';
import { settle } from './queue.js';
import { decodeStart } from './requests.js';
import { newSession, type Session, stateName, turnOf, withCall } from './session.js';
import type { IvrError, IvrLogEntry, IvrTurn, StartCallRequest } from './types.js';

/**
 * Starts a call: the request checked, the call settings read (unreadable ones
 * start a call that only explains why and ends), the machine's input recorded
 * as the stream's first event (`IvrCallStarted`, `no_stream`: a call id is
 * used once), then the first outputs carried out and settled.
 */
export const createStartCall = (deps: {
  readonly gateway: IvrGateway;
  readonly ids: IdGenerator;
  readonly catalogs: Readonly<Record<string, PromptCatalog>>;
  readonly options: IvrOptions;
  readonly scheduler: IvrScheduler;
  readonly sessions: Map<string, Session>;
  readonly append: (s: Session, event: IvrCallEvent, expected: number | 'no_stream') => Promise<E.Either<StoreError, void>>;
  readonly carryOut: (s: Session, outputs: readonly IvrOutput[], atMs: number) => void;
  readonly log: (entry: IvrLogEntry) => void;
}) => {
  const { ids, catalogs, options, scheduler, sessions, append, carryOut, log } = deps;
  return (request: StartCallRequest): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const decoded = decodeStart(request);
      if (E.isLeft(decoded)) return decoded;
      const { device, dialled, language } = decoded.right;
      const callId = decoded.right.callId ?? ids.uuid();
      if (sessions.has(callId))
        return E.left(domainError('call_exists', 'an IVR call with this id exists', { field: 'callId', details: { callId } }));
      let settings: E.Either<Refused, CallSettings>;
      try {
        settings = await deps.gateway.callSettings(device, dialled)();
      } catch {
        settings = E.left({ refusal: 'failure' });
      }
      const known = (l: string) => catalogs[l] !== undefined;
      const fallback = Object.keys(catalogs)[0] ?? 'en_US';
      const configured = E.isRight(settings) ? [...new Set(settings.right.languages.filter(known))].slice(0, 9) : [];
      const input: IvrMachineInput = {
        callId,
        device,
        languages: configured.length > 0 ? configured : [fallback],
        ...(language !== undefined ? { language } : {}),
        authenticationMode: E.isRight(settings) ? settings.right.authenticationMode : 'secure-users',
        dialledIsIvr: E.isRight(settings) ? settings.right.dialledIsIvr : true,
        ...(E.isLeft(settings) ? { unavailable: refusalCode(settings.left.refusal) } : {}),
        options,
      };
      const [snapshot, actions] = initialTransition(ivrMachine, input);
      const atMs = scheduler.now();
      const s = newSession(callId, device, snapshot, -1);
      const saved = await append(
        s,
        { type: 'IvrCallStarted', data: { input, dialled: dialled ?? null, at: new Date(atMs).toISOString() } },
        'no_stream',
      );
      if (E.isLeft(saved)) {
        return saved.left.code === 'wrong_expected_version'
          ? E.left(domainError('call_exists', 'an IVR call with this id exists', { field: 'callId', details: { callId } }))
          : saved;
      }
      if (sessions.has(callId))
        return E.left(domainError('call_exists', 'an IVR call with this id exists', { field: 'callId', details: { callId } }));
      sessions.set(callId, s);
      log({ level: 'info', event: 'call_started', callId, details: { device, state: stateName(snapshot.value) } });
      return withCall(s, async () => {
        carryOut(s, outputsOf(actions), atMs);
        await settle(s);
        return E.right(turnOf(s));
      });
    };
};
