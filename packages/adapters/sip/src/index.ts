/**
 * @selfprov/sip: the SIP transport of selfprov. A registrar on UDP and TCP that
 * auto-registers unknown phones through the self-provisioning domain, and the
 * self-provisioning IVR over SIP/RTP (G.711 prompts, RFC 4733 and SIP INFO
 * keys); after provisioning the registration moves to the user's extension and
 * the phone is told to resync (`NOTIFY check-sync`).
 * @packageDocumentation
 */
export { ALLOW } from './calls/answers.js';
export { keysOfInfo } from './calls/inDialog.js';
export { ivrCallIdOf } from './calls/registry.js';
export type { CallInfo, IvrCallOptions } from './calls/types.js';
export { createStreamFramer, type FramedItem, type StreamFramer } from './framing.js';
export { type DeviceMac, deviceMacOf, type MacSource, macFromInstance, macFromUser, modelOf } from './identify.js';
export { createMediaEngine, type MediaEngine, type MediaEngineOptions, type MediaSession } from './media.js';
export { canonicalHeaderName, header, headerValues, splitList } from './message/headers.js';
export type { SipHeader, SipMessage, SipRequest, SipResponse } from './message/model.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  type ParseOptions,
  parseSipMessage,
  type SipParseError,
  type SipParseErrorCode,
} from './message/parse.js';
export { type ResponseExtras, reasonPhrases, responseTo, serializeSip } from './message/serialize.js';
export {
  formatNameAddr,
  formatUri,
  formatVia,
  type NameAddr,
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  type SipParams,
  type SipUri,
  tagOf,
  topBranch,
  type Via,
} from './message/values.js';
export { createPromptLibrary, defaultPromptRoot, type PromptAudioText, type PromptLibrary, promptAudioTexts } from './prompts.js';
export { type Binding, type RegistrarOptions, refusalForRegistration } from './registrar.js';
export {
  type AudioEncoding,
  alawToLinear,
  buildRtp,
  buildTelephoneEvent,
  createTelephoneEventDetector,
  dtmfKeyOf,
  eventCodeOf,
  linearToAlaw,
  linearToUlaw,
  parseRtp,
  parseTelephoneEvent,
  type RtpPacket,
  readWav,
  silenceByte,
  type TelephoneEvent,
  transcode,
  ulawToLinear,
  type WavAudio,
  type WavError,
} from './rtp.js';
export { answerSdp, type G711, type Negotiated, negotiate, OFFERED_TELEPHONE_EVENT, offerSdp, parseSdp, type SdpOffer } from './sdp.js';
export {
  createSipServer,
  type RunningSip,
  type SipApp,
  type SipServer,
  type SipServerAddress,
  type SipServerOptions,
  startSip,
} from './server.js';
export { type SipService, type SipServiceContext, sipService } from './service.js';
export type { LogEntry, Logger } from './stack.js';
export type { Peer, TransportName } from './transport.js';
