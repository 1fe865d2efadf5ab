import {
  type AppendRecordInput,
  type AppendStreamRequest,
  type ConsistencyCheck,
  type EventData,
  type MultiAppendResult,
  STREAM_STATE,
} from '@kurrent/kurrentdb-client';
import type { PreparedRequest, StoreError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { KurrentDbClientLike } from './client.js';
import type { MultiStreamMode } from './config.js';
import { type ErrorContext, multiStreamUnsupported } from './errors.js';
import { toStreamState } from './mapping.js';
import type { ServerCalls } from './serverCalls.js';

/** What the server was found to support so far (`undefined`: not tried yet); found on first use and remembered. */
export interface Capabilities {
  appendRecords?: boolean;
  multiStreamAppend?: boolean;
}

/** Several streams in one server transaction. Resolves to each written stream's last revision. */
export type MultiStreamAppend = (
  all: readonly PreparedRequest[],
  writes: readonly PreparedRequest[],
  guards: readonly PreparedRequest[],
  ctx: ErrorContext,
  encode: (request: PreparedRequest) => EventData[],
) => Promise<E.Either<StoreError, Map<string, number>>>;

export interface MultiStreamAppendOptions {
  readonly client: KurrentDbClientLike;
  readonly call: ServerCalls['call'];
  /** Updated as the server answers; shared with the store's routing and `capabilities()`. */
  readonly caps: Capabilities;
  readonly mode: MultiStreamMode;
}

/**
 * The server's atomic multi-stream appends, newest first: `appendRecords` (KurrentDB 26.1+, writes and
 * guards in one transaction), then `multiStreamAppend` (25.1+, writes only: guards only in
 * `atomic-writes` mode, checked by the caller's read); otherwise `multi_stream_unsupported`.
 */
export const createMultiStreamAppend = ({ client, call, caps, mode }: MultiStreamAppendOptions): MultiStreamAppend => {
  const revisionsOf = (result: MultiAppendResult): Map<string, number> => {
    const out = new Map<string, number>();
    for (const r of result.responses) out.set(r.streamName, Math.max(out.get(r.streamName) ?? -1, Number(r.revision)));
    return out;
  };

  return async (
    all: readonly PreparedRequest[],
    writes: readonly PreparedRequest[],
    guards: readonly PreparedRequest[],
    ctx: ErrorContext,
    encode: (request: PreparedRequest) => EventData[],
  ): Promise<E.Either<StoreError, Map<string, number>>> => {
    if (caps.appendRecords !== false) {
      const records: AppendRecordInput[] = writes.flatMap((r) => encode(r).map((record) => ({ streamName: r.streamId, record })));
      const checks: ConsistencyCheck[] = all
        .filter((r) => r.expected !== 'any')
        .map((r) => ({ type: STREAM_STATE, streamName: r.streamId, expectedState: toStreamState(r.expected) }));
      const result = await call('append records', () => client.appendRecords(records, checks), ctx);
      if (E.isRight(result)) {
        caps.appendRecords = true;
        return E.right(revisionsOf(result.right));
      }
      if (result.left.code !== 'multi_stream_unsupported') return result;
      caps.appendRecords = false;
    }
    if (guards.length > 0 && mode === 'atomic')
      return E.left(
        multiStreamUnsupported(
          'event-less guard requests need appendRecords (KurrentDB 26.1 or later) to be checked in the same transaction',
          {
            streams: all.map((r) => r.streamId),
          },
        ),
      );
    if (caps.multiStreamAppend !== false) {
      const requests: AppendStreamRequest[] = writes.map((r) => ({
        streamName: r.streamId,
        events: encode(r),
        expectedState: toStreamState(r.expected),
      }));
      const result = await call('multi-stream append', () => client.multiStreamAppend(requests), ctx);
      if (E.isRight(result)) {
        caps.multiStreamAppend = true;
        return E.right(revisionsOf(result.right));
      }
      if (result.left.code !== 'multi_stream_unsupported') return result;
      caps.multiStreamAppend = false;
    }
    return E.left(
      multiStreamUnsupported('the server offers no atomic multi-stream append (KurrentDB 25.1 or later is needed)', {
        streams: all.map((r) => r.streamId),
      }),
    );
  };
};
