import { createHash } from 'node:crypto';
import type { SelfProvisioning } from '@selfprov/core';
import type { IvrDriver, IvrGateway, IvrTurn } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import { deviceMacOf, userOf } from './identify.js';
import type { MediaEngine, MediaSession } from './media.js';
import {
  header,
  parseCSeq,
  parseNameAddr,
  parseUri,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  tagOf,
  topBranch,
  uriHost,
} from './message.js';
import type { Registrar } from './registrar.js';
import { answerSdp, type Negotiated, negotiate, offerSdp, parseSdp } from './sdp.js';
import type { Logger, RequestContext, SipStack } from './stack.js';
import type { Peer } from './transport.js';

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

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, INFO, OPTIONS, REGISTER';

export interface IvrCallOptions {
  /** Ring this long (180 Ringing) before answering; 0 (default) answers at once. */
  readonly answerDelayMs?: number;
  /** A language to preset (skips the language menu); default: the IVR's menu when several are configured. */
  readonly language?: string;
  /** Calls longer than this are ended (BYE). Default 15 minutes. */
  readonly maxCallMs?: number;
  /** Header that may carry the caller's MAC. Default `X-Device-MAC`. */
  readonly macHeader?: string;
  /** Calls at once (each holds an RTP socket); more get 486 Busy Here. Default 500. */
  readonly maxCalls?: number;
}

export interface CallInfo {
  readonly sipCallId: string;
  readonly ivrCallId: string;
  readonly device: string;
  readonly state: CallState;
  readonly codec?: string;
  readonly keys: number;
}

type CallState = 'proceeding' | 'answered' | 'confirmed' | 'ending' | 'ended';

interface Call {
  readonly sipCallId: string;
  readonly ivrCallId: string;
  readonly device: string;
  readonly remoteTag: string;
  readonly localTag: string;
  readonly branchKey: string;
  readonly invite: RequestContext;
  /** `From` of the INVITE: our `To` in requests we send. */
  readonly remote: string;
  /** `To` of the INVITE with our tag: our `From`. */
  readonly local: string;
  remoteTarget: Peer;
  remoteTargetUri: string;
  localCseq: number;
  remoteCseq: number;
  state: CallState;
  media: MediaSession;
  negotiated?: Negotiated;
  lateOffer: boolean;
  sdpVersion: number;
  readonly sessionId: number;
  ok?: SipResponse;
  /** Cancels the 2xx repeats (or, over TCP, the wait for the ACK). */
  okTimer?: () => void;
  /** Cancels the longest-call limit. */
  maxTimer?: () => void;
  keys: Promise<void>;
  pendingKeys: number;
  keyCount: number;
  ivrStarted: boolean;
  ivrEnded: boolean;
  ivrDn: string;
}

export interface IvrCalls {
  invite(context: RequestContext): Promise<void>;
  ack(request: SipRequest): void;
  bye(context: RequestContext): void;
  cancel(context: RequestContext): void;
  info(context: RequestContext): void;
  /** Output the IVR produced between inputs (a timeout's prompts, the end of the call). */
  onIvrOutput(turn: IvrTurn): void;
  calls(): readonly CallInfo[];
  /** Ends every call (BYE) and waits, at most `timeoutMs`, for the answers. */
  close(timeoutMs?: number): Promise<void>;
}

/** The IVR call id of a SIP dialog: a digest, since a Call-ID may hold any characters. */
export const ivrCallIdOf = (sipCallId: string, fromTag: string): string =>
  `sip-${createHash('sha256').update(`${sipCallId}|${fromTag}`).digest('hex').slice(0, 32)}`;

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

const warning = (host: string, text: string): SipHeader => ({
  name: 'Warning',
  value: `399 ${uriHost(host)} "${text.replace(/"/g, "'")}"`,
});

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
  const o = deps.options ?? {};
  const host = stack.advertisedHost;
  const t1 = stack.t1Ms;
  // The SIP layer's time (real by default; simulated in tests): the 2xx repeats, the ringing, the longest call.
  const scheduler = stack.scheduler;
  const byDialog = new Map<string, Call>();
  const byBranch = new Map<string, Call>();
  const byIvrCall = new Map<string, Call>();
  const dialogKey = (callId: string, remoteTag: string, localTag: string) => `${callId}|${remoteTag}|${localTag}`;

  const findDialog = (request: SipRequest): Call | undefined => {
    const callId = header(request, 'Call-ID') ?? '';
    const from = tagOf(header(request, 'From'));
    const to = tagOf(header(request, 'To'));
    return from === undefined || to === undefined ? undefined : byDialog.get(dialogKey(callId, from, to));
  };

  const targetOf = (contactValue: string | undefined, source: Peer): { peer: Peer; uri: string } => {
    const contact = contactValue === undefined ? undefined : parseNameAddr(contactValue);
    const uri = contact ? parseUri(contact.uri) : undefined;
    if (contact === undefined || uri === undefined) return { peer: source, uri: `sip:${source.address}:${source.port}` };
    const transport = (uri.params.transport ?? '').toUpperCase();
    const tcp = transport === 'TCP' || (transport === '' && source.transport === 'TCP');
    const address = uri.host.replace(/^\[|\]$/g, '');
    const port = uri.port ?? 5060;
    const peer: Peer = tcp
      ? source.connection && !source.connection.destroyed
        ? { transport: 'TCP', address, port, connection: source.connection }
        : { transport: 'TCP', address, port }
      : { transport: 'UDP', address, port };
    return { peer, uri: contact.uri };
  };

  const finish = (call: Call, why: string) => {
    if (call.state === 'ended') return;
    call.state = 'ended';
    call.okTimer?.();
    call.maxTimer?.();
    call.media.close();
    byDialog.delete(dialogKey(call.sipCallId, call.remoteTag, call.localTag));
    byBranch.delete(call.branchKey);
    byIvrCall.delete(call.ivrCallId);
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

  const describe = (call: Call, n: Negotiated | undefined): Buffer => {
    call.sdpVersion += 1;
    const d = { address: host, port: call.media.port, sessionId: call.sessionId, version: call.sdpVersion };
    return Buffer.from(n === undefined ? offerSdp(d) : answerSdp(d, n));
  };

  const contactOf = (call: Call, peer: Peer): SipHeader => {
    const port = peer.transport === 'TCP' ? (stack.transport.tcpPort ?? stack.transport.udpPort) : stack.transport.udpPort;
    return { name: 'Contact', value: `<sip:${call.ivrDn}@${uriHost(host)}:${port}${peer.transport === 'TCP' ? ';transport=tcp' : ''}>` };
  };

  /** Resolves the caller's device: a MAC (Contact instance, From user, header), else the DN it is bound with. */
  const callerDevice = async (request: SipRequest): Promise<string | undefined> => {
    const mac = deviceMacOf(request, 'From', o.macHeader);
    const fromUser = userOf(header(request, 'From'));
    const device = mac ? `SEP${mac.mac}` : fromUser !== undefined ? deps.registrar.deviceWithDn(fromUser)?.deviceName : undefined;
    if (device === undefined) return undefined;
    if (deps.registrar.binding(device) !== undefined) return device;
    // Bindings live in memory: after a restart, a phone the domain knows as registered may call before it re-registers.
    const phone = await deps.selfProvisioning.phone(device)();
    return E.isRight(phone) && phone.right?.exists && phone.right.registered ? device : undefined;
  };

  const invite = async (context: RequestContext): Promise<void> => {
    const request = context.request;
    if (tagOf(header(request, 'To')) !== undefined) return reInvite(context);
    const localTag = stack.token();
    const refuse = (status: number, reason?: string, text?: string) =>
      context.respond(status, { toTag: localTag, ...(reason ? { reason } : {}), headers: text ? [warning(host, text)] : [] });

    context.respond(100);
    if (byIvrCall.size >= (o.maxCalls ?? 500))
      return void context.respond(486, {
        toTag: localTag,
        headers: [warning(host, 'every IVR line is busy'), { name: 'Retry-After', value: '30' }],
      });
    const device = await callerDevice(request);
    if (device === undefined) return void refuse(403, 'Device Not Registered', 'the calling device is not registered');
    const dialled = parseUri(request.uri)?.user ?? '';
    if (!/^[0-9]{1,24}$/.test(dialled)) return void refuse(404, 'Not Found', 'dial the self-provisioning number');
    const settings = await deps.gateway.callSettings(device, dialled)();
    if (E.isRight(settings) && !settings.right.dialledIsIvr)
      return void refuse(404, 'Not Found', 'this number is not the self-provisioning IVR');
    const ivrDn = E.isRight(settings) ? (settings.right.ivrDirectoryNumber ?? dialled) : dialled;

    const contentType = (header(request, 'Content-Type') ?? '').split(';')[0]?.trim().toLowerCase();
    let negotiated: Negotiated | undefined;
    let remoteMedia: { address: string; port: number } | undefined;
    const lateOffer = request.body.length === 0;
    if (!lateOffer) {
      const offer = contentType === 'application/sdp' ? parseSdp(request.body.toString('utf8')) : undefined;
      negotiated = offer ? negotiate(offer) : undefined;
      if (offer === undefined || negotiated === undefined)
        return void context.respond(488, {
          toTag: localTag,
          headers: [
            { name: 'Warning', value: `304 ${uriHost(host)} "PCMU or PCMA audio is required"` },
            { name: 'Accept', value: 'application/sdp' },
          ],
        });
      remoteMedia = { address: offer.address, port: offer.port };
    }

    let media: MediaSession;
    try {
      media = await deps.media.open((key) => {
        const c = byIvrCall.get(ivrCallId);
        if (c) onKey(c, key);
      });
    } catch {
      return void context.respond(503, {
        toTag: localTag,
        headers: [warning(host, 'no RTP port is free'), { name: 'Retry-After', value: '5' }],
      });
    }
    const sipCallId = header(request, 'Call-ID') ?? '';
    const remoteTag = tagOf(header(request, 'From')) ?? '';
    const ivrCallId = ivrCallIdOf(sipCallId, remoteTag);
    const target = targetOf(header(request, 'Contact'), context.peer);
    const call: Call = {
      sipCallId,
      ivrCallId,
      device,
      remoteTag,
      localTag,
      branchKey: `${topBranch(request)}|${sipCallId}`,
      invite: context,
      remote: header(request, 'From') ?? '',
      local: `${header(request, 'To') ?? ''};tag=${localTag}`,
      remoteTarget: target.peer,
      remoteTargetUri: target.uri,
      localCseq: Math.floor(Math.random() * 10_000),
      remoteCseq: parseCSeq(header(request, 'CSeq'))?.seq ?? 0,
      state: 'proceeding',
      media,
      ...(negotiated ? { negotiated } : {}),
      lateOffer,
      sdpVersion: 0,
      sessionId: Math.floor(Math.random() * 1e9),
      keys: Promise.resolve(),
      pendingKeys: 0,
      keyCount: 0,
      ivrStarted: false,
      ivrEnded: false,
      ivrDn,
    };
    byDialog.set(dialogKey(sipCallId, remoteTag, localTag), call);
    byBranch.set(call.branchKey, call);
    byIvrCall.set(ivrCallId, call);

    if ((o.answerDelayMs ?? 0) > 0) {
      context.respond(180, { toTag: localTag, headers: [contactOf(call, context.peer)] });
      await new Promise<void>((r) => scheduler.schedule(o.answerDelayMs ?? 0, r));
      if (call.state !== 'proceeding') return; // cancelled while ringing
    }

    const started = await deps.driver.startCall({ callId: ivrCallId, device, dialled, ...(o.language ? { language: o.language } : {}) })();
    if (call.state !== 'proceeding') {
      // Cancelled while the IVR started: it hears the hang-up.
      if (E.isRight(started)) void deps.driver.hangUp(ivrCallId)();
      return;
    }
    if (E.isLeft(started)) {
      log({ level: 'error', event: 'ivr_start_failed', details: { device, code: started.left.code } });
      context.respond(500, { toTag: localTag, headers: [warning(host, 'the IVR could not take the call')] });
      finish(call, 'ivr_start_failed');
      return;
    }
    call.ivrStarted = true;
    const body = describe(call, negotiated);
    call.ok = context.respond(200, {
      toTag: localTag,
      headers: [
        contactOf(call, context.peer),
        { name: 'Allow', value: ALLOW },
        { name: 'Accept', value: 'application/sdp, application/dtmf-relay, application/dtmf' },
        { name: 'Content-Type', value: 'application/sdp' },
      ],
      body,
    });
    call.state = 'answered';
    log({ level: 'info', event: 'call_answered', details: { ivrCallId, device, dialled, codec: negotiated?.codec ?? 'late offer' } });
    if (negotiated && remoteMedia) media.configure(remoteMedia, negotiated);
    retransmitOk(call);
    call.maxTimer = scheduler.schedule(o.maxCallMs ?? 15 * 60_000, () => void sendBye(call, 'max_call_duration'));
    present(call, started.right);
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

  const reInvite = (context: RequestContext) => {
    const call = findDialog(context.request);
    if (call === undefined || call.state === 'ended') return void context.respond(481);
    if (call.state === 'answered') return void context.respond(491, { headers: [{ name: 'Retry-After', value: '1' }] });
    const request = context.request;
    let negotiated = call.negotiated;
    if (request.body.length > 0) {
      const offer = parseSdp(request.body.toString('utf8'));
      const n = offer ? negotiate(offer) : undefined;
      if (offer === undefined || n === undefined)
        return void context.respond(488, {
          headers: [{ name: 'Warning', value: `304 ${uriHost(host)} "PCMU or PCMA audio is required"` }],
        });
      negotiated = n;
      call.negotiated = n;
      call.media.configure({ address: offer.address, port: offer.port }, n);
    }
    const target = targetOf(header(request, 'Contact'), context.peer);
    call.remoteTarget = target.peer;
    call.remoteTargetUri = target.uri;
    call.ok = context.respond(200, {
      headers: [contactOf(call, context.peer), { name: 'Allow', value: ALLOW }, { name: 'Content-Type', value: 'application/sdp' }],
      body: describe(call, request.body.length > 0 ? negotiated : undefined),
    });
    call.lateOffer = request.body.length === 0;
    call.state = 'answered';
    retransmitOk(call);
  };

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
    const call = byBranch.get(`${topBranch(request)}|${header(request, 'Call-ID') ?? ''}`);
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
      const call = byIvrCall.get(turn.callId);
      if (call !== undefined) present(call, turn);
    },
    calls: () =>
      [...byIvrCall.values()].map((c) => ({
        sipCallId: c.sipCallId,
        ivrCallId: c.ivrCallId,
        device: c.device,
        state: c.state,
        keys: c.keyCount,
        ...(c.negotiated ? { codec: c.negotiated.codec } : {}),
      })),
    close: async (timeoutMs = 2000) => {
      const live = [...byIvrCall.values()];
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
