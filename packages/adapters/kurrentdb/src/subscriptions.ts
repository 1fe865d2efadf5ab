import { END } from '@kurrent/kurrentdb-client';
import {
  type Clock,
  catchUpSubscription,
  type ReadAllOptions,
  type RecordedEvent,
  type StopSignal,
  type StoreError,
  type SubscribeOptions,
  type Subscription,
} from '@selfprov/core';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { type KurrentDbClientLike, type LiveSubscriptionLike, USER_STREAMS } from './client.js';

/**
 * Subscriptions: the kernel's `catchUpSubscription` over the store's `readAll`, woken by this store's
 * own appends, by a doorbell (`startDoorbell`) and by a poll every `pollMs`.
 */
export interface Subscriptions {
  readonly subscribe: (subscribeOptions: SubscribeOptions) => Subscription;
  /** This store wrote up to `position`: wakes every waiting subscription. */
  readonly appended: (position: number) => void;
  /** On close: ends every wait and stops the doorbell. */
  readonly stop: () => void;
}

export interface SubscriptionsOptions {
  readonly client: KurrentDbClientLike;
  readonly readAll: (options?: ReadAllOptions) => TE.TaskEither<StoreError, readonly RecordedEvent[]>;
  /** Wake subscriptions through a `subscribeToAll` doorbell. */
  readonly live: boolean;
  readonly pollMs: number;
  /** For the doorbell's retry delay. */
  readonly clock: Clock;
  readonly isClosed: () => boolean;
}

export const createSubscriptions = ({ client, readAll, live, pollMs, clock, isClosed }: SubscriptionsOptions): Subscriptions => {
  const waiters = new Set<() => void>();
  /** Highest position this store itself wrote: lets a subscription skip a wait it would otherwise sleep through. */
  let appendedUpTo = 0;

  const wake = () => {
    for (const w of [...waiters]) w();
  };

  let activeSubscriptions = 0;
  let doorbell: { readonly stop: () => void } | undefined;
  let doorbellRetryAt = 0;
  const now = () => clock.now().getTime();

  const stopDoorbell = () => {
    const current = doorbell;
    doorbell = undefined;
    current?.stop();
  };

  /**
   * A live `subscribeToAll` from the end, used only to wake waiting subscriptions early.
   * Delivery itself always goes through `readAll`, so a lost or failed doorbell costs latency
   * (the poll interval), never an event.
   */
  const startDoorbell = () => {
    if (!live || doorbell !== undefined || isClosed() || activeSubscriptions === 0 || now() < doorbellRetryAt) return;
    let subscription: LiveSubscriptionLike;
    try {
      subscription = client.subscribeToAll({ fromPosition: END, filter: USER_STREAMS });
    } catch {
      doorbellRetryAt = now() + 5_000;
      return;
    }
    let stopped = false;
    const entry = {
      stop: () => {
        if (stopped) return;
        stopped = true;
        subscription.unsubscribe().catch(() => undefined);
      },
    };
    const drop = () => {
      if (doorbell === entry) {
        doorbell = undefined;
        doorbellRetryAt = now() + 5_000;
      }
      entry.stop();
    };
    subscription.on('data', wake);
    subscription.on('error', drop);
    subscription.on('close', drop);
    doorbell = entry;
  };

  const lastWait = new WeakMap<StopSignal, number>();
  const waitForAppend = (position: number, stop: StopSignal): Promise<void> => {
    if (isClosed() || stop.stopped) return Promise.resolve();
    // This store wrote past `position` since: read again at once (but only once per position, never a busy loop).
    if (appendedUpTo > position && lastWait.get(stop) !== position) {
      lastWait.set(stop, position);
      return Promise.resolve();
    }
    lastWait.set(stop, position);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        unregister();
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      const unregister = stop.onStop(done);
      waiters.add(done);
      startDoorbell();
    });
  };

  const subscribe = (subscribeOptions: SubscribeOptions): Subscription => {
    activeSubscriptions += 1;
    const onEnd = () => {
      activeSubscriptions -= 1;
      if (activeSubscriptions === 0) stopDoorbell();
    };
    return catchUpSubscription({ readAll: (o) => readAll(o), waitForAppend, onEnd }, subscribeOptions);
  };

  return {
    subscribe,
    appended: (position) => {
      appendedUpTo = Math.max(appendedUpTo, position);
      wake();
    },
    stop: () => {
      wake();
      stopDoorbell();
    },
  };
};
