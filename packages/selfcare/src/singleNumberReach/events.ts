import type { DomainEvent } from '@selfprov/core';

/**
 * Events of `snr-<userId>`. The alternate number and its description are
 * personal data: they sit under `data.personal`, `data.userId` naming the subject.
 */
export type Timers = { readonly answerTooSoon: number; readonly answerTooLate: number; readonly delayBeforeRinging: number };
export type AlternateNumberData = {
  readonly userId: string;
  readonly id: string;
  readonly personal: { readonly number: string; readonly description: string };
  readonly reachMeAnywhere: boolean;
  readonly mobile: boolean;
  readonly timers: Timers;
  readonly lines: { readonly deviceName: string; readonly lineIndex: number }[];
};

export type AlternateNumberAdded = DomainEvent<'AlternateNumberAdded', AlternateNumberData>;
export type AlternateNumberChanged = DomainEvent<'AlternateNumberChanged', AlternateNumberData>;
export type AlternateNumberRemoved = DomainEvent<'AlternateNumberRemoved', { readonly userId: string; readonly id: string }>;

export type SingleNumberReachEvent = AlternateNumberAdded | AlternateNumberChanged | AlternateNumberRemoved;
export const singleNumberReachEventTypes: readonly SingleNumberReachEvent['type'][] = [
  'AlternateNumberAdded',
  'AlternateNumberChanged',
  'AlternateNumberRemoved',
];
