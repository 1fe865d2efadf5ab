import { createHash } from 'node:crypto';
import { header } from '../message/headers.js';
import type { SipRequest } from '../message/model.js';
import { tagOf } from '../message/values.js';
import type { Call } from './types.js';

/** The IVR call id of a SIP dialog: a digest, since a Call-ID may hold any characters. */
export const ivrCallIdOf = (sipCallId: string, fromTag: string): string =>
  `sip-${createHash('sha256').update(`${sipCallId}|${fromTag}`).digest('hex').slice(0, 32)}`;

/** The calls in progress, found by dialog, by their INVITE's branch (for CANCEL) or by IVR call id. */
export const createCallRegistry = () => {
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

  const add = (call: Call) => {
    byDialog.set(dialogKey(call.sipCallId, call.remoteTag, call.localTag), call);
    byBranch.set(call.branchKey, call);
    byIvrCall.set(call.ivrCallId, call);
  };

  const remove = (call: Call) => {
    byDialog.delete(dialogKey(call.sipCallId, call.remoteTag, call.localTag));
    byBranch.delete(call.branchKey);
    byIvrCall.delete(call.ivrCallId);
  };

  return {
    findDialog,
    add,
    remove,
    /** The call of an INVITE's top branch and Call-ID (`<branch>|<Call-ID>`). */
    ofBranch: (key: string): Call | undefined => byBranch.get(key),
    ofIvrCall: (ivrCallId: string): Call | undefined => byIvrCall.get(ivrCallId),
    count: (): number => byIvrCall.size,
    all: (): Call[] => [...byIvrCall.values()],
  };
};

export type CallRegistry = ReturnType<typeof createCallRegistry>;
