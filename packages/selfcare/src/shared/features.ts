import { type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';

/**
 * The features of each settings page that the operator can show or hide
 * (the vendor's `enabled features for Phone Settings ...` lists). A hidden
 * feature is refused by the commands too, not only left out of the page.
 */
export const FEATURES = {
  /** Phone (or profile) settings. `General`: MAC address, phone name. */
  phone: ['General', 'SpeedDials', 'DoNotDisturb', 'Locale', 'MusicOnHold', 'Others'],
  /** Line settings. */
  line: ['CallForward', 'CallerId', 'Notification', 'MusicOnHold'],
  /** User settings. `Information`: name, email, primary phone. `Pin`: phone and voicemail PINs. */
  user: ['Information', 'Password', 'Pin'],
  /** Single number reach settings (shown instead of phone settings for a remote destination profile). */
  snr: ['AlternateNumbers'],
} as const;

export type SettingsPage = keyof typeof FEATURES;
export type Feature<P extends SettingsPage = SettingsPage> = (typeof FEATURES)[P][number];
export type PhoneFeature = Feature<'phone'>;
export type LineFeature = Feature<'line'>;
export type UserFeature = Feature<'user'>;
export type SnrFeature = Feature<'snr'>;

export const SETTINGS_PAGES = Object.keys(FEATURES) as SettingsPage[];

/**
 * Parses an operator's feature list for one page, in the vendor's form
 * `General,SpeedDials,DoNotDisturb,Locale,MusicOnHold,Others#`: comma-separated,
 * an optional trailing `#`, names matched case-insensitively, duplicates (the
 * vendor's own sample repeats names) ignored. An unknown name is refused,
 * naming its position; an empty list hides every feature of the page.
 */
export const parseFeatureList = (
  page: SettingsPage,
  input: string | readonly string[],
  field = 'features',
): E.Either<ValidationError, Feature[]> => {
  const raw = typeof input === 'string' ? input.trim().replace(/#$/, '').split(',') : [...input];
  const names = raw.map((n) => (typeof n === 'string' ? n.trim() : n));
  const known = FEATURES[page] as readonly string[];
  const out: Feature[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (typeof name !== 'string')
      return E.left(validationError('unknown_feature', `${field}[${i}]`, `${field}[${i}] must be a feature name`));
    if (name === '' && typeof input === 'string') continue;
    const canonical = known.find((k) => k.toLowerCase() === name.toLowerCase()) as Feature | undefined;
    if (canonical === undefined)
      return E.left(
        validationError('unknown_feature', `${field}[${i}]`, `${field}[${i}] is not a feature of the ${page} page: ${known.join(', ')}`, {
          page,
          known,
        }),
      );
    if (!out.includes(canonical)) out.push(canonical);
  }
  return E.right(out);
};
