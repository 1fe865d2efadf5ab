import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ExpectedVersion, NewEvent, RecordedEvent } from './envelope.js';
import type { StoreError } from './errors.js';

/** One stream's part of an append call. */
export interface AppendRequest {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  /** May be empty: the expectation is then checked and nothing is written. */
  readonly events: readonly NewEvent[];
}

/** Where one stream stands after an append. */
export interface StreamAppendResult {
  readonly streamId: string;
  /** Version of the stream's last event after the append (-1: the stream still does not exist). */
  readonly nextExpectedVersion: number;
  /** The events of this request as recorded (the originals when the append was a replay). */
  readonly events: readonly RecordedEvent[];
}

export interface AppendResult {
  readonly streams: readonly StreamAppendResult[];
  /** Highest global position written by this call (or of the replayed originals); 0 if none. */
  readonly lastGlobalPosition: number;
  /** True when every event id was already recorded: nothing new was written. */
  readonly idempotentReplay: boolean;
}

export type Direction = 'forward' | 'backward';

export interface ReadStreamOptions {
  /** First version to return (inclusive). Forward default 0, backward default the last version. */
  readonly fromVersion?: number;
  readonly direction?: Direction;
  /** At most this many events. Default: all. */
  readonly maxCount?: number;
}

export interface ReadStreamResult {
  /** Version of the stream's last event, -1 when it does not exist (whatever range was asked). */
  readonly currentVersion: number;
  readonly events: readonly RecordedEvent[];
}

export interface ReadAllOptions {
  /**
   * Forward: return events with a global position strictly after this checkpoint (default 0, the start).
   * Backward: return events strictly before it (default: after the end).
   */
  readonly after?: number;
  readonly before?: number;
  readonly direction?: Direction;
  /** Page size; default 1000. */
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Checkpoint: deliver events with a global position strictly greater. Default 0. */
  readonly after?: number;
  /** Called once per event, in global order; the next call waits for the returned promise. */
  readonly onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Called once if the subscription stops on an error (store closed, handler threw). */
  readonly onError?: (error: StoreError) => void;
  readonly pageSize?: number;
}

export interface Subscription {
  /** Resolves when every event present at subscription time has been delivered. */
  readonly caughtUp: Promise<void>;
  /** Stops delivery; resolves when the handler is no longer running. */
  close(): Promise<void>;
}

/**
 * The storage port. Every adapter (memory, SQLite, PostgreSQL, KurrentDB, yours)
 * implements it and proves it with `@selfprov/core/testkit`'s contract suite.
 */
export interface EventStore {
  /** Appends to one stream if it is at `expected`. */
  append(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): TaskEither<StoreError, AppendResult>;
  /** Appends to several streams atomically: every expectation holds and all is written, or nothing is. */
  appendMulti(requests: readonly AppendRequest[]): TaskEither<StoreError, AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): TaskEither<StoreError, ReadStreamResult>;
  /** One page of the global log. */
  readAll(options?: ReadAllOptions): TaskEither<StoreError, readonly RecordedEvent[]>;
  /** Catch-up subscription to the global log: history from the checkpoint, then live events. */
  subscribe(options: SubscribeOptions): Subscription;
  /** Releases resources; every later call fails with `store_closed`, open subscriptions end. */
  close(): Promise<void>;
}
