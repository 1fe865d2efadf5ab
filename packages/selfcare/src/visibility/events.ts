import type { DomainEvent } from '@selfprov/core';
import type { Feature, SettingsPage } from '../shared/features.js';

/** Events of `selfcare-visibility`. */
export type VisibleFeaturesChanged = DomainEvent<'VisibleFeaturesChanged', { readonly page: SettingsPage; readonly features: Feature[] }>;

export type VisibilityEvent = VisibleFeaturesChanged;
export const visibilityEventTypes: readonly VisibilityEvent['type'][] = ['VisibleFeaturesChanged'];
