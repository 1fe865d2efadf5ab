import type { SelfProvisioning } from '@selfprov/core';
import type { IvrDriver, IvrGateway } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import { deviceMacOf, userOf } from '../identify.js';
import type { MediaEngine, MediaSession } from '../media.js';
import { header } from '../message/headers.js';
import type { SipRequest } from '../message/model.js';
import { parseCSeq, parseUri, tagOf, topBranch, uriHost } from '../message/values.js';
import type { Registrar } from '../registrar.js';
import { type Negotiated, negotiate, parseSdp } from '../sdp.js';
import type { Logger, RequestContext, SipStack } from '../stack.js';
import { ALLOW, warning } from './answers.js';
import { createLocalParty, targetOf } from './dialog.js';
import type { CallEnding } from './ending.js';
import type { KeyInput } from './keys.js';
import { type CallRegistry, ivrCallIdOf } from './registry.js';
import type { Call, IvrCallOptions } from './types.js';

/**
 * An INVITE: a new call from a registered device to the IVR's number is
 * answered (offer/answer, the media session, the IVR session started), or
 * refused with the answers listed in packages/adapters/sip/src/calls.ts; an
 * INVITE within a dialog (re-INVITE) updates its media and remote target.
 */
export const createInviteHandler = (deps: {
  readonly stack: SipStack;
  readonly registrar: Registrar;
  readonly selfProvisioning: SelfProvisioning;
  readonly gateway: IvrGateway;
  readonly driver: IvrDriver;
  readonly media: MediaEngine;
  readonly log: Logger;
  readonly options?: IvrCallOptions | undefined;
  readonly registry: CallRegistry;
  readonly ending: CallEnding;
  readonly keys: KeyInput;
}) => {
  const { stack, log, registry } = deps;
  const o = deps.options ?? {};
  const host = stack.advertisedHost;
  // The SIP layer's time (real by default; simulated in tests): the ringing, the longest call.
  const scheduler = stack.scheduler;
  const { findDialog } = registry;
  const { finish, sendBye, retransmitOk } = deps.ending;
  const { onKey, present } = deps.keys;
  const { describe, contactOf } = createLocalParty(stack);

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
    if (registry.count() >= (o.maxCalls ?? 500))
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
        const c = registry.ofIvrCall(ivrCallId);
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
    registry.add(call);

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

  return invite;
};
