import type { IvrDriver, IvrTurn } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger } from '../stack.js';
import type { CallEnding } from './ending.js';
import type { Call } from './types.js';

/**
 * The caller's keys and what the IVR answers: each key (RTP telephone-event or
 * SIP INFO) stops the prompt playing and reaches the IVR in order; each turn's
 * prompts are played, and a turn that ends the call is followed by BYE.
 */
export const createKeyInput = (deps: {
  readonly driver: IvrDriver;
  readonly log: Logger;
  readonly ending: Pick<CallEnding, 'sendBye'>;
}) => {
  const { log } = deps;
  const { sendBye } = deps.ending;

  /** Plays a turn's prompts; a turn that ended the call is followed, once its prompts are played, by BYE. */
  const present = (call: Call, turn: IvrTurn) => {
    if (call.state === 'ending' || call.state === 'ended') return;
    // Keys typed ahead make this turn's prompts stale (the caller is already further on), unless it ends the call.
    if (call.pendingKeys === 0 || turn.ended) call.media.play(turn.prompts.flatMap((p) => p.audio));
    if (turn.ended && !call.ivrEnded) {
      call.ivrEnded = true;
      void (async () => {
        // The answer must be acknowledged before the BYE (RFC 3261 section 15: a BYE is sent only once confirmed).
        while (call.state === 'answered') await new Promise((r) => setTimeout(r, 20));
        await call.media.drained();
        await sendBye(call, 'ivr_ended');
      })();
    }
  };

  const onKey = (call: Call, key: string) => {
    if (call.state !== 'confirmed' && call.state !== 'answered') return;
    if (call.ivrEnded || !call.ivrStarted) return;
    call.keyCount += 1;
    call.media.clear(); // barge-in: a key stops the prompt playing
    call.pendingKeys += 1;
    // Keys reach the IVR one at a time, in the order they were pressed (whichever way they came).
    call.keys = call.keys.then(async () => {
      let turn: Awaited<ReturnType<ReturnType<IvrDriver['digits']>>>;
      try {
        turn = await deps.driver.digits(call.ivrCallId, key)();
      } catch {
        log({ level: 'error', event: 'ivr_key_failed', details: { ivrCallId: call.ivrCallId } });
        return;
      } finally {
        call.pendingKeys -= 1;
      }
      if (E.isLeft(turn)) {
        if (turn.left.code !== 'call_ended')
          log({ level: 'warn', event: 'ivr_key_refused', details: { ivrCallId: call.ivrCallId, code: turn.left.code } });
        return;
      }
      present(call, turn.right);
    });
  };

  return { present, onKey };
};

export type KeyInput = ReturnType<typeof createKeyInput>;
