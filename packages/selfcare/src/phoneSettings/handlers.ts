import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, foldLoaded, type Op } from '../facade/support.js';
import type { Principal } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import {
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
import { type PhoneFacts, type PhoneSettingsCommand, phoneFeatureOf } from './commands.js';
import { phoneSettingsDecider } from './decider.js';

/** One phone-settings command: decoded at the call, then authorized and decided on the phone's settings stream. */
const phoneCommand =
  <I extends { readonly deviceName: string }>(deps: SelfCareDeps, type: PhoneSettingsCommand['type'], codec: t.Type<I, unknown, unknown>) =>
  (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
    const { phones, catalog } = deps;
    const data = decode(codec, input);
    if (E.isLeft(data)) return deps.fail(data.left);
    const { deviceName } = data.right;
    return deps.scoped<PhoneFacts>(
      principal,
      {
        page: 'phone',
        feature: phoneFeatureOf[type],
        target: () => selfCareStreams.phoneSettings(deviceName),
        facts: async (subject) => {
          const f = await deps.deviceFacts(subject, deviceName);
          if (E.isLeft(f)) return f;
          let macUsedBy: string | null = null;
          const mac = (data.right as { macAddress?: string }).macAddress;
          if (mac !== undefined && phones.deviceWithMac) {
            const used = await phones.deviceWithMac(mac)();
            if (E.isLeft(used)) return used;
            macUsedBy = used.right ?? null;
          }
          return E.right({ subject, owner: f.right.owner, kind: f.right.kind, catalog, macUsedBy });
        },
        decide: (loaded, facts, _subject, target) =>
          phoneSettingsDecider.decide(
            { type, data: data.right, facts } as unknown as PhoneSettingsCommand,
            foldLoaded(phoneSettingsDecider, loaded, target),
          ),
      },
      call,
    );
  };

/** Phone (or extension mobility profile) settings of the carousel's selected entry. */
export const phoneSettingsHandlers = (deps: SelfCareDeps) => ({
  changeMacAddress: phoneCommand(deps, 'ChangeMacAddress', ChangeMacAddressInput),
  rename: phoneCommand(deps, 'RenamePhone', RenamePhoneInput),
  setDisplayLanguage: phoneCommand(deps, 'SetDisplayLanguage', SetDisplayLanguageInput),
  setSpeedDials: phoneCommand(deps, 'SetSpeedDials', SetSpeedDialsInput),
  addSpeedDial: phoneCommand(deps, 'AddSpeedDial', AddSpeedDialInput),
  removeSpeedDial: phoneCommand(deps, 'RemoveSpeedDial', RemoveSpeedDialInput),
  setDoNotDisturb: phoneCommand(deps, 'SetDoNotDisturb', SetDoNotDisturbInput),
  setLocale: phoneCommand(deps, 'SetLocale', SetLocaleInput),
  setMusicOnHold: phoneCommand(deps, 'SetPhoneMusicOnHold', SetPhoneMusicOnHoldInput),
  setOptions: phoneCommand(deps, 'SetPhoneOptions', SetPhoneOptionsInput),
});
