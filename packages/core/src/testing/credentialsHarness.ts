/** Shared set-up for the credentials tests: real memory stores, a real scrypt hasher, a manual clock. */
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as assert from 'uvu/assert';
import type { ThrottlePolicy } from '../credentials/codecs.js';
import type { CredentialError } from '../credentials/errors.js';
import { createMemoryCredentialStore, createMemoryThrottleStore } from '../credentials/memory.js';
import type { CredentialDeps } from '../credentials/operations/support.js';
import { manualClock } from '../kernel/runtime/ports.js';
import { createScryptHasher } from './scryptHasher.js';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
export const START = '2026-03-02T09:00:00.000Z';

/** Throttling switched off, for tests about the per-account policy alone. */
export const noThrottling: ThrottlePolicy = { deviceMaxFailures: 0, deviceWindowMinutes: 1, globalMaxFailures: 0, globalWindowMinutes: 1 };

export const setup = (throttlePolicy?: ThrottlePolicy) => {
  const clock = manualClock(START);
  const store = createMemoryCredentialStore();
  const throttle = createMemoryThrottleStore();
  const hasher = createScryptHasher();
  const deps: CredentialDeps = { store, throttle, hasher, clock, ...(throttlePolicy === undefined ? {} : { throttlePolicy }) };
  return { clock, store, throttle, hasher, deps };
};

/** Runs a TaskEither that must succeed. */
export const ok = async <A>(task: TE.TaskEither<CredentialError, A>): Promise<A> => {
  const result = await task();
  if (E.isLeft(result)) assert.unreachable(`expected success, got ${result.left.code}: ${result.left.message}`);
  return (result as E.Right<A>).right;
};

/** Runs a TaskEither that must fail, and returns the error. */
export const fails = async <A>(task: TE.TaskEither<CredentialError, A>): Promise<CredentialError> => {
  const result = await task();
  if (E.isRight(result)) assert.unreachable(`expected an error, got ${JSON.stringify(result.right)}`);
  return (result as E.Left<CredentialError>).left;
};

/** Acceptable 8-digit PINs (no trivial rule applies), for tests that need many distinct ones. */
export const goodPins: readonly string[] = [
  '73915824',
  '51739264',
  '64718253',
  '38160597',
  '92047316',
  '40683925',
  '17406938',
  '85062714',
  '29571830',
  '61829403',
  '30497162',
  '58217940',
  '46092781',
  '93581706',
  '70364918',
];
