import * as t from 'io-ts';
import { LocaleCodec } from '../cluster/locales.js';
import { ClusterId, intBetween, Name } from '../shared/codecs.js';
import { boundedArray, checkedString, commandCodec, withDefault } from '../shared/configurationCodecKit.js';

/**
 * Tags a device or line description may contain; provisioning replaces them with
 * the owner's values (see {@link renderDescription}). `#Product#` is the phone model,
 * `#Protocol#` SIP or SCCP, `#DN#` the line 1 number.
 */
export const descriptionTags = ['#FirstName#', '#LastName#', '#UserID#', '#Product#', '#Protocol#', '#DN#'] as const;
export type DescriptionTag = (typeof descriptionTags)[number];

const TAG = /#[A-Za-z0-9]+#/g;
const usesKnownTagsOnly = (s: string): boolean => (s.match(TAG) ?? []).every((tag) => (descriptionTags as readonly string[]).includes(tag));
const printable = (s: string): boolean => s.trim() === s && !/[\u0000-\u001f\u007f]/.test(s);

/** A description with tags: 1 to `max` characters, no control characters, only known `#Tag#`s. */
export const taggedText = (name: string, max: number) =>
  checkedString(
    name,
    (s) => s.length >= 1 && s.length <= max && printable(s) && usesKnownTagsOnly(s),
    `must be 1-${max} characters without control characters, using only the tags ${descriptionTags.join(' ')}`,
  );

/** The vendor's device description: up to 128 characters. */
export const MAX_DEVICE_DESCRIPTION = 128;
export const DeviceDescription = taggedText('DeviceDescription', MAX_DEVICE_DESCRIPTION);

/**
 * Replaces the tags of a description with the given values (a missing value becomes
 * empty), collapses the spaces left behind and cuts the result to `max` characters.
 * Pure, for the provisioning workflow: `renderDescription('#FirstName# #LastName# (#Product#)',
 * { '#FirstName#': 'Alice', '#LastName#': 'Martin', '#Product#': 'Cisco 8845' })`.
 */
export const renderDescription = (
  template: string,
  values: Partial<Record<DescriptionTag, string>>,
  max = MAX_DEVICE_DESCRIPTION,
): string =>
  template
    .replace(TAG, (tag) => values[tag as DescriptionTag] ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);

/** Digits a phone dials: optional leading `+`, then 0-9, `*`, `#`; 1-50 characters. */
export const DialString = checkedString(
  'DialString',
  (s) => /^\+?[0-9*#]{1,50}$/.test(s),
  'must be an optional + then 1-50 digits, * or #',
);

/** A button label: up to 30 printable characters. */
export const ButtonLabel = checkedString(
  'ButtonLabel',
  (s) => s.length >= 1 && s.length <= 30 && printable(s),
  'must be 1-30 characters without control characters',
);

/** An http(s) URL of at most 255 characters. */
export const Url = checkedString(
  'Url',
  (s) => s.length <= 255 && /^https?:\/\/[^\s/?#]+[^\s]*$/.test(s),
  'must be an http:// or https:// URL (at most 255 characters)',
);

/** The vendor's largest speed-dial index. */
export const MAX_BUTTON_INDEX = 199;
const ButtonIndex = intBetween(1, MAX_BUTTON_INDEX, 'ButtonIndex');

/** A speed dial (the vendor's tip, docs/domain.md: one to the IVR extension helps provisioning many phones). Label '' = none. */
export const SpeedDial = t.exact(t.type({ index: ButtonIndex, number: DialString, label: withDefault(ButtonLabel, '') }), 'SpeedDial');
export type SpeedDial = t.TypeOf<typeof SpeedDial>;

/** A busy lamp field speed dial. Label '' = none. */
export const BusyLampField = t.exact(
  t.type({ index: ButtonIndex, destination: DialString, label: withDefault(ButtonLabel, ''), callPickup: withDefault(t.boolean, false) }),
  'BusyLampField',
);
export type BusyLampField = t.TypeOf<typeof BusyLampField>;

export const DndOption = t.keyof({ 'use-common-profile': null, 'ringer-off': null, 'call-reject': null }, 'DndOption');
export type DndOption = t.TypeOf<typeof DndOption>;

/** The five fields the vendor requires. */
export const deviceTemplateRequired = {
  /** May contain tags, e.g. `#FirstName# #LastName# (#Product#)`. */
  deviceDescription: DeviceDescription,
  devicePool: Name,
  deviceSecurityProfile: Name,
  sipProfile: Name,
  phoneButtonTemplate: Name,
};

/** Optional fields that have a vendor default. */
export const deviceTemplateDefaulted = {
  speedDials: withDefault(boundedArray(SpeedDial, MAX_BUTTON_INDEX, 'SpeedDials'), []),
  busyLampFields: withDefault(boundedArray(BusyLampField, MAX_BUTTON_INDEX, 'BusyLampFields'), []),
  doNotDisturb: withDefault(t.boolean, false),
  dndOption: withDefault(DndOption, 'use-common-profile'),
  extensionMobility: withDefault(t.boolean, false),
};

/** Optional fields without a default (absent = not set). */
export const deviceTemplateOptional = {
  callingSearchSpace: Name,
  commonPhoneProfile: Name,
  commonDeviceConfiguration: Name,
  softkeyTemplate: Name,
  featureControlPolicy: Name,
  location: Name,
  userLocale: LocaleCodec,
  idleUrl: Url,
  servicesUrl: Url,
};

/** A new universal device template (UDT); its name is unique (stream `udt-<name>`). */
export const CreateDeviceTemplate = commandCodec(
  'CreateDeviceTemplate',
  { name: Name, clusterId: ClusterId, ...deviceTemplateRequired, ...deviceTemplateDefaulted },
  deviceTemplateOptional,
);
/** Saves the template's form again: a full replacement (omitted optional fields are cleared or take their default). */
export const UpdateDeviceTemplate = commandCodec(
  'UpdateDeviceTemplate',
  { name: Name, ...deviceTemplateRequired, ...deviceTemplateDefaulted },
  deviceTemplateOptional,
);

export const deviceTemplateCommandCodecs = { CreateDeviceTemplate, UpdateDeviceTemplate } as const;
