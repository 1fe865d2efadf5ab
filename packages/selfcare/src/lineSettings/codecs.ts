import { fieldOf } from '@selfprov/core';
import * as t from 'io-ts';
import { MusicOnHoldFields } from '../phoneSettings/codecs.js';
import { Bool, DeviceName, LineIndex, label, oneOf, struct } from '../shared/codecs.js';

/** Where a forwarded call goes: voicemail, or a number (digits, `*`, `#`, optional leading `+`, at most 50). `null`: not forwarded. */
export type ForwardTarget = { readonly to: 'voicemail' } | { readonly to: 'number'; readonly number: string };

const FORWARD_NUMBER = /^\+?[0-9*#]{1,50}$/;

export const ForwardTargetCodec = new t.Type<ForwardTarget | null, ForwardTarget | null, unknown>(
  'ForwardTarget',
  (u): u is ForwardTarget | null =>
    u === null ||
    (typeof u === 'object' &&
      ((u as { to?: unknown }).to === 'voicemail' ||
        ((u as { to?: unknown }).to === 'number' && FORWARD_NUMBER.test(String((u as { number?: unknown }).number))))),
  (u, c) => {
    if (u === null) return t.success(null);
    if (typeof u === 'object' && !Array.isArray(u)) {
      const o = u as { to?: unknown; number?: unknown };
      if (o.to === 'voicemail') return t.success({ to: 'voicemail' });
      if (o.to === 'number') {
        if (typeof o.number === 'string' && FORWARD_NUMBER.test(o.number)) return t.success({ to: 'number', number: o.number });
        const at = [...c, { key: 'number', type: t.string, actual: o.number }];
        return t.failure(o.number, at, `${fieldOf(at)} must be 1-50 digits, * or #, with an optional leading +`);
      }
    }
    return t.failure(u, c, `${fieldOf(c)} must be null, { to: 'voicemail' } or { to: 'number', number }`);
  },
  (a) => a,
);

/** Internal and external callers are forwarded separately (busy, no answer, unregistered). Absent: unchanged. */
export const SplitForwardInput = struct('SplitForward', {}, { internal: ForwardTargetCodec, external: ForwardTargetCodec });

/**
 * Line Settings > Call Forward. `all` forwards every call (to voicemail too);
 * the other conditions have separate targets for internal and external callers.
 */
export const SetCallForwardInput = struct(
  'SetCallForward',
  { deviceName: DeviceName, lineIndex: LineIndex },
  { all: ForwardTargetCodec, busy: SplitForwardInput, noAnswer: SplitForwardInput, unregistered: SplitForwardInput },
);
export type SetCallForwardInput = t.TypeOf<typeof SetCallForwardInput>;

/** Caller ID: the name shown to called parties (at most 30 characters; `null`: the directory name) and whether the number is presented. */
export const MAX_CALLER_ID_NAME = 30;
export const SetCallerIdInput = struct(
  'SetCallerId',
  { deviceName: DeviceName, lineIndex: LineIndex },
  {
    displayName: t.union([label('CallerIdName', MAX_CALLER_ID_NAME, 1), t.null]),
    presentation: oneOf('Presentation', ['allowed', 'restricted'] as const),
  },
);
export type SetCallerIdInput = t.TypeOf<typeof SetCallerIdInput>;

/** How the phone rings for an incoming call on the line (the vendor's ring settings). */
export const CALL_AUDIO = ['default', 'ring', 'ring-once', 'beep-only', 'flash-only', 'disable'] as const;
/** Audible message-waiting indicator. */
export const MESSAGE_AUDIO = ['default', 'on', 'off'] as const;
/** Visual message-waiting indicator. */
export const MESSAGE_VISUAL = ['default', 'light-and-prompt', 'prompt-only', 'never'] as const;

/** Line Settings > Notification: audio and visual, for calls and for messages. Absent fields unchanged. */
export const SetNotificationInput = struct(
  'SetNotification',
  { deviceName: DeviceName, lineIndex: LineIndex },
  {
    calls: struct('CallNotification', {}, { audio: oneOf('CallAudio', CALL_AUDIO), visual: Bool }),
    messages: struct(
      'MessageNotification',
      {},
      { audio: oneOf('MessageAudio', MESSAGE_AUDIO), visual: oneOf('MessageVisual', MESSAGE_VISUAL) },
    ),
  },
);
export type SetNotificationInput = t.TypeOf<typeof SetNotificationInput>;

export const SetLineMusicOnHoldInput = struct('SetLineMusicOnHold', { deviceName: DeviceName, lineIndex: LineIndex }, MusicOnHoldFields);
export type SetLineMusicOnHoldInput = t.TypeOf<typeof SetLineMusicOnHoldInput>;
