import * as E from 'fp-ts/lib/Either.js';
import { authorize } from '../account/access.js';
import { type AccountState, accountDecider, hasSelfCare, landingOf } from '../account/decider.js';
import type { DomainRulesState } from '../domainRules/decider.js';
import type { SelfCareDeps } from '../facade/deps.js';
import { type Op, op } from '../facade/support.js';
import { lineKey } from '../lineSettings/commands.js';
import { initialLineSettings, type LineSettingsState } from '../lineSettings/decider.js';
import { initialPhoneSettings, type PhoneSettingsState, pauseSeconds } from '../phoneSettings/decider.js';
import type { CarouselKind } from '../ports/phoneDirectory.js';
import { refuse, type SelfCareError } from '../shared/errors.js';
import { type Feature, SETTINGS_PAGES, type SettingsPage } from '../shared/features.js';
import { type Principal, subjectOf } from '../shared/principal.js';
import type { AlternateNumberState } from '../singleNumberReach/decider.js';
import { visibleFeatures } from '../visibility/decider.js';
import type { SelfCareView } from './projection.js';

/** One entry of the carousel with its settings and its lines' settings. */
export interface CarouselItem {
  readonly deviceName: string;
  readonly kind: CarouselKind;
  readonly model: string | null;
  readonly description: string | null;
  readonly settings: PhoneSettingsState & { readonly speedDialPauses: readonly number[] };
  readonly lines: readonly { readonly index: number; readonly directoryNumber: string; readonly settings: LineSettingsState }[];
}

export interface CarouselView {
  readonly userId: string;
  readonly items: readonly CarouselItem[];
  /** The features shown per page; the others are refused. */
  readonly visible: { readonly [P in SettingsPage]: readonly Feature[] };
}

export interface UserSettingsView {
  readonly userId: string;
  readonly domain: string;
  readonly roles: readonly string[];
  /** True for a user with only the self-care role (lands in the portal); others reach it from Personal Settings. */
  readonly selfCareOnly: boolean;
  readonly personal: AccountState['personal'];
  readonly primaryPhone: string | null;
  readonly passwordSet: boolean;
}

/** The caught-up read model and the subject, once the principal is authorized (no page: queries are not hidden features). */
const queryAccess = async (
  deps: SelfCareDeps,
  principal: Principal,
): Promise<E.Either<SelfCareError, { view: SelfCareView; subject: string }>> => {
  const view = await deps.freshView();
  if (E.isLeft(view)) return view;
  const subject = subjectOf(principal);
  const account = (subject === undefined ? undefined : view.right.accounts.get(subject)) ?? accountDecider.initialState();
  const who = authorize({ principal, account, visibility: view.right.visibility, now: deps.runtime.clock.now() });
  return E.map((s: string) => ({ view: view.right, subject: s }))(who);
};

const visibleOf = (view: SelfCareView) =>
  Object.fromEntries(SETTINGS_PAGES.map((p) => [p, visibleFeatures(view.visibility, p)])) as CarouselView['visible'];

/** The user's carousel: phones and profiles with their settings and their lines' settings. */
export const carousel = (deps: SelfCareDeps, principal: Principal): Op<CarouselView> =>
  op(async () => {
    const access = await queryAccess(deps, principal);
    if (E.isLeft(access)) return access;
    const { view, subject } = access.right;
    const own = await deps.phones.phonesOf(subject)();
    if (E.isLeft(own)) return own;
    const items = own.right.map((d): CarouselItem => {
      const settings = view.phones.get(d.deviceName) ?? initialPhoneSettings();
      return {
        deviceName: d.deviceName,
        kind: d.kind,
        model: d.model,
        description: d.description,
        settings: { ...settings, speedDialPauses: settings.speedDials.map((s) => pauseSeconds(s.number)) },
        lines: d.lines.map((l) => ({
          index: l.index,
          directoryNumber: l.directoryNumber,
          settings: view.lines.get(lineKey(d.deviceName, l.index)) ?? initialLineSettings(),
        })),
      };
    });
    return E.right({ userId: subject, items, visible: visibleOf(view) });
  });

/** The subject's account: roles, personal data, primary phone, whether a password is set. */
export const userSettings = (deps: SelfCareDeps, principal: Principal): Op<UserSettingsView> =>
  op(async () => {
    const access = await queryAccess(deps, principal);
    if (E.isLeft(access)) return access;
    const a = access.right.view.accounts.get(access.right.subject);
    if (a === undefined || !a.exists)
      return E.left(refuse('account_not_found', `no self-care account for user ${access.right.subject}`, 'onBehalfOf'));
    return E.right({
      userId: a.userId,
      domain: a.domain,
      roles: a.roles,
      selfCareOnly: landingOf(a.roles) === 'self-care' && hasSelfCare(a),
      personal: a.personal,
      primaryPhone: a.primaryPhone,
      passwordSet: a.passwordSet,
    });
  });

/** The subject's alternate numbers. */
export const singleNumberReach = (deps: SelfCareDeps, principal: Principal): Op<readonly AlternateNumberState[]> =>
  op(async () => {
    const access = await queryAccess(deps, principal);
    if (E.isLeft(access)) return access;
    return E.right(access.right.view.snr.get(access.right.subject)?.alternateNumbers ?? []);
  });

/** Visible features per page. */
export const visibleFeaturesPerPage = (deps: SelfCareDeps): Op<CarouselView['visible']> =>
  op(async () => E.map(visibleOf)(await deps.freshView()));

/** Every domain with its rules (the default password itself is never readable). */
export const domains = (deps: SelfCareDeps): Op<readonly DomainRulesState[]> =>
  op(async () =>
    E.map((v: SelfCareView) => [...v.domains.values()].sort((a, b) => a.domain.localeCompare(b.domain)))(await deps.freshView()),
  );
