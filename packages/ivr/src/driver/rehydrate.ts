import { domainError, type EventStore } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { initialTransition, transition } from 'xstate';
import { decodeIvrCallEvent, type IvrCallEvent, machineEventOf } from '../events.js';
import type { IvrEvent } from '../machine/model.js';
import { ivrMachine } from '../machine.js';
import { type IvrOutput, outputsOf } from '../outputs.js';
import type { IvrScheduler } from '../scheduler.js';
import { ivrCallStream } from './record.js';
import { callEnded, unknownCall } from './requests.js';
import { type Input, newSession, type Session, stateName } from './session.js';
import type { Timers } from './timers.js';
import type { IvrError, IvrLogEntry } from './types.js';

/**
 * The session of a call: the live one, else rebuilt from the call's recorded
 * events (after a restart). The inputs are replayed through the pure machine
 * (timers tracked, not armed), pending timers are re-armed at their recorded
 * times, the `IvrCallResumed` input is handled (it re-issues a lost effect or
 * restarts a secret entry), then past-due timers fire.
 */
export const createRehydrator = (deps: {
  readonly store: EventStore;
  readonly sessions: Map<string, Session>;
  readonly scheduler: IvrScheduler;
  readonly timers: Timers;
  readonly enqueue: (s: Session, input: Input) => Promise<E.Either<IvrError, void>>;
  readonly log: (entry: IvrLogEntry) => void;
}) => {
  const { sessions, scheduler, enqueue, log } = deps;
  const { arm, disarm, holdDue } = deps.timers;
  return async (callId: string): Promise<E.Either<IvrError, Session>> => {
    const live = sessions.get(callId);
    if (live !== undefined) return E.right(live);
    const read = await deps.store.readStream(ivrCallStream(callId))();
    if (E.isLeft(read)) return read;
    if (read.right.events.length === 0) return E.left(unknownCall(callId));
    const decoded: IvrCallEvent[] = [];
    for (const [i, recorded] of read.right.events.entries()) {
      const event = decodeIvrCallEvent(recorded.type, recorded.data);
      if (event === undefined || (i === 0) !== (event.type === 'IvrCallStarted')) {
        return E.left(
          domainError('call_record_invalid', `event ${i} of the call's stream is not a valid IVR call event`, {
            field: `events[${i}]`,
            details: { callId, type: recorded.type },
          }),
        );
      }
      decoded.push(event);
    }
    const [started, ...rest] = decoded as [Extract<IvrCallEvent, { type: 'IvrCallStarted' }>, ...IvrCallEvent[]];
    // Replay: the same inputs through the same pure machine give the same state; timers are tracked, not armed.
    const pending = new Map<string, { due: number; eventType: string }>();
    const track = (outputs: readonly IvrOutput[], atMs: number) => {
      for (const o of outputs) {
        if (o.kind === 'startTimer') pending.set(o.id, { due: atMs + o.delayMs, eventType: o.eventType });
        else if (o.kind === 'cancelTimer') pending.delete(o.id);
      }
    };
    let [snapshot, actions] = initialTransition(ivrMachine, started.data.input);
    track(outputsOf(actions), Date.parse(started.data.at));
    for (const event of rest) {
      if (event.type === 'IvrTimerFired') for (const [id, p] of pending) if (p.eventType === event.data.timer) pending.delete(id);
      [snapshot, actions] = transition(ivrMachine, snapshot, machineEventOf(event) as IvrEvent);
      track(outputsOf(actions), Date.parse(event.data.at));
    }
    if (snapshot.status === 'done') return E.left(callEnded(callId));
    const again = sessions.get(callId); // another resume may have finished while this one was reading
    if (again !== undefined) return E.right(again);
    const s = newSession(callId, started.data.input.device, snapshot, read.right.currentVersion);
    s.awaited = null;
    sessions.set(callId, s);
    log({ level: 'info', event: 'call_resumed', callId, details: { state: stateName(snapshot.value), events: decoded.length } });
    const now = scheduler.now();
    const overdue: { id: string; token: number; due: number }[] = [];
    for (const [id, p] of pending) {
      if (p.due > now) arm(s, id, p.eventType, p.due);
      else {
        const token = holdDue(s, id, p.due, p.eventType);
        overdue.push({ id, token, due: p.due });
      }
    }
    const resumed = await enqueue(s, { kind: 'resume' });
    if (E.isLeft(resumed)) {
      sessions.delete(callId);
      for (const id of [...s.timers.keys()]) disarm(s, id);
      return resumed;
    }
    // Past-due timers fire now, after the resume (which may have restarted their entry and so cancelled them).
    for (const o of overdue.sort((a, b) => a.due - b.due)) void enqueue(s, { kind: 'timer', id: o.id, token: o.token });
    return E.right(s);
  };
};
