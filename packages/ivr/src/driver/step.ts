import type { StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { transition } from 'xstate';
import { type IvrCallEvent, machineEventOf } from '../events.js';
import type { IvrEvent } from '../machine/model.js';
import { ivrMachine } from '../machine.js';
import { type IvrOutput, outputsOf } from '../outputs.js';
import type { IvrScheduler } from '../scheduler.js';
import type { Input, Session } from './session.js';
import type { IvrError } from './types.js';

/** Turns an input into the recorded event and the machine event, given the current state. */
const interpret = (
  s: Session,
  input: Input,
  at: string,
): { event: IvrCallEvent; machineEvent: IvrEvent; secretDigit?: string } | undefined => {
  switch (input.kind) {
    case 'key': {
      if (/[0-9]/.test(input.key) && s.snapshot.hasTag('secret')) {
        return { event: { type: 'IvrSecretDigitEntered', data: { at } }, machineEvent: { type: 'SECRET_DIGIT' }, secretDigit: input.key };
      }
      const event: IvrCallEvent = { type: 'IvrKeyPressed', data: { key: input.key, at } };
      return { event, machineEvent: machineEventOf(event) as IvrEvent };
    }
    case 'timer': {
      const timer = s.timers.get(input.id);
      if (timer?.token !== input.token) return undefined; // cancelled while queued
      s.timers.delete(input.id);
      return {
        event: { type: 'IvrTimerFired', data: { timer: timer.eventType, at } },
        machineEvent: { type: timer.eventType } as unknown as IvrEvent,
      };
    }
    case 'effect': {
      const event: IvrCallEvent = { type: 'IvrEffectCompleted', data: { effect: input.effect, outcome: input.outcome, at } };
      return { event, machineEvent: machineEventOf(event) as IvrEvent };
    }
    case 'resume':
      return { event: { type: 'IvrCallResumed', data: { at } }, machineEvent: { type: 'RESUME' } };
    case 'hangUp':
      return { event: { type: 'IvrCallerHungUp', data: { at } }, machineEvent: { type: 'HANGUP' } };
  }
};

/**
 * Handles one input of a session: the recorded event and the machine event it
 * is, the pure transition, the event appended BEFORE the new state takes
 * effect (a refused append changes nothing), then the outputs carried out.
 */
export const createStep = (deps: {
  readonly scheduler: IvrScheduler;
  readonly append: (s: Session, event: IvrCallEvent, expected: number | 'no_stream') => Promise<E.Either<StoreError, void>>;
  readonly carryOut: (s: Session, outputs: readonly IvrOutput[], atMs: number) => void;
}) => {
  const { scheduler, append, carryOut } = deps;
  return async (s: Session, input: Input): Promise<E.Either<IvrError, void>> => {
    // Input after the end (a late domain result, a key after hang-up) changes nothing and is not recorded.
    if (s.ended) return E.right(undefined);
    const atMs = scheduler.now();
    const step = interpret(s, input, new Date(atMs).toISOString());
    if (step === undefined) return E.right(undefined);
    const [next, actions] = transition(ivrMachine, s.snapshot, step.machineEvent);
    const saved = await append(s, step.event, s.version);
    if (E.isLeft(saved)) return saved;
    s.snapshot = next;
    if (step.secretDigit !== undefined) s.secret.push(step.secretDigit);
    carryOut(s, outputsOf(actions), atMs);
    return E.right(undefined);
  };
};
