/**
 * @selfprov/sip: the SIP transport of selfprov. A registrar on UDP and TCP that
 * auto-registers unknown phones through the self-provisioning domain, and the
 * self-provisioning IVR over SIP/RTP (G.711 prompts, RFC 4733 and SIP INFO
 * keys); after provisioning the registration moves to the user's extension and
 * the phone is told to resync (`NOTIFY check-sync`).
 * @packageDocumentation
 */
export { ALLOW, type CallInfo, type IvrCallOptions, ivrCallIdOf, keysOfInfo } from './calls.js';
export { createStreamFramer, type FramedItem, type StreamFramer } from './framing.js';
export { type DeviceMac, deviceMacOf, type MacSource, macFromInstance, macFromUser, modelOf } from './identify.js';
export { createMediaEngine, type MediaEngine, type MediaEngineOptions, type MediaSession } from './media.js';
export {
  canonicalHeaderName,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  formatNameAddr,
  formatUri,
  formatVia,
  header,
  headerValues,
  type NameAddr,
  type ParseOptions,
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseSipMessage,
  parseUri,
  parseVia,
  type ResponseExtras,
  reasonPhrases,
  responseTo,
  type SipHeader,
  type SipMessage,
  type SipParams,
  type SipParseError,
  type SipParseErrorCode,
  type SipRequest,
  type SipResponse,
  type SipUri,
  serializeSip,
  splitList,
  tagOf,
  topBranch,
  type Via,
} from './message.js';
export { createPromptLibrary, defaultPromptRoot, type PromptAudioText, type PromptLibrary, promptAudioTexts } from './prompts.js';
export { type Binding, type RegistrarOptions, refusalForRegistration } from './registrar.js';
export * from './rtp.js';
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
