import * as t from 'io-ts';
import { oneOf, struct } from '../shared/codecs.js';
import { SETTINGS_PAGES, type SettingsPage } from '../shared/features.js';

/** A settings page name. */
export const SettingsPageCodec = oneOf<SettingsPage>('SettingsPage', SETTINGS_PAGES);

/**
 * Input of `setVisibleFeatures`: the page and its visible features, either as
 * the vendor's string (`General,SpeedDials,...#`) or as an array of names.
 * Names are checked by `parseFeatureList` (it knows the page).
 */
export const SetVisibleFeaturesInput = struct('SetVisibleFeatures', {
  page: SettingsPageCodec,
  features: t.union([t.string, t.array(t.string)]),
});
export type SetVisibleFeaturesInput = t.TypeOf<typeof SetVisibleFeaturesInput>;
