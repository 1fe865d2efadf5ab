import type { Decider } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { Catalog } from '../shared/catalog.js';
import { notOwner, refuse, type SelfCareDecideError } from '../shared/errors.js';
import { MAX_SPEED_DIALS } from './codecs.js';
import type { PhoneFacts, PhoneSettingsCommand } from './commands.js';
import type { MusicOnHold, PhoneOptions, PhoneSettingsEvent, SpeedDial } from './events.js';

export interface PhoneSettingsState {
  readonly macAddress: string | null;
  readonly name: string | null;
  readonly displayLanguage: string | null;
  readonly speedDials: readonly SpeedDial[];
  readonly doNotDisturb: { readonly enabled: boolean; readonly incomingCallOption: 'ringer-off' | 'call-reject' | 'beep-only' };
  readonly locale: { readonly userLocale: string | null; readonly networkLocale: string | null };
  readonly musicOnHold: MusicOnHold;
  readonly options: PhoneOptions;
}

/** Defaults of a phone nobody changed: the vendor's (speakerphone, headset, video, PC port on; extension mobility off). */
export const initialPhoneSettings = (): PhoneSettingsState => ({
  macAddress: null,
  name: null,
  displayLanguage: null,
  speedDials: [],
  doNotDisturb: { enabled: false, incomingCallOption: 'ringer-off' },
  locale: { userLocale: null, networkLocale: null },
  musicOnHold: { userHoldAudioSource: null, networkHoldAudioSource: null },
  options: { speakerphone: true, speakerphoneAndHeadset: true, video: true, pcPort: true, extensionMobility: false },
});

/** Total pause of a speed-dial number: each comma waits 2 seconds. */
export const pauseSeconds = (number: string): number => [...number].filter((c) => c === ',').length * 2;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const numbered = (dials: readonly { number: string; label?: string | undefined }[]): SpeedDial[] =>
  dials.map((d, i) => ({ position: i + 1, number: d.number, label: d.label ?? '' }));

const checkInstalled = (
  value: string | null | undefined,
  installed: readonly string[],
  field: string,
  code: 'locale_not_installed' | 'unknown_audio_source',
): SelfCareDecideError | undefined =>
  value === null || value === undefined || installed.includes(value)
    ? undefined
    : refuse(code, `${field} is not installed on the cluster: choose one of ${installed.join(', ')}`, field, { installed });

/** Ownership and applicability: the device must be the subject's, and a phone or extension mobility profile. */
export const checkDevice = (facts: PhoneFacts): SelfCareDecideError | undefined => {
  if (facts.owner === null || facts.owner !== facts.subject) return notOwner('deviceName');
  if (facts.kind === 'remote-destination-profile')
    return refuse('not_applicable', 'a remote destination profile has single number reach settings, not phone settings', 'deviceName');
  return undefined;
};

const checkMusicOnHold = (m: { userHoldAudioSource?: string | null; networkHoldAudioSource?: string | null }, catalog: Catalog) =>
  checkInstalled(m.userHoldAudioSource, catalog.audioSources, 'userHoldAudioSource', 'unknown_audio_source') ??
  checkInstalled(m.networkHoldAudioSource, catalog.audioSources, 'networkHoldAudioSource', 'unknown_audio_source');

/** Merges a partial hold-audio change into the current one. */
export const mergeMusicOnHold = (
  current: MusicOnHold,
  change: { userHoldAudioSource?: string | null; networkHoldAudioSource?: string | null },
): MusicOnHold => ({
  userHoldAudioSource: change.userHoldAudioSource === undefined ? current.userHoldAudioSource : change.userHoldAudioSource,
  networkHoldAudioSource: change.networkHoldAudioSource === undefined ? current.networkHoldAudioSource : change.networkHoldAudioSource,
});

export { checkMusicOnHold };

/** Settings of one phone or extension mobility profile (`phone-settings-<deviceName>`). */
export const phoneSettingsDecider: Decider<PhoneSettingsCommand, PhoneSettingsEvent, PhoneSettingsState, SelfCareDecideError> = {
  initialState: initialPhoneSettings,
  evolve: (state, event) => {
    switch (event.type) {
      case 'PhoneMacAddressChanged':
        return { ...state, macAddress: event.data.macAddress };
      case 'SpeedDialsChanged':
        return { ...state, speedDials: event.data.speedDials.map((d) => ({ ...d })) };
      case 'DoNotDisturbChanged':
        return { ...state, doNotDisturb: { enabled: event.data.enabled, incomingCallOption: event.data.incomingCallOption } };
      case 'PhoneLocaleChanged':
        return { ...state, locale: { userLocale: event.data.userLocale, networkLocale: event.data.networkLocale } };
      case 'PhoneMusicOnHoldChanged':
        return {
          ...state,
          musicOnHold: { userHoldAudioSource: event.data.userHoldAudioSource, networkHoldAudioSource: event.data.networkHoldAudioSource },
        };
      case 'PhoneOptionsChanged':
        return { ...state, options: { ...event.data.options } };
      case 'PhoneRenamed':
        return { ...state, name: event.data.name };
      case 'PhoneDisplayLanguageChanged':
        return { ...state, displayLanguage: event.data.displayLanguage };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    const { facts } = command;
    const bad = checkDevice(facts);
    if (bad) return E.left(bad);
    const on = { deviceName: command.data.deviceName, userId: facts.subject };
    const none = E.right([] as PhoneSettingsEvent[]);
    switch (command.type) {
      case 'ChangeMacAddress': {
        const { macAddress } = command.data;
        if (facts.kind !== 'phone') return E.left(refuse('not_applicable', 'only a phone has a MAC address, not a profile', 'macAddress'));
        if (facts.macUsedBy != null && facts.macUsedBy !== command.data.deviceName)
          return E.left(refuse('mac_in_use', 'another phone is registered with this MAC address', 'macAddress'));
        if (state.macAddress === macAddress) return none;
        return E.right([{ type: 'PhoneMacAddressChanged', data: { ...on, macAddress } }]);
      }
      case 'SetSpeedDials': {
        const speedDials = numbered(command.data.speedDials);
        if (same(speedDials, state.speedDials)) return none;
        return E.right([{ type: 'SpeedDialsChanged', data: { ...on, speedDials } }]);
      }
      case 'AddSpeedDial': {
        if (state.speedDials.length >= MAX_SPEED_DIALS)
          return E.left(
            refuse('too_many_speed_dials', `a phone has at most ${MAX_SPEED_DIALS} speed dials`, 'number', { max: MAX_SPEED_DIALS }),
          );
        const speedDials = numbered([...state.speedDials, { number: command.data.number, label: command.data.label ?? '' }]);
        return E.right([{ type: 'SpeedDialsChanged', data: { ...on, speedDials } }]);
      }
      case 'RemoveSpeedDial': {
        const { position } = command.data;
        if (position > state.speedDials.length)
          return E.left(refuse('speed_dial_not_found', `there is no speed dial at position ${position}`, 'position'));
        const speedDials = numbered(state.speedDials.filter((d) => d.position !== position));
        return E.right([{ type: 'SpeedDialsChanged', data: { ...on, speedDials } }]);
      }
      case 'SetDoNotDisturb': {
        const next = {
          enabled: command.data.enabled,
          incomingCallOption: command.data.incomingCallOption ?? state.doNotDisturb.incomingCallOption,
        };
        if (same(next, state.doNotDisturb)) return none;
        return E.right([{ type: 'DoNotDisturbChanged', data: { ...on, ...next } }]);
      }
      case 'SetLocale': {
        const { userLocale, networkLocale } = command.data;
        const bad2 =
          checkInstalled(userLocale, facts.catalog.userLocales, 'userLocale', 'locale_not_installed') ??
          checkInstalled(networkLocale, facts.catalog.networkLocales, 'networkLocale', 'locale_not_installed');
        if (bad2) return E.left(bad2);
        const next = {
          userLocale: userLocale === undefined ? state.locale.userLocale : userLocale,
          networkLocale: networkLocale === undefined ? state.locale.networkLocale : networkLocale,
        };
        if (same(next, state.locale)) return none;
        return E.right([{ type: 'PhoneLocaleChanged', data: { ...on, ...next } }]);
      }
      case 'SetPhoneMusicOnHold': {
        const bad2 = checkMusicOnHold(command.data, facts.catalog);
        if (bad2) return E.left(bad2);
        const next = mergeMusicOnHold(state.musicOnHold, command.data);
        if (same(next, state.musicOnHold)) return none;
        return E.right([{ type: 'PhoneMusicOnHoldChanged', data: { ...on, ...next } }]);
      }
      case 'SetPhoneOptions': {
        const { speakerphone, speakerphoneAndHeadset, video, pcPort, extensionMobility } = command.data;
        const o = state.options;
        const options: PhoneOptions = {
          speakerphone: speakerphone ?? o.speakerphone,
          speakerphoneAndHeadset: speakerphoneAndHeadset ?? o.speakerphoneAndHeadset,
          video: video ?? o.video,
          pcPort: pcPort ?? o.pcPort,
          extensionMobility: extensionMobility ?? o.extensionMobility,
        };
        if (same(options, state.options)) return none;
        return E.right([{ type: 'PhoneOptionsChanged', data: { ...on, options } }]);
      }
      case 'RenamePhone': {
        if (state.name === command.data.name) return none;
        return E.right([{ type: 'PhoneRenamed', data: { ...on, name: command.data.name } }]);
      }
      case 'SetDisplayLanguage': {
        const { displayLanguage } = command.data;
        const bad2 = checkInstalled(displayLanguage, facts.catalog.userLocales, 'displayLanguage', 'locale_not_installed');
        if (bad2) return E.left(bad2);
        if (state.displayLanguage === displayLanguage) return none;
        return E.right([{ type: 'PhoneDisplayLanguageChanged', data: { ...on, displayLanguage } }]);
      }
    }
  },
};
