import type { SelfProvisioning } from '@selfprov/core';
import type { IvrDriver, IvrGateway } from '@selfprov/ivr';
import { createCallEnding } from './calls/ending.js';
import { createInDialogHandlers } from './calls/inDialog.js';
import { createInviteHandler } from './calls/invite.js';
import { createKeyInput } from './calls/keys.js';
import { createCallRegistry } from './calls/registry.js';
import type { IvrCallOptions, IvrCalls } from './calls/types.js';
import type { MediaEngine } from './media.js';
import type { Registrar } from './registrar.js';
import type { Logger, SipStack } from './stack.js';

/**
 * IVR calls over SIP: the user agent server behind the IVR's DN. An INVITE
 * from a registered device to that DN is answered (SDP offer/answer, G.711),
 * the IVR session is driven through its transport port, prompts are played
 * as RTP, keys arrive as RFC 4733 telephone-events or SIP INFO
 * (`application/dtmf-relay`, `application/dtmf`), and BYE or CANCEL end the
 * call (the IVR hears a hang-up) at any state. When the IVR ends the call,
 * its last prompts are played and the server sends BYE.
 *
 * Answers to an INVITE: 403 Device Not Registered (the caller is not a
 * registered device), 404 Not Found (the number is not the IVR's), 486 Busy
 * Here (`maxCalls` calls in progress), 488 Not
 * Acceptable Here (no PCMU/PCMA offered), 500 (the IVR could not start),
 * 503 (no RTP port), 487 Request Terminated (CANCEL before the answer).
 */

// The parts, composed below: the calls in progress (calls/registry.ts), how a call ends
// (calls/ending.ts), keys and the IVR's turns (calls/keys.ts), INVITE and re-INVITE
// (calls/invite.ts), ACK, BYE, CANCEL and INFO (calls/inDialog.ts); their types in calls/types.ts.

export const createIvrCalls = (deps: {
  readonly stack: SipStack;
  readonly registrar: Registrar;
  readonly selfProvisioning: SelfProvisioning;
  readonly gateway: IvrGateway;
  readonly driver: IvrDriver;
  readonly media: MediaEngine;
  readonly log: Logger;
  readonly options?: IvrCallOptions;
}): IvrCalls => {
  const { stack, log } = deps;
  const registry = createCallRegistry();
  const ending = createCallEnding({ stack, registry, driver: deps.driver, log });
  const { sendBye, finish, hangUp } = ending;
  const keys = createKeyInput({ driver: deps.driver, log, ending });
  const { present } = keys;
  const invite = createInviteHandler({ ...deps, registry, ending, keys });
  const { ack, bye, cancel, info } = createInDialogHandlers({ stack, registry, ending, keys, log });

  return {
    invite: async (context) => {
      try {
        await invite(context);
      } catch (e) {
        log({ level: 'error', event: 'invite_failed', details: { error: e instanceof Error ? e.message : 'unknown' } });
        context.respond(500, { toTag: stack.token() });
      }
    },
    ack,
    bye,
    cancel,
    info,
    onIvrOutput: (turn) => {
      const call = registry.ofIvrCall(turn.callId);
      if (call !== undefined) present(call, turn);
    },
    calls: () =>
      registry.all().map((c) => ({
        sipCallId: c.sipCallId,
        ivrCallId: c.ivrCallId,
        device: c.device,
        state: c.state,
        keys: c.keyCount,
        ...(c.negotiated ? { codec: c.negotiated.codec } : {}),
      })),
    close: async (timeoutMs = 2000) => {
      const live = registry.all();
      const byes: Promise<void>[] = [];
      for (const c of live) {
        if (c.state !== 'proceeding') byes.push(sendBye(c, 'server_stopped'));
        else {
          c.invite.respond(487, { toTag: c.localTag });
          finish(c, 'server_stopped');
        }
      }
      await Promise.race([Promise.all(byes), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      for (const c of live) {
        hangUp(c);
        finish(c, 'server_stopped');
      }
    },
  };
};
