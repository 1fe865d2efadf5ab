import type { Decider } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { refuse, type SelfCareDecideError } from '../shared/errors.js';
import { FEATURES, type Feature, type SettingsPage } from '../shared/features.js';
import type { VisibilityCommand } from './commands.js';
import type { VisibilityEvent } from './events.js';

/** Visible features per page; `null`: the operator never set the page, every feature is shown (the vendor's default). */
export type VisibilityState = { readonly [P in SettingsPage]: readonly Feature[] | null };

export const initialVisibility = (): VisibilityState => ({ phone: null, line: null, user: null, snr: null });

/** The features of `page` shown to users. */
export const visibleFeatures = (state: VisibilityState, page: SettingsPage): readonly Feature[] => state[page] ?? FEATURES[page];

/** True when `feature` of `page` is shown (and so may be changed). */
export const isVisible = (state: VisibilityState, page: SettingsPage, feature: Feature): boolean =>
  visibleFeatures(state, page).includes(feature);

const sameList = (a: readonly string[] | null, b: readonly string[]) =>
  a !== null && a.length === b.length && a.every((x) => b.includes(x));

/** The operator's feature lists (`selfcare-visibility`). Only an administrator changes them. */
export const visibilityDecider: Decider<VisibilityCommand, VisibilityEvent, VisibilityState, SelfCareDecideError> = {
  initialState: initialVisibility,
  evolve: (state, event) => (event.type === 'VisibleFeaturesChanged' ? { ...state, [event.data.page]: [...event.data.features] } : state),
  decide: (command, state) => {
    if (command.actor !== 'administrator' && command.actor !== 'system')
      return E.left(refuse('not_authorized', 'only an administrator sets the visible features', 'page'));
    const { page, features } = command.data;
    if (sameList(state[page], features)) return E.right([]);
    return E.right([{ type: 'VisibleFeaturesChanged', data: { page, features: [...features] } }]);
  },
};
