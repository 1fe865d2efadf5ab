import type { Decider } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { checkMusicOnHold, mergeMusicOnHold } from '../phoneSettings/decider.js';
import type { MusicOnHold } from '../phoneSettings/events.js';
import { notOwner, refuse, type SelfCareDecideError } from '../shared/errors.js';
import type { ForwardTarget } from './codecs.js';
import type { LineFacts, LineSettingsCommand } from './commands.js';
import type { CallerId, CallForward, LineSettingsEvent, Notification, SplitForward } from './events.js';

export interface LineSettingsState {
  readonly callForward: CallForward;
  readonly callerId: CallerId;
  readonly notification: Notification;
  readonly musicOnHold: MusicOnHold;
}

const noForward: SplitForward = { internal: null, external: null };

export const initialLineSettings = (): LineSettingsState => ({
  callForward: { all: null, busy: noForward, noAnswer: noForward, unregistered: noForward },
  callerId: { displayName: null, presentation: 'allowed' },
  notification: { calls: { audio: 'default', visual: true }, messages: { audio: 'default', visual: 'default' } },
  musicOnHold: { userHoldAudioSource: null, networkHoldAudioSource: null },
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Ownership: the device must be the subject's and have the line. Answers the line's directory number. */
export const checkLine = (facts: LineFacts, deviceName: string, lineIndex: number): E.Either<SelfCareDecideError, string> => {
  if (facts.owner === null || facts.owner !== facts.subject) return E.left(notOwner('deviceName'));
  const line = facts.lines.find((l) => l.index === lineIndex);
  if (line === undefined)
    return E.left(
      refuse('unknown_line', `${deviceName} has no line ${lineIndex}`, 'lineIndex', { lines: facts.lines.map((l) => l.index) }),
    );
  return E.right(line.directoryNumber);
};

/**
 * True when forwarding to `target` comes back to `ownDn`: the target is the
 * line itself, or a chain of the subject's own forward-all settings leads back
 * to it (A forwards all to B, B forwards all to A).
 */
export const forwardsBackTo = (ownDn: string, target: ForwardTarget | null | undefined, facts: LineFacts, self: string): boolean => {
  if (target == null || target.to !== 'number') return false;
  const next = new Map(
    facts.ownLines.filter((l) => `${l.deviceName}#${l.lineIndex}` !== self).map((l) => [l.directoryNumber, l.forwardAllNumber] as const),
  );
  let current: string | null | undefined = target.number;
  for (let hops = 0; hops <= next.size && current != null; hops++) {
    if (current === ownDn) return true;
    current = next.get(current);
  }
  return false;
};

const mergeSplit = (current: SplitForward, change: { internal?: ForwardTarget | null; external?: ForwardTarget | null } | undefined) =>
  change === undefined
    ? current
    : {
        internal: change.internal === undefined ? current.internal : change.internal,
        external: change.external === undefined ? current.external : change.external,
      };

/** Settings of one line of a phone or profile (`line-settings-<deviceName>-<lineIndex>`). */
export const lineSettingsDecider: Decider<LineSettingsCommand, LineSettingsEvent, LineSettingsState, SelfCareDecideError> = {
  initialState: initialLineSettings,
  evolve: (state, event) => {
    switch (event.type) {
      case 'CallForwardChanged':
        return { ...state, callForward: event.data.callForward };
      case 'CallerIdChanged':
        return { ...state, callerId: event.data.callerId };
      case 'LineNotificationChanged':
        return { ...state, notification: event.data.notification };
      case 'LineMusicOnHoldChanged':
        return {
          ...state,
          musicOnHold: { userHoldAudioSource: event.data.userHoldAudioSource, networkHoldAudioSource: event.data.networkHoldAudioSource },
        };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    const { deviceName, lineIndex } = command.data;
    const dn = checkLine(command.facts, deviceName, lineIndex);
    if (E.isLeft(dn)) return dn;
    const on = { deviceName, lineIndex, userId: command.facts.subject };
    const none = E.right([] as LineSettingsEvent[]);
    switch (command.type) {
      case 'SetCallForward': {
        const d = command.data;
        const cf = state.callForward;
        const next: CallForward = {
          all: d.all === undefined ? cf.all : d.all,
          busy: mergeSplit(cf.busy, d.busy),
          noAnswer: mergeSplit(cf.noAnswer, d.noAnswer),
          unregistered: mergeSplit(cf.unregistered, d.unregistered),
        };
        const self = `${deviceName}#${lineIndex}`;
        const targets: [string, ForwardTarget | null | undefined][] = [
          ['all', d.all],
          ['busy.internal', d.busy?.internal],
          ['busy.external', d.busy?.external],
          ['noAnswer.internal', d.noAnswer?.internal],
          ['noAnswer.external', d.noAnswer?.external],
          ['unregistered.internal', d.unregistered?.internal],
          ['unregistered.external', d.unregistered?.external],
        ];
        for (const [field, target] of targets) {
          const loops =
            field === 'all' ? forwardsBackTo(dn.right, target, command.facts, self) : target?.to === 'number' && target.number === dn.right;
          if (loops) return E.left(refuse('forward_loop', `${field} would forward the line to itself`, field));
        }
        if (same(next, cf)) return none;
        return E.right([{ type: 'CallForwardChanged', data: { ...on, callForward: next } }]);
      }
      case 'SetCallerId': {
        const d = command.data;
        const next: CallerId = {
          displayName: d.displayName === undefined ? state.callerId.displayName : d.displayName,
          presentation: d.presentation ?? state.callerId.presentation,
        };
        if (same(next, state.callerId)) return none;
        return E.right([{ type: 'CallerIdChanged', data: { ...on, callerId: next } }]);
      }
      case 'SetNotification': {
        const d = command.data;
        const n = state.notification;
        const next: Notification = {
          calls: { audio: d.calls?.audio ?? n.calls.audio, visual: d.calls?.visual ?? n.calls.visual },
          messages: { audio: d.messages?.audio ?? n.messages.audio, visual: d.messages?.visual ?? n.messages.visual },
        };
        if (same(next, n)) return none;
        return E.right([{ type: 'LineNotificationChanged', data: { ...on, notification: next } }]);
      }
      case 'SetLineMusicOnHold': {
        const bad = checkMusicOnHold(command.data, command.facts.catalog);
        if (bad) return E.left(bad);
        const next = mergeMusicOnHold(state.musicOnHold, command.data);
        if (same(next, state.musicOnHold)) return none;
        return E.right([{ type: 'LineMusicOnHoldChanged', data: { ...on, ...next } }]);
      }
    }
  },
};
