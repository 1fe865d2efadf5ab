import {
  type AllStreamResolvedEvent,
  type AppendRecordInput,
  type AppendRecordsResult,
  type AppendStreamRequest,
  type AppendToStreamOptions,
  type ConsistencyCheck,
  type EventData,
  type AppendResult as KurrentAppendResult,
  type ReadAllOptions as KurrentReadAllOptions,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type MultiAppendResult,
  type ResolvedEvent,
  type SubscribeToAllOptions,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';

/** The part of a `subscribeToAll` subscription this store uses (as a doorbell). */
export interface LiveSubscriptionLike {
  on(event: 'data' | 'error' | 'close', listener: () => void): unknown;
  unsubscribe(): Promise<void>;
}

/**
 * The operations of `KurrentDBClient` this store calls; a real client satisfies it. A caller
 * may hand in its own client (shared connection, credentials provider, tests).
 */
export interface KurrentDbClientLike {
  appendToStream(streamName: string, events: EventData[], options?: AppendToStreamOptions): Promise<KurrentAppendResult>;
  readStream(streamName: string, options?: KurrentReadStreamOptions): AsyncIterableIterator<ResolvedEvent>;
  readAll(options?: KurrentReadAllOptions): AsyncIterableIterator<AllStreamResolvedEvent>;
  multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult>;
  appendRecords(records: AppendRecordInput[], checks?: ConsistencyCheck[]): Promise<AppendRecordsResult>;
  subscribeToAll(options?: SubscribeToAllOptions): LiveSubscriptionLike;
  dispose(): Promise<void>;
}

/** Only user streams: system streams (and metadata streams `$$...`) start with `$`, user stream ids never do. */
export const USER_STREAMS = streamNameFilter({ regex: '^[^$]' });
