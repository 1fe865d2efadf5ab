import type { DomainEvent } from '@selfprov/core';
import type { MusicOnHold } from '../phoneSettings/events.js';
import type { CALL_AUDIO, ForwardTarget, MESSAGE_AUDIO, MESSAGE_VISUAL } from './codecs.js';

/** Events of `line-settings-<deviceName>-<lineIndex>`: each carries the setting's whole new value. */
type On<D> = { readonly deviceName: string; readonly lineIndex: number; readonly userId: string } & D;

export type SplitForward = { readonly internal: ForwardTarget | null; readonly external: ForwardTarget | null };
export type CallForward = {
  readonly all: ForwardTarget | null;
  readonly busy: SplitForward;
  readonly noAnswer: SplitForward;
  readonly unregistered: SplitForward;
};
export type CallerId = { readonly displayName: string | null; readonly presentation: 'allowed' | 'restricted' };
export type Notification = {
  readonly calls: { readonly audio: (typeof CALL_AUDIO)[number]; readonly visual: boolean };
  readonly messages: { readonly audio: (typeof MESSAGE_AUDIO)[number]; readonly visual: (typeof MESSAGE_VISUAL)[number] };
};

export type CallForwardChanged = DomainEvent<'CallForwardChanged', On<{ readonly callForward: CallForward }>>;
export type CallerIdChanged = DomainEvent<'CallerIdChanged', On<{ readonly callerId: CallerId }>>;
export type LineNotificationChanged = DomainEvent<'LineNotificationChanged', On<{ readonly notification: Notification }>>;
export type LineMusicOnHoldChanged = DomainEvent<'LineMusicOnHoldChanged', On<MusicOnHold>>;

export type LineSettingsEvent = CallForwardChanged | CallerIdChanged | LineNotificationChanged | LineMusicOnHoldChanged;
export const lineSettingsEventTypes: readonly LineSettingsEvent['type'][] = [
  'CallForwardChanged',
  'CallerIdChanged',
  'LineNotificationChanged',
  'LineMusicOnHoldChanged',
];
