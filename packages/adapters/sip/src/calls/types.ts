import type { IvrTurn } from '@selfprov/ivr';
import type { MediaSession } from '../media.js';
import type { SipRequest, SipResponse } from '../message/model.js';
import type { Negotiated } from '../sdp.js';
import type { RequestContext } from '../stack.js';
import type { Peer } from '../transport.js';

// IVR calls over SIP: their options, what they show, the state of one call, the handlers the server
// routes requests to. The handlers: packages/adapters/sip/src/calls.ts.

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

export type CallState = 'proceeding' | 'answered' | 'confirmed' | 'ending' | 'ended';

export interface Call {
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
