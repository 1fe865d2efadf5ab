import type { DomainEvent } from '../../kernel/decider.js';
import type { NullableFields } from '../shared/configurationCodecKit.js';

export interface ForwardSetting {
  readonly destination?: string;
  readonly callingSearchSpace?: string;
}
export interface ForwardAllSetting extends ForwardSetting {
  readonly secondaryCallingSearchSpace?: string;
}
export interface ForwardPairSetting {
  readonly internal: ForwardSetting;
  readonly external: ForwardSetting;
}

/** A ULT's fields (state form: unset optional fields are absent). */
export interface LineTemplateFields {
  readonly autoAnswer: 'off' | 'headset' | 'speakerphone';
  readonly forwardAll: ForwardAllSetting;
  readonly forwardBusy: ForwardPairSetting;
  readonly forwardNoAnswer: ForwardPairSetting;
  readonly forwardNoCoverage: ForwardPairSetting;
  readonly forwardUnregistered: ForwardPairSetting;
  readonly routePartition?: string;
  readonly lineDescription?: string;
  readonly alertingName?: string;
  readonly voicemailProfile?: string;
  readonly callingSearchSpace?: string;
  readonly callPickupGroup?: string;
  readonly noAnswerRingDuration?: number;
  readonly enterpriseAltNumberMask?: string;
  readonly e164AltNumberMask?: string;
}

type PairData = { readonly internal: NullableFields<ForwardSetting>; readonly external: NullableFields<ForwardSetting> };

/** The fields as event data: unset optional fields (also inside the forwards) are `null`. */
export type LineTemplateFieldsData = NullableFields<
  Omit<LineTemplateFields, 'forwardAll' | 'forwardBusy' | 'forwardNoAnswer' | 'forwardNoCoverage' | 'forwardUnregistered'>
> & {
  readonly forwardAll: NullableFields<ForwardAllSetting>;
  readonly forwardBusy: PairData;
  readonly forwardNoAnswer: PairData;
  readonly forwardNoCoverage: PairData;
  readonly forwardUnregistered: PairData;
};

export type LineTemplateCreated = DomainEvent<
  'LineTemplateCreated',
  { readonly name: string; readonly clusterId: string; readonly fields: LineTemplateFieldsData }
>;
export type LineTemplateUpdated = DomainEvent<'LineTemplateUpdated', { readonly name: string; readonly fields: LineTemplateFieldsData }>;

export type LineTemplateEvent = LineTemplateCreated | LineTemplateUpdated;
