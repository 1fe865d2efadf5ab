/**
 * Ports through which the pure core reaches time, identifiers, randomness and
 * timers. The core never calls `Date.now()` or `crypto` behind the caller's back,
 * so tests can pin every one of them.
 */

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A fresh RFC 4122 UUID (lower case). */
  uuid(): string;
}

export interface RandomSource {
  /** `length` cryptographically strong random bytes. */
  bytes(length: number): Uint8Array;
}

export interface Timers {
  sleep(ms: number): Promise<void>;
}

/** Every port the kernel needs, in one value handed to factories. */
export interface Runtime {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly random: RandomSource;
  readonly timers: Timers;
}

// Standard globals of Node and browsers, typed here because the core compiles without Node's types.
interface HostGlobals {
  crypto: { randomUUID(): string; getRandomValues<T extends Uint8Array>(array: T): T };
  setTimeout(callback: () => void, ms: number): unknown;
}
const host = globalThis as unknown as HostGlobals;

/** The host's real clock, UUIDs, CSPRNG and timers. */
export const systemRuntime = (): Runtime => ({
  clock: { now: () => new Date() },
  ids: { uuid: () => host.crypto.randomUUID() },
  random: { bytes: (length) => host.crypto.getRandomValues(new Uint8Array(length)) },
  timers: { sleep: (ms) => new Promise((resolve) => host.setTimeout(resolve, ms)) },
});

/** A clock that only moves when told to: for deterministic tests and replays. */
export const manualClock = (start: Date | string = '2026-01-01T00:00:00.000Z') => {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
    set: (at: Date | string) => {
      current = new Date(at).getTime();
    },
  };
};

/** Deterministic UUID-shaped ids (`00000000-0000-4000-8000-000000000001`, ...). */
export const sequentialIds = (prefix = 0): IdGenerator => {
  let n = 0;
  return {
    uuid: () => {
      n += 1;
      const hex = (prefix * 1_000_000 + n).toString(16).padStart(12, '0');
      return `00000000-0000-4000-8000-${hex}`;
    },
  };
};
