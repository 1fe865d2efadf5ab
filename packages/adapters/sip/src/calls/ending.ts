import type { IvrDriver } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import type { Logger, SipStack } from '../stack.js';
import type { CallRegistry } from './registry.js';
import type { Call } from './types.js';

/**
 * How a call ends: forgotten (`finish`), the IVR told of the hang-up, a BYE
 * sent by the IVR's side, and the 2xx of an INVITE repeated until its ACK
 * (no ACK in time ends the call).
 */
export const createCallEnding = (deps: {
  readonly stack: SipStack;
  readonly registry: CallRegistry;
  readonly driver: IvrDriver;
  readonly log: Logger;
}) => {
  const { stack, registry, log } = deps;
  const t1 = stack.t1Ms;
  // The SIP layer's time (real by default; simulated in tests): the 2xx repeats.
  const scheduler = stack.scheduler;

  const finish = (call: Call, why: string) => {
    if (call.state === 'ended') return;
    call.state = 'ended';
    call.okTimer?.();
    call.maxTimer?.();
    call.media.close();
    registry.remove(call);
    log({ level: 'info', event: 'call_ended', details: { ivrCallId: call.ivrCallId, device: call.device, why, keys: call.keyCount } });
  };

  /** The caller left: the IVR hears a hang-up (unless it had ended the call itself). */
  const hangUp = (call: Call) => {
    if (call.ivrStarted && !call.ivrEnded) {
      call.ivrEnded = true;
      void deps.driver
        .hangUp(call.ivrCallId)()
        .then((r) => {
          if (E.isLeft(r) && r.left.code !== 'call_ended')
            log({ level: 'warn', event: 'ivr_hangup_failed', details: { ivrCallId: call.ivrCallId, code: r.left.code } });
        });
    }
  };

  const sendBye = async (call: Call, why: string) => {
    if (call.state === 'ending' || call.state === 'ended') return;
    call.state = 'ending';
    call.okTimer?.();
    hangUp(call);
    call.localCseq += 1;
    const cseq = call.localCseq;
    const response = await stack.request(
      (via) => ({
        kind: 'request',
        method: 'BYE',
        uri: call.remoteTargetUri,
        headers: [
          via,
          { name: 'Max-Forwards', value: '70' },
          { name: 'From', value: call.local },
          { name: 'To', value: call.remote },
          { name: 'Call-ID', value: call.sipCallId },
          { name: 'CSeq', value: `${cseq} BYE` },
          { name: 'User-Agent', value: stack.serverName },
        ],
        body: Buffer.alloc(0),
      }),
      call.remoteTarget,
    );
    if (response === undefined) log({ level: 'warn', event: 'bye_unanswered', details: { ivrCallId: call.ivrCallId } });
    finish(call, why);
  };

  /** RFC 3261 section 13.3.1.4: the 2xx is repeated (T1 doubling to T2) until the ACK; no ACK in 64*T1 ends the call. */
  const retransmitOk = (call: Call) => {
    if (call.invite.peer.transport !== 'UDP') {
      call.okTimer = scheduler.schedule(64 * t1, () => {
        if (call.state === 'answered') void sendBye(call, 'no_ack');
      });
      return;
    }
    const startedAt = scheduler.now();
    let interval = t1;
    const again = () => {
      if (call.state !== 'answered' || call.ok === undefined) return;
      if (scheduler.now() - startedAt >= 64 * t1) {
        void sendBye(call, 'no_ack');
        return;
      }
      stack.transport.send(call.ok, call.invite.peer);
      interval = Math.min(interval * 2, t1 * 8);
      call.okTimer = scheduler.schedule(interval, again);
    };
    call.okTimer = scheduler.schedule(interval, again);
  };

  return { finish, hangUp, sendBye, retransmitOk };
};

export type CallEnding = ReturnType<typeof createCallEnding>;
