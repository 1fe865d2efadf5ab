import type { DomainEvent } from '../../kernel/decider.js';
import type { NullableFields } from '../shared/configurationCodecKit.js';

/** A UDT's fields (state form: optional fields absent when not set). */
export interface DeviceTemplateFields {
  readonly deviceDescription: string;
  readonly devicePool: string;
  readonly deviceSecurityProfile: string;
  readonly sipProfile: string;
  readonly phoneButtonTemplate: string;
  readonly speedDials: readonly { readonly index: number; readonly number: string; readonly label: string }[];
  readonly busyLampFields: readonly {
    readonly index: number;
    readonly destination: string;
    readonly label: string;
    readonly callPickup: boolean;
  }[];
  readonly doNotDisturb: boolean;
  readonly dndOption: 'use-common-profile' | 'ringer-off' | 'call-reject';
  readonly extensionMobility: boolean;
  readonly callingSearchSpace?: string;
  readonly commonPhoneProfile?: string;
  readonly commonDeviceConfiguration?: string;
  readonly softkeyTemplate?: string;
  readonly featureControlPolicy?: string;
  readonly location?: string;
  readonly userLocale?: string;
  readonly idleUrl?: string;
  readonly servicesUrl?: string;
}

/** The fields as event data: unset optional fields are `null`. */
export type DeviceTemplateFieldsData = NullableFields<DeviceTemplateFields>;

export type DeviceTemplateCreated = DomainEvent<
  'DeviceTemplateCreated',
  { readonly name: string; readonly clusterId: string; readonly fields: DeviceTemplateFieldsData }
>;
export type DeviceTemplateUpdated = DomainEvent<
  'DeviceTemplateUpdated',
  { readonly name: string; readonly fields: DeviceTemplateFieldsData }
>;

export type DeviceTemplateEvent = DeviceTemplateCreated | DeviceTemplateUpdated;
