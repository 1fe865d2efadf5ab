import type { Actor } from '@selfprov/core';
import type { Feature, SettingsPage } from '../shared/features.js';

/** The operator sets the visible features of one page (replacing the page's list). */
export type SetVisibleFeatures = {
  readonly type: 'SetVisibleFeatures';
  readonly data: { readonly page: SettingsPage; readonly features: readonly Feature[] };
  readonly actor: Actor['kind'];
};

export type VisibilityCommand = SetVisibleFeatures;
