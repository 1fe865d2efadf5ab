import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, foldLoaded, type Op } from '../facade/support.js';
import type { Principal } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import { SetCallerIdInput, SetCallForwardInput, SetLineMusicOnHoldInput, SetNotificationInput } from './codecs.js';
import { type LineFacts, type LineSettingsCommand, lineFeatureOf, lineKey } from './commands.js';
import { lineSettingsDecider } from './decider.js';

/**
 * One line-settings command: decoded at the call, then authorized and decided
 * on the line's settings stream, with the subject's own lines and their
 * forward-all numbers (from the read model) for the loop check.
 */
const lineCommand =
  <I extends { readonly deviceName: string; readonly lineIndex: number }>(
    deps: SelfCareDeps,
    type: LineSettingsCommand['type'],
    codec: t.Type<I, unknown, unknown>,
  ) =>
  (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
    const { phones, catalog } = deps;
    const data = decode(codec, input);
    if (E.isLeft(data)) return deps.fail(data.left);
    const { deviceName, lineIndex } = data.right;
    return deps.scoped<LineFacts>(
      principal,
      {
        page: 'line',
        feature: lineFeatureOf[type],
        target: () => selfCareStreams.lineSettings(deviceName, lineIndex),
        facts: async (subject) => {
          const f = await deps.deviceFacts(subject, deviceName);
          if (E.isLeft(f)) return f;
          const lines = await phones.linesOf(deviceName)();
          if (E.isLeft(lines)) return lines;
          const own = await phones.phonesOf(subject)();
          if (E.isLeft(own)) return own;
          const view = await deps.freshView();
          if (E.isLeft(view)) return view;
          const ownLines = own.right.flatMap((d) =>
            d.lines.map((l) => {
              const all = view.right.lines.get(lineKey(d.deviceName, l.index))?.callForward.all;
              return {
                deviceName: d.deviceName,
                lineIndex: l.index,
                directoryNumber: l.directoryNumber,
                forwardAllNumber: all?.to === 'number' ? all.number : null,
              };
            }),
          );
          return E.right({ subject, owner: f.right.owner, kind: f.right.kind, lines: lines.right, ownLines, catalog });
        },
        decide: (loaded, facts, _subject, target) =>
          lineSettingsDecider.decide(
            { type, data: data.right, facts } as unknown as LineSettingsCommand,
            foldLoaded(lineSettingsDecider, loaded, target),
          ),
      },
      call,
    );
  };

/** Settings of one line of the selected phone or profile. */
export const lineSettingsHandlers = (deps: SelfCareDeps) => ({
  setCallForward: lineCommand(deps, 'SetCallForward', SetCallForwardInput),
  setCallerId: lineCommand(deps, 'SetCallerId', SetCallerIdInput),
  setNotification: lineCommand(deps, 'SetNotification', SetNotificationInput),
  setMusicOnHold: lineCommand(deps, 'SetLineMusicOnHold', SetLineMusicOnHoldInput),
});
