import {
  type ReadAllOptions,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type StoreError,
  storeClosed,
  validateReadAll,
  validateReadStream,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { chainOf } from './chainFields.js';
import type { Run } from './connection.js';

interface EventRow {
  global_position: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  occurred_at: string;
  prev_hash: string | null;
  hash: string | null;
}

/** One event as `readStream`'s JSON carries it: [position, version, id, type, schema version, data, metadata, occurred at, prev hash, hash]. */
type PackedEvent = [
  number,
  number,
  string,
  string,
  number,
  RecordedEvent['data'],
  RecordedEvent['metadata'],
  string,
  string | null,
  string | null,
];

const EVENT_COLUMNS =
  'global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at, prev_hash, hash';

const toRecorded = (row: EventRow): RecordedEvent => ({
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  eventId: row.event_id,
  schemaVersion: row.schema_version,
  occurredAt: row.occurred_at,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  globalPosition: Number(row.global_position),
  ...chainOf(row.prev_hash, row.hash),
});

/** The store's two reads: a stream (unfiltered), and the global log under the visibility rule (see the README). */
export interface Reads {
  readonly readStream: (streamId: string, options?: ReadStreamOptions) => TE.TaskEither<StoreError, ReadStreamResult>;
  readonly readAll: (options?: ReadAllOptions) => TE.TaskEither<StoreError, readonly RecordedEvent[]>;
}

export interface ReadsOptions {
  /** The schema, quoted. */
  readonly s: string;
  readonly run: Run;
  readonly isClosed: () => boolean;
}

export const createReads = ({ s, run, isClosed }: ReadsOptions): Reads => {
  const readStream = (streamId: string, options?: ReadStreamOptions): TE.TaskEither<StoreError, ReadStreamResult> => {
    const valid = validateReadStream(streamId, options);
    if (isClosed()) return async () => E.left(storeClosed());
    if (E.isLeft(valid)) return async () => valid;
    const { direction = 'forward', fromVersion, maxCount } = valid.right.options;
    const forward = direction === 'forward';
    return run(async (p) => {
      // One statement, one snapshot: the version and the events agree. No row: no such stream. The
      // events come as ONE JSON text (one parse here), not a row each: a row of eleven fields costs
      // more to decode than the same fields inside one JSON document.
      const { rows } = await p.query<{ version: string; events: string | null }>({
        name: `selfprov_read_stream_${direction}_v5`,
        text: `
          SELECT st.version, (
            SELECT json_agg(json_build_array(e.global_position, e.stream_version, e.event_id, e.type, e.schema_version,
                                             e.data, e.metadata, e.occurred_at, e.prev_hash, e.hash)
                            ORDER BY e.stream_version ${forward ? 'ASC' : 'DESC'})::text
              FROM (SELECT * FROM ${s}.events ev
                     WHERE ev.stream_key = st.stream_key AND ev.stream_version ${forward ? '>=' : '<='} $2::bigint
                     ORDER BY ev.stream_version ${forward ? 'ASC' : 'DESC'} LIMIT $3::bigint) e
            ) AS events
            FROM ${s}.streams st
           WHERE st.stream_hash = sha256(convert_to($1::text, 'UTF8'))`,
        values: [valid.right.streamId, fromVersion ?? (forward ? 0 : Number.MAX_SAFE_INTEGER), maxCount ?? null],
      });
      const row = rows[0];
      const streamId = valid.right.streamId;
      const packed = row?.events ? (JSON.parse(row.events) as PackedEvent[]) : [];
      const events = packed.map((e): RecordedEvent => {
        // Fields set one by one, not spread: this runs for every event read.
        const event: { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] } = {
          type: e[3],
          data: e[5],
          metadata: e[6],
          eventId: e[2],
          schemaVersion: e[4],
          occurredAt: e[7],
          streamId,
          streamVersion: e[1],
          globalPosition: e[0],
        };
        if (e[9] !== null) {
          event.prevHash = e[8];
          event.hash = e[9];
        }
        return event;
      });
      return E.right({ currentVersion: row ? Number(row.version) : -1, events });
    });
  };

  const readAll = (options?: ReadAllOptions): TE.TaskEither<StoreError, readonly RecordedEvent[]> => {
    const valid = validateReadAll(options);
    if (isClosed()) return async () => E.left(storeClosed());
    if (E.isLeft(valid)) return async () => valid;
    const { after = 0, before, direction = 'forward', maxCount = 1000 } = valid.right;
    const forward = direction === 'forward';
    return run(async (p) => {
      // The visibility rule: only events of transactions older than every running one. A position
      // below them can no longer appear (positions follow transaction ids), so a reader that
      // checkpoints the last position it saw never skips an event committed late.
      const { rows } = await p.query<EventRow>({
        name: `selfprov_read_all_${direction}_${before === undefined ? 'open' : 'bounded'}`,
        text: `
          SELECT ${EVENT_COLUMNS} FROM ${s}.events
           WHERE global_position > $1::bigint ${before === undefined ? '' : 'AND global_position < $3::bigint'}
             AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY global_position ${forward ? 'ASC' : 'DESC'} LIMIT $2::bigint`,
        values: before === undefined ? [after, maxCount] : [after, maxCount, before],
      });
      return E.right(rows.map(toRecorded));
    });
  };

  return { readStream, readAll };
};
