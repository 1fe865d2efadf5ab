import type * as E from 'fp-ts/lib/Either.js';
import type { Input, Session } from './session.js';
import type { IvrError } from './types.js';

// Each session handles one input at a time, in order: a queue per session, and the wait for it to settle.

/** Queues `input` on `s` behind everything queued before it; `process` handles it in turn. */
export const createInputQueue = (process: (s: Session, input: Input) => Promise<E.Either<IvrError, void>>) => {
  const enqueue = (s: Session, input: Input): Promise<E.Either<IvrError, void>> => {
    const run = s.queue.then(() => process(s, input));
    s.queue = run.catch(() => undefined);
    return run;
  };
  return { enqueue };
};

/** Waits until the session has no queued input and no effect in flight. */
export const settle = async (s: Session): Promise<void> => {
  for (;;) {
    const queue = s.queue;
    await queue;
    if (s.inflight.size > 0) {
      await Promise.all([...s.inflight]);
      continue;
    }
    if (queue === s.queue) return;
  }
};
