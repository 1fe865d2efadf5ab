import type * as E from 'fp-ts/lib/Either.js';
import type { IvrScheduler } from '../scheduler.js';
import { settle } from './queue.js';
import { type Input, type Session, turnOf } from './session.js';
import type { IvrError, IvrTurn } from './types.js';

/**
 * A session's timers on the scheduler: armed and cancelled as the machine asks,
 * each with a token, so a timer cancelled (or re-armed) while its firing was
 * queued changes nothing. A timer that fires queues its input like any other;
 * what it produces outside a transport call goes to `onOutput`.
 */
export const createTimers = (deps: {
  readonly scheduler: IvrScheduler;
  readonly enqueue: (s: Session, input: Input) => Promise<E.Either<IvrError, void>>;
  readonly onOutput?: ((turn: IvrTurn) => void) | undefined;
}) => {
  const { scheduler, enqueue } = deps;
  let timerSeq = 0;

  /** Output produced outside a transport call goes to `onOutput`. */
  const flush = (s: Session) => {
    if (s.activeCalls > 0 || deps.onOutput === undefined) return;
    if (s.outbox.length > 0 || (s.ended && !s.endReported)) deps.onOutput(turnOf(s));
  };

  const disarm = (s: Session, id: string) => {
    s.timers.get(id)?.cancel();
    s.timers.delete(id);
  };

  const fire = async (s: Session, id: string, token: number): Promise<void> => {
    if (s.timers.get(id)?.token !== token) return;
    await enqueue(s, { kind: 'timer', id, token });
    await settle(s);
    flush(s);
  };

  const arm = (s: Session, id: string, eventType: string, due: number) => {
    disarm(s, id);
    const token = ++timerSeq;
    const cancel = scheduler.schedule(Math.max(0, due - scheduler.now()), () => fire(s, id, token));
    s.timers.set(id, { token, due, eventType, cancel });
  };

  /** Holds a timer that is already due without scheduling it; the caller fires it (by its token). */
  const holdDue = (s: Session, id: string, due: number, eventType: string): number => {
    const token = ++timerSeq;
    s.timers.set(id, { token, due, eventType, cancel: () => {} });
    return token;
  };

  return { arm, disarm, holdDue };
};

export type Timers = ReturnType<typeof createTimers>;
