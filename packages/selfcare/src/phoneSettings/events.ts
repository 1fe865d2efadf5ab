import type { DomainEvent } from '@selfprov/core';
import type { DndOption } from './codecs.js';

/**
 * Events of `phone-settings-<deviceName>`. Each names the device and the user
 * who owned it when the change was made. Every event carries the setting's
 * whole new value, so a reader never needs the history to know the current one.
 */
type On<D> = { readonly deviceName: string; readonly userId: string } & D;

export type SpeedDial = { readonly position: number; readonly number: string; readonly label: string };
export type MusicOnHold = { readonly userHoldAudioSource: string | null; readonly networkHoldAudioSource: string | null };
export type PhoneOptions = {
  readonly speakerphone: boolean;
  readonly speakerphoneAndHeadset: boolean;
  readonly video: boolean;
  readonly pcPort: boolean;
  readonly extensionMobility: boolean;
};

export type PhoneMacAddressChanged = DomainEvent<'PhoneMacAddressChanged', On<{ readonly macAddress: string }>>;
export type SpeedDialsChanged = DomainEvent<'SpeedDialsChanged', On<{ readonly speedDials: SpeedDial[] }>>;
export type DoNotDisturbChanged = DomainEvent<
  'DoNotDisturbChanged',
  On<{ readonly enabled: boolean; readonly incomingCallOption: DndOption }>
>;
export type PhoneLocaleChanged = DomainEvent<
  'PhoneLocaleChanged',
  On<{ readonly userLocale: string | null; readonly networkLocale: string | null }>
>;
export type PhoneMusicOnHoldChanged = DomainEvent<'PhoneMusicOnHoldChanged', On<MusicOnHold>>;
export type PhoneOptionsChanged = DomainEvent<'PhoneOptionsChanged', On<{ readonly options: PhoneOptions }>>;
export type PhoneRenamed = DomainEvent<'PhoneRenamed', On<{ readonly name: string }>>;
export type PhoneDisplayLanguageChanged = DomainEvent<'PhoneDisplayLanguageChanged', On<{ readonly displayLanguage: string | null }>>;

export type PhoneSettingsEvent =
  | PhoneMacAddressChanged
  | SpeedDialsChanged
  | DoNotDisturbChanged
  | PhoneLocaleChanged
  | PhoneMusicOnHoldChanged
  | PhoneOptionsChanged
  | PhoneRenamed
  | PhoneDisplayLanguageChanged;

export const phoneSettingsEventTypes: readonly PhoneSettingsEvent['type'][] = [
  'PhoneMacAddressChanged',
  'SpeedDialsChanged',
  'DoNotDisturbChanged',
  'PhoneLocaleChanged',
  'PhoneMusicOnHoldChanged',
  'PhoneOptionsChanged',
  'PhoneRenamed',
  'PhoneDisplayLanguageChanged',
];
