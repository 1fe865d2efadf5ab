import type * as t from 'io-ts';
import { Bool, boundedArray, brandedString, DeviceName, intBetween, LineIndex, label, struct } from '../shared/codecs.js';

/** An alternate number: 1-24 digits with an optional leading `+` (E.164 or a number dialable from the cluster). */
export const AlternateNumber = brandedString(
  'AlternateNumber',
  (s) => /^\+?[0-9]{1,24}$/.test(s),
  'must be 1 to 24 digits, with an optional leading +',
);
export type AlternateNumber = t.TypeOf<typeof AlternateNumber>;

/** Most alternate numbers per user. */
export const MAX_ALTERNATE_NUMBERS = 10;
/** Longest alternate-number description. */
export const MAX_ALTERNATE_DESCRIPTION = 50;
/** Most lines one alternate number applies to. */
export const MAX_ASSOCIATED_LINES = 32;

/**
 * The three timers, in tenths of a second, with their bounds and the vendor's defaults:
 * - `answerTooSoon` ("if the alternate number answers within ... seconds"): a
 *   pickup sooner than this is ignored, so a voicemail greeting does not take the call. 0-100 (0-10 s), default 15 (1.5 s).
 * - `answerTooLate` ("continue ringing the alternate number for ... seconds"):
 *   how long the alternate number rings. 10-3000 (1-300 s), default 190 (19 s).
 * - `delayBeforeRinging` ("allow me ... seconds to answer"): how long the desk
 *   phone rings alone before the alternate number rings. 0-300 (0-30 s), default 40 (4 s).
 * Both `answerTooSoon` and `delayBeforeRinging` must be less than `answerTooLate`.
 */
export const TIMER_BOUNDS = {
  answerTooSoon: { min: 0, max: 100, default: 15 },
  answerTooLate: { min: 10, max: 3000, default: 190 },
  delayBeforeRinging: { min: 0, max: 300, default: 40 },
} as const;

const timer = (name: keyof typeof TIMER_BOUNDS) => intBetween(TIMER_BOUNDS[name].min, TIMER_BOUNDS[name].max, name, ' tenths of a second');

export const TimersInput = struct(
  'Timers',
  {},
  { answerTooSoon: timer('answerTooSoon'), answerTooLate: timer('answerTooLate'), delayBeforeRinging: timer('delayBeforeRinging') },
);

/** A line an alternate number applies to ("Line Association Information"). */
export const LineRef = struct('LineRef', { deviceName: DeviceName, lineIndex: LineIndex });
export type LineRef = t.TypeOf<typeof LineRef>;

const optionalFields = {
  description: label('AlternateNumberDescription', MAX_ALTERNATE_DESCRIPTION),
  /** "Enable Reach Me Anywhere": ring the alternate number with the desk phone. Default true. */
  reachMeAnywhere: Bool,
  /** "This is a mobile device". Default false. */
  mobile: Bool,
  timers: TimersInput,
  lines: boundedArray(LineRef, MAX_ASSOCIATED_LINES, 'Lines'),
};

export const AddAlternateNumberInput = struct('AddAlternateNumber', { number: AlternateNumber }, optionalFields);
export type AddAlternateNumberInput = t.TypeOf<typeof AddAlternateNumberInput>;

export const AlternateNumberId = brandedString(
  'AlternateNumberId',
  (s) => /^[A-Za-z0-9-]{1,64}$/.test(s),
  'must be an alternate number id',
);

/** Absent fields are unchanged. */
export const UpdateAlternateNumberInput = struct(
  'UpdateAlternateNumber',
  { id: AlternateNumberId },
  { number: AlternateNumber, ...optionalFields },
);
export type UpdateAlternateNumberInput = t.TypeOf<typeof UpdateAlternateNumberInput>;

export const RemoveAlternateNumberInput = struct('RemoveAlternateNumber', { id: AlternateNumberId });
export type RemoveAlternateNumberInput = t.TypeOf<typeof RemoveAlternateNumberInput>;
