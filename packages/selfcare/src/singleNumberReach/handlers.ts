import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, foldLoaded, type Op } from '../facade/support.js';
import type { SelfCareError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import { AddAlternateNumberInput, RemoveAlternateNumberInput, UpdateAlternateNumberInput } from './codecs.js';
import type { SingleNumberReachCommand, SnrFacts } from './commands.js';
import { singleNumberReachDecider } from './decider.js';

/** The subject's devices and their lines, from the phone directory. */
const snrFacts =
  (deps: SelfCareDeps) =>
  async (subject: string): Promise<E.Either<SelfCareError, SnrFacts>> => {
    const own = await deps.phones.phonesOf(subject)();
    if (E.isLeft(own)) return own;
    return E.right({ subject, devices: own.right.map((d) => ({ deviceName: d.deviceName, lines: d.lines })) });
  };

/** One single-number-reach command on the subject's stream; `withId` gives the new alternate number an id (ids port). */
const snrCommand =
  <I>(deps: SelfCareDeps, type: SingleNumberReachCommand['type'], codec: t.Type<I, unknown, unknown>, withId = false) =>
  (principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> => {
    const data = decode(codec, input);
    if (E.isLeft(data)) return deps.fail(data.left);
    const payload = withId ? { ...data.right, id: deps.runtime.ids.uuid() } : data.right;
    return deps.scoped<SnrFacts>(
      principal,
      {
        page: 'snr',
        feature: 'AlternateNumbers',
        target: (subject) => selfCareStreams.singleNumberReach(subject),
        facts: snrFacts(deps),
        decide: (loaded, facts, _subject, target) =>
          singleNumberReachDecider.decide(
            { type, data: payload, facts } as unknown as SingleNumberReachCommand,
            foldLoaded(singleNumberReachDecider, loaded, target),
          ),
      },
      call,
    );
  };

/** Single number reach: alternate numbers. */
export const singleNumberReachHandlers = (deps: SelfCareDeps) => ({
  addAlternateNumber: snrCommand(deps, 'AddAlternateNumber', AddAlternateNumberInput, true),
  updateAlternateNumber: snrCommand(deps, 'UpdateAlternateNumber', UpdateAlternateNumberInput),
  removeAlternateNumber: snrCommand(deps, 'RemoveAlternateNumber', RemoveAlternateNumberInput),
});
