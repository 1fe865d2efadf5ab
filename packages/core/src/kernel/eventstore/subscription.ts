import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { RecordedEvent } from './envelope.js';
import { type StoreError, subscriberFailed } from './errors.js';
import type { ReadAllOptions, SubscribeOptions, Subscription } from './port.js';

/** What a store offers the generic catch-up loop. */
export interface CatchUpSource {
  readAll(options: ReadAllOptions): TaskEither<StoreError, readonly RecordedEvent[]>;
  /**
   * Resolves when events after `position` may exist (an append, a notification,
   * or simply a polling interval), or when the store closes. Spurious wake-ups are fine.
   */
  waitForAppend(position: number, stop: StopSignal): Promise<void>;
  /**
   * Called once when the subscription ends, by an error or by `close()` (then after its loop has
   * stopped): where an adapter gives back what the subscription held (a LISTEN connection, a poller).
   */
  onEnd?(): void;
}

/** Lets a waiting store wake a subscription that is being closed, without leaking listeners. */
export interface StopSignal {
  readonly stopped: boolean;
  /** Registers `callback` for the stop; returns a function that unregisters it. */
  onStop(callback: () => void): () => void;
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

/**
 * A catch-up subscription built only on `readAll`: pages through history from the
 * checkpoint, then waits for appends. Every event is delivered once, in global
 * order, because the loop only ever asks for positions after the last delivered one.
 * Adapters reuse it and supply their own wake-up (in-process signal, LISTEN/NOTIFY, polling).
 */
export const catchUpSubscription = (source: CatchUpSource, options: SubscribeOptions): Subscription => {
  const pageSize = options.pageSize ?? 500;
  const caughtUp = deferred();
  const stopListeners = new Set<() => void>();
  let stopped = false;
  const signal: StopSignal = {
    get stopped() {
      return stopped;
    },
    onStop: (callback) => {
      stopListeners.add(callback);
      return () => stopListeners.delete(callback);
    },
  };
  const stopAll = () => {
    stopped = true;
    for (const l of [...stopListeners]) l();
  };
  let position = options.after ?? 0;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    source.onEnd?.();
  };
  const fail = (error: StoreError) => {
    if (stopped) return;
    stopAll();
    caughtUp.resolve();
    end();
    options.onError?.(error);
  };
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const page = await source.readAll({ after: position, maxCount: pageSize })();
      if (stopped) return;
      if (E.isLeft(page)) return fail(page.left);
      for (const event of page.right) {
        if (stopped) return;
        try {
          await options.onEvent(event);
        } catch (cause) {
          return fail(subscriberFailed(event.globalPosition, cause));
        }
        position = event.globalPosition;
      }
      if (page.right.length < pageSize) {
        caughtUp.resolve();
        await source.waitForAppend(position, signal);
      }
    }
  };
  const running = loop().catch((cause) => fail(subscriberFailed(position, cause)));
  return {
    caughtUp: caughtUp.promise,
    close: async () => {
      stopAll();
      caughtUp.resolve();
      await running;
      end();
    },
  };
};
