import type { Projection, RecordedEvent } from '@selfprov/core';
import { type AccountState, accountDecider } from '../account/decider.js';
import type { AccountEvent } from '../account/events.js';
import { type DomainRulesState, domainRulesDecider } from '../domainRules/decider.js';
import type { DomainRulesEvent } from '../domainRules/events.js';
import { lineKey } from '../lineSettings/commands.js';
import { type LineSettingsState, lineSettingsDecider } from '../lineSettings/decider.js';
import type { LineSettingsEvent } from '../lineSettings/events.js';
import { type PhoneSettingsState, phoneSettingsDecider } from '../phoneSettings/decider.js';
import type { PhoneSettingsEvent } from '../phoneSettings/events.js';
import { selfCareStreamKind } from '../shared/streams.js';
import { type SingleNumberReachState, singleNumberReachDecider } from '../singleNumberReach/decider.js';
import type { SingleNumberReachEvent } from '../singleNumberReach/events.js';
import { type VisibilityState, visibilityDecider } from '../visibility/decider.js';
import type { VisibilityEvent } from '../visibility/events.js';

/**
 * Everything self-care has recorded, folded from the global log with the
 * aggregates' own `evolve` functions (so the view can never disagree with a
 * decision). Used for queries, session look-up by token fingerprint, the
 * migration's domain and account lists, and the loop check of call forwarding.
 */
export interface SelfCareView {
  readonly domains: Map<string, DomainRulesState>;
  readonly accounts: Map<string, AccountState>;
  /** Token fingerprint -> user, for the open sessions. */
  readonly sessionsByToken: Map<string, string>;
  readonly phones: Map<string, PhoneSettingsState>;
  /** Keyed `<deviceName>#<lineIndex>`. */
  readonly lines: Map<string, LineSettingsState>;
  readonly snr: Map<string, SingleNumberReachState>;
  visibility: VisibilityState;
}

export const emptyView = (): SelfCareView => ({
  domains: new Map(),
  accounts: new Map(),
  sessionsByToken: new Map(),
  phones: new Map(),
  lines: new Map(),
  snr: new Map(),
  visibility: visibilityDecider.initialState(),
});

const fold = <S, Ev>(map: Map<string, S>, key: string, evolve: (s: S, e: Ev) => S, initial: () => S, event: Ev) => {
  map.set(key, evolve(map.get(key) ?? initial(), event));
};

/** Folds one recorded event into the view (in place; the runner owns the view). */
export const evolveView = (view: SelfCareView, recorded: RecordedEvent): SelfCareView => {
  const kind = selfCareStreamKind(recorded.streamId);
  if (kind === undefined) return view;
  const event = { type: recorded.type, data: recorded.data } as never;
  const data = recorded.data as Record<string, unknown>;
  switch (kind) {
    case 'domain':
      fold<DomainRulesState, DomainRulesEvent>(
        view.domains,
        String(data.domain),
        domainRulesDecider.evolve,
        domainRulesDecider.initialState,
        event,
      );
      break;
    case 'account': {
      const userId = String(data.userId);
      const before = view.accounts.get(userId)?.sessions ?? [];
      fold<AccountState, AccountEvent>(view.accounts, userId, accountDecider.evolve, accountDecider.initialState, event);
      const after = view.accounts.get(userId)?.sessions ?? [];
      for (const s of before) if (!after.includes(s)) view.sessionsByToken.delete(s.tokenHash);
      for (const s of after) view.sessionsByToken.set(s.tokenHash, userId);
      break;
    }
    case 'phoneSettings':
      fold<PhoneSettingsState, PhoneSettingsEvent>(
        view.phones,
        String(data.deviceName),
        phoneSettingsDecider.evolve,
        phoneSettingsDecider.initialState,
        event,
      );
      break;
    case 'lineSettings':
      fold<LineSettingsState, LineSettingsEvent>(
        view.lines,
        lineKey(String(data.deviceName), Number(data.lineIndex)),
        lineSettingsDecider.evolve,
        lineSettingsDecider.initialState,
        event,
      );
      break;
    case 'singleNumberReach':
      fold<SingleNumberReachState, SingleNumberReachEvent>(
        view.snr,
        String(data.userId),
        singleNumberReachDecider.evolve,
        singleNumberReachDecider.initialState,
        event,
      );
      break;
    case 'visibility':
      view.visibility = visibilityDecider.evolve(view.visibility, event as VisibilityEvent);
      break;
  }
  return view;
};

/** The self-care read model as a core `Projection` (rebuilt from the log on start). */
export const selfCareProjection: Projection<SelfCareView> = {
  name: 'selfcare-view',
  version: 1,
  initialState: emptyView,
  evolve: evolveView,
};
