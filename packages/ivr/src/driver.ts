import { systemRuntime } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { createOutputRunner } from './driver/carryOut.js';
import { createEffectRunner } from './driver/effects.js';
import { createInputQueue, settle } from './driver/queue.js';
import { createCallRecorder } from './driver/record.js';
import { createRehydrator } from './driver/rehydrate.js';
import { checkCallId, checkDigits } from './driver/requests.js';
import { type Input, type Session, stateName, turnOf, withCall } from './driver/session.js';
import { createStartCall } from './driver/startCall.js';
import { createStep } from './driver/step.js';
import { createTimers } from './driver/timers.js';
import type { IvrDriver, IvrDriverDependencies, IvrError, IvrTurn } from './driver/types.js';
import { defaultIvrOptions, type IvrOptions } from './machine/model.js';
import { defaultCatalogs } from './prompts.js';
import { systemScheduler } from './scheduler.js';

/**
 * The session driver: runs the call-flow machine with xstate's pure
 * `initialTransition` / `transition`, records every input of a call as an
 * event of `ivr-call-<callId>` BEFORE the new state takes effect, carries out
 * the outputs (prompts, timers, gateway effects) and feeds effect results back
 * as inputs. Each session handles one input at a time, in order.
 *
 * Secrets: a digit typed while the machine is in a `secret` state goes to an
 * in-memory buffer and is recorded as `IvrSecretDigitEntered` (no digit); the
 * buffer is handed to `verifyCredential` and emptied, and emptied again at the
 * start of every entry. Nothing is logged with it.
 */

// The parts, composed below: the public types (driver/types.ts), a session and its answer
// (driver/session.ts), requests checked (driver/requests.ts), the call's stream (driver/record.ts),
// the input queue (driver/queue.ts), one input handled (driver/step.ts), its outputs carried out
// (driver/carryOut.ts), timers (driver/timers.ts), domain effects (driver/effects.ts), starting a
// call (driver/startCall.ts), rebuilding one from its events (driver/rehydrate.ts).

const mergeOptions = (o: IvrDriverDependencies['options'] = {}): IvrOptions => ({
  ...defaultIvrOptions,
  ...o,
  maxDigits: { ...defaultIvrOptions.maxDigits, ...o.maxDigits },
});

/** Creates a session driver. See `IvrDriver`. */
export const createIvrDriver = (deps: IvrDriverDependencies): IvrDriver => {
  const scheduler = deps.scheduler ?? systemScheduler();
  const ids = deps.ids ?? systemRuntime().ids;
  const catalogs = deps.catalogs ?? defaultCatalogs;
  const options = mergeOptions(deps.options);
  const log = deps.log ?? (() => {});
  const sessions = new Map<string, Session>();

  const append = createCallRecorder({ store: deps.store, log });
  // Each part is handed the others it calls; `process` is looked up when an input is dequeued.
  const { enqueue } = createInputQueue((s: Session, input: Input) => process(s, input));
  const timers = createTimers({ scheduler, enqueue, onOutput: deps.onOutput });
  const { disarm } = timers;
  const runEffect = createEffectRunner({ gateway: deps.gateway, log, enqueue });
  const carryOut = createOutputRunner({ catalogs, sessions, timers, runEffect, log });
  const process = createStep({ scheduler, append, carryOut });
  const resume = createRehydrator({ store: deps.store, sessions, scheduler, timers, enqueue, log });
  const startCall = createStartCall({ gateway: deps.gateway, ids, catalogs, options, scheduler, sessions, append, carryOut, log });

  const sessionFor = async (callId: unknown): Promise<E.Either<IvrError, Session>> => {
    const id = checkCallId(callId);
    if (E.isLeft(id)) return id;
    return resume(id.right);
  };

  const digits =
    (callId: string, keys: string): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const checked = checkDigits(keys);
      if (E.isLeft(checked)) return checked;
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        await settle(s);
        for (const key of checked.right) {
          if (s.ended) break; // keys after the end are not recorded
          const applied = await enqueue(s, { kind: 'key', key });
          if (E.isLeft(applied)) return applied;
          // Type-ahead: the next key waits for the effect this one started (e.g. `2001#1` identifies, then confirms).
          await settle(s);
        }
        return E.right(turnOf(s));
      });
    };

  const timeout =
    (callId: string): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        await settle(s);
        const earliest = [...s.timers.entries()].sort((a, b) => a[1].due - b[1].due)[0];
        if (earliest !== undefined) {
          const [id, timer] = earliest;
          timer.cancel();
          const fired = await enqueue(s, { kind: 'timer', id, token: timer.token });
          if (E.isLeft(fired)) return fired;
          await settle(s);
        }
        return E.right(turnOf(s));
      });
    };

  const hangUp =
    (callId: string): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        const done = await enqueue(s, { kind: 'hangUp' });
        if (E.isLeft(done)) return done;
        return E.right(turnOf(s));
      });
    };

  return {
    startCall,
    digits,
    timeout,
    hangUp,
    resume: (callId) => async () => {
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        await settle(s);
        return E.right(turnOf(s));
      });
    },
    view: (callId) => {
      const s = sessions.get(callId);
      if (s === undefined) return undefined;
      return {
        state: stateName(s.snapshot.value),
        context: s.snapshot.context,
        version: s.version,
        pendingTimers: [...s.timers.entries()].map(([id, timer]) => ({ id, dueAt: new Date(timer.due).toISOString() })),
        effectsInFlight: s.inflight.size,
      };
    },
    activeCalls: () => [...sessions.keys()],
    idle: async () => {
      await Promise.all([...sessions.values()].map(settle));
    },
    close: () => {
      for (const s of sessions.values()) for (const id of [...s.timers.keys()]) disarm(s, id);
      sessions.clear();
    },
  };
};

/** Rebuilds a recorded call in `driver` (see `IvrDriver.resume`). */
export const resumeIvrSession = (driver: IvrDriver, callId: string): TE.TaskEither<IvrError, IvrTurn> => driver.resume(callId);
