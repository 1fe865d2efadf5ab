import * as t from 'io-ts';
import { commandCodec } from '../aggregateSupport.js';
import { ClusterId, DeviceName, DirectoryNumber, MacAddress, Name, Protocol, UserId } from '../shared/codecs.js';

/** Codecs of the phone aggregate (`phone-<deviceName>`). */

/** A phone model as the device reports it, e.g. `Cisco 8845`: 1-100 characters. */
export const PhoneModel = Name;

/** A line of a phone: its button index (1 = line 1), its DN and the line template applied. */
export const PhoneLine = t.intersection([t.type({ index: t.number, dn: DirectoryNumber }), t.partial({ lineTemplate: Name })], 'PhoneLine');
export type PhoneLine = t.TypeOf<typeof PhoneLine>;

export const ReplacedPhoneDisposition = t.keyof({ keep: null, delete: null }, 'ReplacedPhoneDisposition');
export type ReplacedPhoneDisposition = t.TypeOf<typeof ReplacedPhoneDisposition>;

export const ResetReason = t.keyof({ provisioned: null, replaced: null, administrator: null, 'settings-changed': null }, 'ResetReason');
export type ResetReason = t.TypeOf<typeof ResetReason>;

export const RemovePhoneReason = t.keyof({ replaced: null, administrator: null }, 'RemovePhoneReason');
export type RemovePhoneReason = t.TypeOf<typeof RemovePhoneReason>;

const id = { deviceName: DeviceName };

/** The phone auto-registered: a temporary DN on line 1 and the auto-registration templates. */
export const AutoRegisterPhone = commandCodec(
  'AutoRegisterPhone',
  { ...id, mac: MacAddress, model: PhoneModel, protocol: Protocol, clusterId: ClusterId, directoryNumber: DirectoryNumber },
  { deviceTemplate: Name, lineTemplate: Name },
);
/** The SIP registrar reports whether the phone is registered right now. */
export const RecordRegistration = commandCodec('RecordRegistration', { ...id, registered: t.boolean });
/**
 * The phone becomes `owner`'s with these templates and lines. `allowOwnedByOtherUser`
 * comes from the new owner's user profile; `replaces` names the phone it replaces.
 */
export const ProvisionPhone = commandCodec(
  'ProvisionPhone',
  { ...id, owner: UserId, deviceTemplate: Name, lines: t.readonlyArray(PhoneLine), allowOwnedByOtherUser: t.boolean },
  { replaces: DeviceName },
);
/** The (unregistered) phone was replaced by `replacedBy`; `disposition` is the enterprise parameter. */
export const MarkPhoneReplaced = commandCodec('MarkPhoneReplaced', {
  ...id,
  replacedBy: DeviceName,
  disposition: ReplacedPhoneDisposition,
});
export const RequestPhoneReset = commandCodec('RequestPhoneReset', { ...id, reason: ResetReason });
export const RemovePhone = commandCodec('RemovePhone', { ...id, reason: RemovePhoneReason });

export const phoneCommandCodecs = {
  AutoRegisterPhone,
  RecordRegistration,
  ProvisionPhone,
  MarkPhoneReplaced,
  RequestPhoneReset,
  RemovePhone,
} as const;
