import * as t from 'io-ts';
import {
  AudioSourceName,
  Bool,
  boundedArray,
  checkedString,
  DeviceName,
  intBetween,
  LocaleName,
  label,
  MacAddress,
  oneOf,
  struct,
} from '../shared/codecs.js';

/** Most speed dials per phone (the vendor's abbreviated-dial range is 1-199; the portal shows 99). */
export const MAX_SPEED_DIALS = 99;
/** Longest speed-dial label, in characters (the phone's label width). */
export const MAX_SPEED_DIAL_LABEL = 30;
/** Longest speed-dial number, pauses included. */
export const MAX_SPEED_DIAL_NUMBER = 255;
/** Seconds each comma of a speed-dial number pauses dialing. */
export const SPEED_DIAL_PAUSE_SECONDS = 2;

/**
 * A speed-dial number: digits, `*`, `#`, an optional leading `+`, and any
 * number of commas (each a 2-second pause, e.g. `5551234,,,42#` to reach an
 * extension behind an attendant). At least one dialable digit; letters refused.
 */
export const SpeedDialNumber = checkedString(
  'SpeedDialNumber',
  (s) => s.length <= MAX_SPEED_DIAL_NUMBER && /^\+?[0-9*#,]+$/.test(s) && /[0-9*#]/.test(s),
  `must be digits, * or #, with commas as 2-second pauses and an optional leading +, at most ${MAX_SPEED_DIAL_NUMBER} characters`,
);

export const SpeedDialEntry = struct('SpeedDial', { number: SpeedDialNumber }, { label: label('SpeedDialLabel', MAX_SPEED_DIAL_LABEL) });
export type SpeedDialInput = t.TypeOf<typeof SpeedDialEntry>;

export const SetSpeedDialsInput = struct('SetSpeedDials', {
  deviceName: DeviceName,
  speedDials: boundedArray(SpeedDialEntry, MAX_SPEED_DIALS, 'SpeedDials'),
});
export type SetSpeedDialsInput = t.TypeOf<typeof SetSpeedDialsInput>;

export const AddSpeedDialInput = struct(
  'AddSpeedDial',
  { deviceName: DeviceName, number: SpeedDialNumber },
  { label: label('SpeedDialLabel', MAX_SPEED_DIAL_LABEL) },
);
export type AddSpeedDialInput = t.TypeOf<typeof AddSpeedDialInput>;

export const RemoveSpeedDialInput = struct('RemoveSpeedDial', {
  deviceName: DeviceName,
  position: intBetween(1, MAX_SPEED_DIALS, 'Position'),
});
export type RemoveSpeedDialInput = t.TypeOf<typeof RemoveSpeedDialInput>;

/** What an incoming call does while do-not-disturb is on. */
export const DND_OPTIONS = ['ringer-off', 'call-reject', 'beep-only'] as const;
export type DndOption = (typeof DND_OPTIONS)[number];
export const DndOptionCodec = oneOf<DndOption>('DndIncomingCallOption', DND_OPTIONS);

export const SetDoNotDisturbInput = struct(
  'SetDoNotDisturb',
  { deviceName: DeviceName, enabled: Bool },
  { incomingCallOption: DndOptionCodec },
);
export type SetDoNotDisturbInput = t.TypeOf<typeof SetDoNotDisturbInput>;

/** `null` resets a locale to the system default; an absent field is unchanged. */
export const SetLocaleInput = struct(
  'SetLocale',
  { deviceName: DeviceName },
  { userLocale: t.union([LocaleName, t.null]), networkLocale: t.union([LocaleName, t.null]) },
);
export type SetLocaleInput = t.TypeOf<typeof SetLocaleInput>;

/** Hold audio sources: when the user puts a call on hold, and when the network does. `null`: system default. */
export const MusicOnHoldFields = {
  userHoldAudioSource: t.union([AudioSourceName, t.null]),
  networkHoldAudioSource: t.union([AudioSourceName, t.null]),
};

export const SetPhoneMusicOnHoldInput = struct('SetPhoneMusicOnHold', { deviceName: DeviceName }, MusicOnHoldFields);
export type SetPhoneMusicOnHoldInput = t.TypeOf<typeof SetPhoneMusicOnHoldInput>;

/** Phone Settings > Others: each flag true = enabled. Absent flags are unchanged. */
export const SetPhoneOptionsInput = struct(
  'SetPhoneOptions',
  { deviceName: DeviceName },
  { speakerphone: Bool, speakerphoneAndHeadset: Bool, video: Bool, pcPort: Bool, extensionMobility: Bool },
);
export type SetPhoneOptionsInput = t.TypeOf<typeof SetPhoneOptionsInput>;

export const ChangeMacAddressInput = struct('ChangeMacAddress', { deviceName: DeviceName, macAddress: MacAddress });
export type ChangeMacAddressInput = t.TypeOf<typeof ChangeMacAddressInput>;

/** Longest phone name (the vendor's device description). */
export const MAX_PHONE_NAME = 128;
export const RenamePhoneInput = struct('RenamePhone', { deviceName: DeviceName, name: label('PhoneName', MAX_PHONE_NAME, 1) });
export type RenamePhoneInput = t.TypeOf<typeof RenamePhoneInput>;

export const SetDisplayLanguageInput = struct('SetDisplayLanguage', {
  deviceName: DeviceName,
  displayLanguage: t.union([LocaleName, t.null]),
});
export type SetDisplayLanguageInput = t.TypeOf<typeof SetDisplayLanguageInput>;
