import type { Runtime } from '@selfprov/core';

/**
 * Where the session driver gets time and timers. The machine only says "after
 * `firstDigit`" (as data); the driver asks a scheduler to call back. Tests and
 * the benchmark use `simulatedScheduler`, which only moves when told to.
 */
export interface IvrScheduler {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `fire` after `delayMs` (0: as soon as possible) and returns a cancel
   * function. The promise `fire` may return is awaited by simulated time, so
   * work a timer starts is finished before later timers fire.
   */
  schedule(delayMs: number, fire: () => void | Promise<void>): () => void;
}

/** Real time: `Date.now()` and `setTimeout`. Timers do not keep the process alive. */
export const systemScheduler = (): IvrScheduler => ({
  now: () => Date.now(),
  schedule: (delayMs, fire) => {
    const handle = setTimeout(() => void fire(), Math.max(0, delayMs));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
});

/**
 * Time from the Runtime ports (`clock`, `timers.sleep`). `sleep` cannot be
 * cancelled, so a cancelled timer simply does nothing when it wakes.
 */
export const runtimeScheduler = (runtime: Pick<Runtime, 'clock' | 'timers'>): IvrScheduler => ({
  now: () => runtime.clock.now().getTime(),
  schedule: (delayMs, fire) => {
    let cancelled = false;
    void runtime.timers.sleep(Math.max(0, delayMs)).then(() => (cancelled ? undefined : fire()));
    return () => {
      cancelled = true;
    };
  },
});

export interface SimulatedScheduler extends IvrScheduler {
  /** Moves time forward by `ms`, firing every timer that falls due, in order, each after the previous one's work settled. */
  advance(ms: number): Promise<void>;
  /** Number of timers waiting. */
  pending(): number;
}

/** Simulated time for tests and benchmarks: nothing fires until `advance`. */
export const simulatedScheduler = (start: Date | string | number = '2026-01-01T00:00:00.000Z'): SimulatedScheduler => {
  let now = new Date(start).getTime();
  let seq = 0;
  const timers = new Map<number, { due: number; seq: number; fire: () => void | Promise<void> }>();
  const nextDue = (limit: number) => {
    let best: { id: number; due: number; seq: number } | undefined;
    for (const [id, t] of timers) {
      if (t.due <= limit && (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)))
        best = { id, due: t.due, seq: t.seq };
    }
    return best;
  };
  return {
    now: () => now,
    schedule: (delayMs, fire) => {
      const id = ++seq;
      timers.set(id, { due: now + Math.max(0, delayMs), seq: id, fire });
      return () => {
        timers.delete(id);
      };
    },
    advance: async (ms) => {
      const target = now + Math.max(0, ms);
      for (;;) {
        const next = nextDue(target);
        if (next === undefined) break;
        const timer = timers.get(next.id);
        timers.delete(next.id);
        now = Math.max(now, next.due);
        await timer?.fire();
      }
      now = target;
    },
    pending: () => timers.size,
  };
};
