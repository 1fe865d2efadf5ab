import type { IvrEffect, IvrOutput } from '../outputs.js';
import { type PromptCatalog, renderPrompt } from '../prompts.js';
import { type Session, stateName } from './session.js';
import type { Timers } from './timers.js';
import type { IvrLogEntry } from './types.js';

/**
 * Carries out what a transition returned, in order: prompts to the outbox,
 * the entry awaited (a new entry drops the secret digits typed before),
 * timers armed and cancelled, domain effects started. A machine that reached
 * its final state ends the session: secret dropped, timers cancelled, the
 * session forgotten.
 */
export const createOutputRunner = (deps: {
  readonly catalogs: Readonly<Record<string, PromptCatalog>>;
  readonly sessions: Map<string, Session>;
  readonly timers: Pick<Timers, 'arm' | 'disarm'>;
  readonly runEffect: (s: Session, effect: IvrEffect) => void;
  readonly log: (entry: IvrLogEntry) => void;
}) => {
  const { catalogs, sessions, log, runEffect } = deps;
  const { arm, disarm } = deps.timers;

  const finish = (s: Session) => {
    s.ended = true;
    s.secret.length = 0;
    for (const id of [...s.timers.keys()]) disarm(s, id);
    if (sessions.get(s.callId) === s) sessions.delete(s.callId);
    log({ level: 'info', event: 'call_ended', callId: s.callId, details: { state: stateName(s.snapshot.value) } });
  };

  return (s: Session, outputs: readonly IvrOutput[], atMs: number) => {
    for (const o of outputs) {
      switch (o.kind) {
        case 'play':
          s.outbox.push(renderPrompt(catalogs, o.language, o.prompt, o.args));
          break;
        case 'awaitInput':
          // A new entry starts: whatever secret digits were typed before are dropped.
          s.awaited = o.input;
          s.secret.length = 0;
          break;
        case 'startTimer':
          arm(s, o.id, o.eventType, atMs + o.delayMs);
          break;
        case 'cancelTimer':
          disarm(s, o.id);
          break;
        case 'effect':
          runEffect(s, o.effect);
          break;
        case 'hangUp':
          break;
      }
    }
    if (s.snapshot.status === 'done') finish(s);
  };
};
