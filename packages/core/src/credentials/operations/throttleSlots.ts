// The throttle slots a verification takes before any hashing (./verify.ts): per device, then global.
import * as E from 'fp-ts/lib/Either.js';
import { defaultThrottlePolicy } from '../codecs.js';
import type { CredentialPortError } from '../errors.js';
import type { CredentialDeps } from './support.js';

const MINUTE = 60_000;
const GLOBAL_KEY = 'global';
const deviceKey = (device: string) => `device:${device}`;

export type Slots = { readonly keys: readonly string[]; readonly at: Date };

/** Takes a device slot, then a global slot; gives back the device slot if the global one is refused. */
export const acquireSlots = async (
  deps: CredentialDeps,
  device: string,
  at: Date,
): Promise<E.Either<CredentialPortError, Slots | 'throttled_device' | 'throttled_global'>> => {
  const limits = deps.throttlePolicy ?? defaultThrottlePolicy;
  const keys: string[] = [];
  if (limits.deviceMaxFailures > 0) {
    const answer = await deps.throttle.tryAcquire(deviceKey(device), at, limits.deviceWindowMinutes * MINUTE, limits.deviceMaxFailures)();
    if (E.isLeft(answer)) return answer;
    if (!answer.right.acquired) return E.right('throttled_device');
    keys.push(deviceKey(device));
  }
  if (limits.globalMaxFailures > 0) {
    const answer = await deps.throttle.tryAcquire(GLOBAL_KEY, at, limits.globalWindowMinutes * MINUTE, limits.globalMaxFailures)();
    if (E.isLeft(answer)) {
      await releaseSlots(deps, { keys, at });
      return answer;
    }
    if (!answer.right.acquired) {
      await releaseSlots(deps, { keys, at });
      return E.right('throttled_global');
    }
    keys.push(GLOBAL_KEY);
  }
  return E.right({ keys, at });
};

// Best effort: a slot that cannot be released stays counted as a failure, the safe side.
export const releaseSlots = async (deps: CredentialDeps, slots: Slots): Promise<void> => {
  for (const key of slots.keys) await deps.throttle.release(key, slots.at)();
};
