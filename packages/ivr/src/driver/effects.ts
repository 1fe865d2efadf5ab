import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { EffectName } from '../events.js';
import { type IvrGateway, type IvrRefusal, ivrRefusals, type Refused } from '../gateway.js';
import type { Outcome } from '../machine/model.js';
import type { IvrEffect } from '../outputs.js';
import type { Input, Session } from './session.js';
import type { IvrError, IvrLogEntry } from './types.js';

// The machine's domain effects, carried out on the gateway: each answer (or a throw, as `failure`)
// comes back as an input of the session, recorded with only the fields the machine uses.

/** A gateway's refusal as the machine knows it: anything else is `failure`. */
export const refusalCode = (r: unknown): IvrRefusal => (ivrRefusals.includes(r as IvrRefusal) ? (r as IvrRefusal) : 'failure');

/** Only the fields the machine uses are recorded: a gateway cannot leak other data into the log. */
const recordedValue = (effect: EffectName, value: unknown): Record<string, string> => {
  const v = (value ?? {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  switch (effect) {
    case 'identifyUser':
      return { userId: str(v.userId) };
    case 'verifyCredential':
      return { method: str(v.method) };
    case 'provisionPhone':
      return { extension: str(v.extension) };
    case 'replacePhone':
      return typeof v.oldDevice === 'string' ? { extension: str(v.extension), oldDevice: v.oldDevice } : { extension: str(v.extension) };
  }
};

/** Starts a domain effect of `s` on the gateway; it counts as in flight until its answer is queued. */
export const createEffectRunner = (deps: {
  readonly gateway: IvrGateway;
  readonly log: (entry: IvrLogEntry) => void;
  readonly enqueue: (s: Session, input: Input) => Promise<E.Either<IvrError, void>>;
}) => {
  const { log, enqueue } = deps;
  return (s: Session, effect: IvrEffect) => {
    // The secret leaves the buffer here and lives only in this closure until the gateway answers.
    const secret = effect.type === 'verifyCredential' ? s.secret.splice(0).join('') : '';
    const base = { callId: s.callId };
    const call = (): TE.TaskEither<Refused, unknown> => {
      switch (effect.type) {
        case 'identifyUser':
          return deps.gateway.identifyUser({ ...base, device: s.device, by: effect.by, digits: effect.digits });
        case 'verifyCredential':
          return deps.gateway.verifyCredential({
            ...base,
            userId: effect.userId,
            secret,
            allowedMethods: effect.methods,
            callingDevice: s.device,
          });
        case 'provisionPhone':
          return deps.gateway.provisionPhone({
            ...base,
            commandId: `ivr-${s.callId}-provision`,
            userId: effect.userId,
            digits: effect.digits,
            device: s.device,
            authenticatedBy: effect.authenticatedBy,
            method: effect.method,
          });
        case 'replacePhone':
          return deps.gateway.replacePhone({
            ...base,
            commandId: `ivr-${s.callId}-replace`,
            userId: effect.userId,
            digits: effect.digits,
            device: s.device,
            authenticatedBy: effect.authenticatedBy,
            method: effect.method,
          });
      }
    };
    const task = (async () => {
      let outcome: Outcome<Record<string, string>>;
      try {
        const result = await call()();
        if (E.isRight(result)) outcome = { ok: true, value: recordedValue(effect.type, result.right) };
        else {
          const left = result.left;
          const attemptsLeft = left.attemptsLeft;
          outcome =
            typeof attemptsLeft === 'number' && Number.isInteger(attemptsLeft) && attemptsLeft >= 0
              ? { ok: false, refusal: refusalCode(left.refusal), attemptsLeft }
              : { ok: false, refusal: refusalCode(left.refusal) };
        }
      } catch {
        // The exception text is not logged: it could echo its arguments.
        outcome = { ok: false, refusal: 'failure' };
      }
      log({
        level: outcome.ok ? 'info' : 'warn',
        event: `${effect.type}_${outcome.ok ? 'succeeded' : 'refused'}`,
        callId: s.callId,
        details: outcome.ok ? {} : { refusal: outcome.refusal },
      });
      await enqueue(s, { kind: 'effect', effect: effect.type, outcome });
    })();
    s.inflight.add(task);
    void task.finally(() => s.inflight.delete(task));
  };
};
