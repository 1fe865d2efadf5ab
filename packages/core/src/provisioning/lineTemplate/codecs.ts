import * as t from 'io-ts';
import { DialString, taggedText } from '../deviceTemplate/codecs.js';
import { ClusterId, intBetween, Name } from '../shared/codecs.js';
import { checkedString, commandCodec, withDefault } from '../shared/configurationCodecKit.js';

/** Line description and alerting name: up to 50 characters, may contain description tags (`#FirstName# #LastName#`). */
export const LineText = taggedText('LineText', 50);

export const AutoAnswer = t.keyof({ off: null, headset: null, speakerphone: null }, 'AutoAnswer');
export type AutoAnswer = t.TypeOf<typeof AutoAnswer>;

/** A forward: destination and the calling search space used to reach it (both optional). */
export const Forward = t.exact(t.partial({ destination: DialString, callingSearchSpace: Name }), 'Forward');
/** Forward All also has a secondary calling search space. */
export const ForwardAll = t.exact(
  t.partial({ destination: DialString, callingSearchSpace: Name, secondaryCallingSearchSpace: Name }),
  'ForwardAll',
);
/** Forwards that distinguish internal and external callers (busy, no answer, no coverage, unregistered). */
export const ForwardPair = t.exact(t.type({ internal: withDefault(Forward, {}), external: withDefault(Forward, {}) }), 'ForwardPair');

const noForward = { internal: {}, external: {} };

/** Enterprise alternate number mask: digits or X. */
export const EnterpriseMask = checkedString('EnterpriseMask', (s) => /^[0-9X]{1,24}$/.test(s), 'must be 1-24 digits or X');
/** E.164 alternate number mask: `+` then digits or X. */
export const E164Mask = checkedString('E164Mask', (s) => /^\+[0-9X]{1,24}$/.test(s), 'must be + then 1-24 digits or X');

/** Optional fields with a default. */
export const lineTemplateDefaulted = {
  autoAnswer: withDefault(AutoAnswer, 'off'),
  forwardAll: withDefault(ForwardAll, {}),
  forwardBusy: withDefault(ForwardPair, noForward),
  forwardNoAnswer: withDefault(ForwardPair, noForward),
  forwardNoCoverage: withDefault(ForwardPair, noForward),
  forwardUnregistered: withDefault(ForwardPair, noForward),
};

/** Optional fields without a default (absent = not set; the line then follows the system's settings). */
export const lineTemplateOptional = {
  routePartition: Name,
  lineDescription: LineText,
  alertingName: LineText,
  voicemailProfile: Name,
  callingSearchSpace: Name,
  callPickupGroup: Name,
  /** Seconds; absent = the service parameter's value. The vendor accepts 1 to 300. */
  noAnswerRingDuration: intBetween(1, 300, 'NoAnswerRingDuration'),
  enterpriseAltNumberMask: EnterpriseMask,
  e164AltNumberMask: E164Mask,
};

/** A new universal line template (ULT); its name is unique (stream `ult-<name>`). No field is required. */
export const CreateLineTemplate = commandCodec(
  'CreateLineTemplate',
  { name: Name, clusterId: ClusterId, ...lineTemplateDefaulted },
  lineTemplateOptional,
);
/** Saves the template's form again: a full replacement. */
export const UpdateLineTemplate = commandCodec('UpdateLineTemplate', { name: Name, ...lineTemplateDefaulted }, lineTemplateOptional);

export const lineTemplateCommandCodecs = { CreateLineTemplate, UpdateLineTemplate } as const;
