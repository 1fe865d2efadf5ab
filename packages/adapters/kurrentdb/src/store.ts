// The KurrentDB event store, composed from one part per operation. Dependencies point one way:
//   store.ts (this composer)
//     -> config.ts (options, the client), serverCalls.ts (deadline, error mapping), reads.ts,
//        appends.ts (appendMulti per multi-stream mode) -> multiStreamAppend.ts (the server's atomic
//        multi-stream appends), subscriptions.ts (catch-up subscriptions, the doorbell)
//     -> shared helpers: client.ts, errors.ts, mapping.ts, openError.ts, positions.ts, url.ts
// Between parts only types are imported, and no part imports this file.
import { type EventStore, type ExpectedVersion, type NewEvent, systemRuntime, type ValidationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { createAppendMulti } from './appends.js';
import { type CommonOptions, configure, type KurrentDbStoreOptions, type MultiStreamMode, type Settings } from './config.js';
import { type Capabilities, createMultiStreamAppend } from './multiStreamAppend.js';
import { storeOpenError } from './openError.js';
import { createPositionIndex } from './positions.js';
import { createReads } from './reads.js';
import { createServerCalls } from './serverCalls.js';
import { createSubscriptions } from './subscriptions.js';

export interface KurrentDbEventStore extends EventStore {
  /** The server this store talks to, without credentials. */
  readonly target: string;
  readonly multiStream: MultiStreamMode;
  /** What the server was found to support so far (`undefined`: not tried yet). */
  capabilities(): { readonly appendRecords?: boolean; readonly multiStreamAppend?: boolean };
}

/**
 * An `EventStore` on KurrentDB / EventStoreDB (22.10+) through `@kurrent/kurrentdb-client`.
 * Streams map 1:1 to KurrentDB streams, event ids are KurrentDB event ids, the envelope's
 * metadata is the event metadata, and `globalPosition` is the commit position in the log:
 * strictly increasing but not contiguous (the port allows that).
 *
 * Returns a `ValidationError` for a malformed connection string or option; it does not
 * connect yet (the client connects on first use).
 */
export const openKurrentDbEventStore = (options: KurrentDbStoreOptions): E.Either<ValidationError, KurrentDbEventStore> => {
  const settings = configure(options);
  return E.isLeft(settings) ? settings : E.right(kurrentDbStore(settings.right, options));
};

/** {@link openKurrentDbEventStore} for callers who prefer exceptions: throws a `StoreOpenError` (openError.ts). */
export const openKurrentDbEventStoreOrThrow = (options: KurrentDbStoreOptions): KurrentDbEventStore => {
  const opened = openKurrentDbEventStore(options);
  if (E.isLeft(opened)) throw storeOpenError(opened.left);
  return opened.right;
};

/** The same as {@link openKurrentDbEventStore} (its earlier name, kept). */
export const createKurrentDbEventStore = (options: KurrentDbStoreOptions): E.Either<ValidationError, KurrentDbEventStore> =>
  openKurrentDbEventStore(options);

const kurrentDbStore = ({ client, ownsClient, target, mode, timeoutMs, pollMs }: Settings, options: CommonOptions): KurrentDbEventStore => {
  const ports = { ...systemRuntime(), ...options.runtime };
  const live = options.liveNotifications ?? true;
  const caps: Capabilities = {};
  const known = createPositionIndex();
  let closed = false;
  const isClosed = () => closed;
  const { withDeadline, call } = createServerCalls(timeoutMs, isClosed);
  const { readStreamRaw, headVersion, readAll, readStream } = createReads({ client, call, known, isClosed });
  const subscriptions = createSubscriptions({ client, readAll, live, pollMs, clock: ports.clock, isClosed });
  const appendMulti = createAppendMulti({
    client,
    call,
    readStreamRaw,
    headVersion,
    appendNative: createMultiStreamAppend({ client, call, caps, mode }),
    caps,
    mode,
    timeoutMs,
    runtime: ports,
    onAppended: subscriptions.appended,
    isClosed,
  });

  return {
    target,
    multiStream: mode,
    capabilities: () => ({ ...caps }),
    append: (streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]) => appendMulti([{ streamId, expected, events }]),
    appendMulti,
    readStream,
    readAll,
    subscribe: subscriptions.subscribe,
    close: async () => {
      if (closed) return;
      closed = true;
      subscriptions.stop();
      if (ownsClient) await withDeadline('close', client.dispose()).catch(() => undefined);
    },
  };
};
