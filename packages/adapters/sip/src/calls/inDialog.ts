import { header } from '../message/headers.js';
import type { SipRequest } from '../message/model.js';
import { topBranch } from '../message/values.js';
import { negotiate, parseSdp } from '../sdp.js';
import type { Logger, RequestContext, SipStack } from '../stack.js';
import { warning } from './answers.js';
import type { CallEnding } from './ending.js';
import type { KeyInput } from './keys.js';
import type { CallRegistry } from './registry.js';

/** Keys in an INFO body: `Signal=5` (application/dtmf-relay) or the bare key (application/dtmf). */
export const keysOfInfo = (contentType: string | undefined, body: string): string | undefined => {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/dtmf-relay') {
    const m = /^\s*Signal\s*=\s*([0-9*#]|1[01])\s*$/im.exec(body);
    if (!m?.[1]) return undefined;
    return m[1] === '10' ? '*' : m[1] === '11' ? '#' : m[1];
  }
  if (type === 'application/dtmf') {
    const k = body.trim();
    return /^[0-9*#]$/.test(k) ? k : k === '10' ? '*' : k === '11' ? '#' : undefined;
  }
  return undefined;
};

/**
 * Requests within a call: ACK (confirms the answer; carries the SDP answer of
 * a late offer), BYE and CANCEL (the IVR hears a hang-up), INFO (keys).
 */
export const createInDialogHandlers = (deps: {
  readonly stack: SipStack;
  readonly registry: CallRegistry;
  readonly ending: CallEnding;
  readonly keys: Pick<KeyInput, 'onKey'>;
  readonly log: Logger;
}) => {
  const { log, registry } = deps;
  const host = deps.stack.advertisedHost;
  const { findDialog } = registry;
  const { finish, hangUp, sendBye } = deps.ending;
  const { onKey } = deps.keys;

  const ack = (request: SipRequest) => {
    const call = findDialog(request);
    if (call === undefined || call.state !== 'answered') return;
    call.state = 'confirmed';
    call.okTimer?.();
    if (call.lateOffer) {
      call.lateOffer = false;
      const answer = request.body.length > 0 ? parseSdp(request.body.toString('utf8')) : undefined;
      const n = answer ? negotiate(answer) : undefined;
      if (answer === undefined || n === undefined) {
        log({ level: 'warn', event: 'late_answer_unusable', details: { ivrCallId: call.ivrCallId } });
        void sendBye(call, 'no_usable_answer');
        return;
      }
      call.negotiated = n;
      call.media.configure({ address: answer.address, port: answer.port }, n);
    }
  };

  const bye = (context: RequestContext) => {
    const call = findDialog(context.request);
    if (call === undefined) return void context.respond(481);
    context.respond(200);
    hangUp(call);
    finish(call, 'caller_hung_up');
  };

  const cancel = (context: RequestContext) => {
    const request = context.request;
    const call = registry.ofBranch(`${topBranch(request)}|${header(request, 'Call-ID') ?? ''}`);
    if (call === undefined) return void context.respond(481);
    context.respond(200);
    if (call.state !== 'proceeding') return; // answered already: the caller will send BYE
    call.invite.respond(487, { toTag: call.localTag });
    hangUp(call);
    finish(call, 'cancelled');
  };

  const info = (context: RequestContext) => {
    const call = findDialog(context.request);
    if (call === undefined || call.state === 'ended') return void context.respond(481);
    const request = context.request;
    if (request.body.length === 0) return void context.respond(200);
    const keys = keysOfInfo(header(request, 'Content-Type'), request.body.toString('utf8'));
    if (keys === undefined) {
      const type = (header(request, 'Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
      if (type === 'application/dtmf-relay' || type === 'application/dtmf')
        return void context.respond(400, { headers: [warning(host, 'the body names no DTMF key')] });
      return void context.respond(415, { headers: [{ name: 'Accept', value: 'application/dtmf-relay, application/dtmf' }] });
    }
    context.respond(200);
    onKey(call, keys);
  };

  return { ack, bye, cancel, info };
};
