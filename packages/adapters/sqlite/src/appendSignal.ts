import type { StopSignal } from '@selfprov/core';

/**
 * How subscriptions learn of this process's appends: the highest position it has written, and the
 * subscriptions waiting for a later one. Woken at once by this process's appends; other processes'
 * appends are found by polling every `pollIntervalMs`.
 */
export interface AppendSignal {
  /** Highest position this process has written: lets a subscription skip the wait after its own appends. */
  readonly head: () => number;
  /** Notes that this process has written up to `position` (not waking anyone yet). */
  readonly wrote: (position: number) => void;
  /** Ends every wait now. */
  readonly wake: () => void;
  /** The `waitForAppend` of `catchUpSubscription`. */
  readonly waitForAppend: (position: number, stop: StopSignal) => Promise<void>;
}

export const createAppendSignal = (pollIntervalMs: number, isClosed: () => boolean): AppendSignal => {
  /** Highest position this process has written: lets a subscription skip the wait after its own appends. */
  let head = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  return {
    head: () => head,
    wrote: (position) => {
      head = position;
    },
    wake,
    // Positions commit in order (one writer at a time), so reading `position > checkpoint` never skips one.
    waitForAppend: (position, stop) =>
      isClosed() || stop.stopped || head > position
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              waiters.delete(done);
              unregister();
              resolve();
            };
            const timer = setTimeout(done, pollIntervalMs);
            const unregister = stop.onStop(done);
            waiters.add(done);
          }),
  };
};
