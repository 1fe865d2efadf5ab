import type { CarouselKind } from '../ports/phoneDirectory.js';
import type { Catalog } from '../shared/catalog.js';
import type { PhoneFeature } from '../shared/features.js';
import type {
  AddSpeedDialInput,
  ChangeMacAddressInput,
  RemoveSpeedDialInput,
  RenamePhoneInput,
  SetDisplayLanguageInput,
  SetDoNotDisturbInput,
  SetLocaleInput,
  SetPhoneMusicOnHoldInput,
  SetPhoneOptionsInput,
  SetSpeedDialsInput,
} from './codecs.js';

/** Facts a phone-settings decision reads from outside the stream (phone directory, catalog), loaded with it. */
export interface PhoneFacts {
  /** The user whose settings change (the logged-in user, or the user an administrator acts for). */
  readonly subject: string;
  /** The device's owner and kind from the phone directory; `null` when unknown. */
  readonly owner: string | null;
  readonly kind: CarouselKind | null;
  readonly catalog: Catalog;
  /** Another device already registered with the requested MAC address, if any. */
  readonly macUsedBy?: string | null;
}

type Cmd<T extends string, D> = { readonly type: T; readonly data: D; readonly facts: PhoneFacts };

export type ChangeMacAddress = Cmd<'ChangeMacAddress', ChangeMacAddressInput>;
export type SetSpeedDials = Cmd<'SetSpeedDials', SetSpeedDialsInput>;
export type AddSpeedDial = Cmd<'AddSpeedDial', AddSpeedDialInput>;
export type RemoveSpeedDial = Cmd<'RemoveSpeedDial', RemoveSpeedDialInput>;
export type SetDoNotDisturb = Cmd<'SetDoNotDisturb', SetDoNotDisturbInput>;
export type SetLocale = Cmd<'SetLocale', SetLocaleInput>;
export type SetPhoneMusicOnHold = Cmd<'SetPhoneMusicOnHold', SetPhoneMusicOnHoldInput>;
export type SetPhoneOptions = Cmd<'SetPhoneOptions', SetPhoneOptionsInput>;
export type RenamePhone = Cmd<'RenamePhone', RenamePhoneInput>;
export type SetDisplayLanguage = Cmd<'SetDisplayLanguage', SetDisplayLanguageInput>;

export type PhoneSettingsCommand =
  | ChangeMacAddress
  | SetSpeedDials
  | AddSpeedDial
  | RemoveSpeedDial
  | SetDoNotDisturb
  | SetLocale
  | SetPhoneMusicOnHold
  | SetPhoneOptions
  | RenamePhone
  | SetDisplayLanguage;

/** The visibility feature each command belongs to (Phone Settings page). */
export const phoneFeatureOf: Readonly<Record<PhoneSettingsCommand['type'], PhoneFeature>> = {
  ChangeMacAddress: 'General',
  RenamePhone: 'General',
  SetSpeedDials: 'SpeedDials',
  AddSpeedDial: 'SpeedDials',
  RemoveSpeedDial: 'SpeedDials',
  SetDoNotDisturb: 'DoNotDisturb',
  SetLocale: 'Locale',
  SetDisplayLanguage: 'Locale',
  SetPhoneMusicOnHold: 'MusicOnHold',
  SetPhoneOptions: 'Others',
};
