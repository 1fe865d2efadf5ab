import {
  type AppendResult,
  type PreparedRequest,
  type Runtime,
  type StoreError,
  storeUnavailable,
  wrongExpectedVersion,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type pg from 'pg';
import type { AppendAnswer } from './appendResult.js';
import { type AppendCall, appendOneStatement, appendStatement, toAppendOneArgs, toBatchArgs } from './appendSql.js';
import type { Run } from './connection.js';
import { isTransientConflict, isUniqueViolation } from './errors.js';

/** Attempts of an append that lost a race the database detected (deadlock, unique violation). */
const MAX_ATTEMPTS = 4;

/** The round trips of the append functions: one group of calls, or one call on its own. */
export interface AppendRoundTrips {
  /**
   * One round trip of the append function for `calls` (one transaction); returns each call's
   * outcome, decided by the kernel from the function's answer, in order. Throws what `pg` throws.
   */
  readonly sendBatch: (p: pg.Pool, calls: readonly AppendCall[], checkIds: boolean) => Promise<E.Either<StoreError, AppendResult>[]>;
  /** One call on its own, retried when it lost a race the database detected. */
  readonly appendAlone: (call: AppendCall) => Promise<E.Either<StoreError, AppendResult>>;
}

export interface AppendRoundTripsOptions {
  /** The schema, quoted. */
  readonly s: string;
  readonly run: Run;
  /** After a commit: wakes other processes' subscriptions (announcer.ts). */
  readonly announce: (p: pg.Pool, position: number) => void;
  /** One call's outcome from the function's answer (appendResult.ts). */
  readonly interpret: (
    prepared: readonly PreparedRequest[],
    answer: AppendAnswer,
    contentHashes: ReadonlyMap<string, readonly string[]>,
  ) => E.Either<StoreError, AppendResult>;
  /** Back-off between attempts. */
  readonly timers: Runtime['timers'];
  readonly isClosed: () => boolean;
}

export const createAppendRoundTrips = ({ s, run, announce, interpret, timers, isClosed }: AppendRoundTripsOptions): AppendRoundTrips => {
  /** After repeated unique violations (something wrote around the locks): report the stream as moved. */
  const uniqueViolationConflict = async (p: pg.Pool, prepared: readonly PreparedRequest[]): Promise<E.Either<StoreError, never>> => {
    const request = prepared.find((r) => r.events.length > 0) ?? (prepared[0] as PreparedRequest);
    const { rows } = await p.query<{ v: string | null }>(
      `SELECT max(e.stream_version) AS v FROM ${s}.events e JOIN ${s}.streams st USING (stream_key)
        WHERE st.stream_hash = sha256(convert_to($1::text, 'UTF8'))`,
      [request.streamId],
    );
    const actual = rows[0]?.v == null ? -1 : Number(rows[0].v);
    return E.left(wrongExpectedVersion(request.streamId, request.expected, actual));
  };

  /**
   * One round trip of the append function for `calls` (one transaction); returns each call's
   * outcome, decided by the kernel from the function's answer, in order. Throws what `pg` throws.
   */
  const sendBatch = async (p: pg.Pool, calls: readonly AppendCall[], checkIds: boolean): Promise<E.Either<StoreError, AppendResult>[]> => {
    const { rows } = await p.query<{ r: readonly AppendAnswer[] }>({
      name: 'selfprov_append_v5',
      text: appendStatement(s),
      values: toBatchArgs(calls, checkIds) as unknown as unknown[],
    });
    const answers = rows[0]?.r;
    if (!answers || answers.length !== calls.length)
      return calls.map(() =>
        E.left(storeUnavailable('the append function answered no outcome for a call (a bug); its events may have been written', false)),
      );
    let highest = 0;
    for (const a of answers) if (a.w) for (const position of a.p ?? []) if (position > highest) highest = position;
    if (highest > 0) announce(p, highest);
    return calls.map((call, i) => interpret(call.requests, answers[i] as AppendAnswer, call.contentHashes));
  };

  /**
   * A single-event call through `append_one` (scalar parameters: cheaper to send and to parse than
   * `append`'s arrays); `undefined` when it is not such a call or the function left it to `append`.
   */
  const sendOne = async (p: pg.Pool, call: AppendCall): Promise<E.Either<StoreError, AppendResult> | undefined> => {
    const values = toAppendOneArgs(call);
    if (!values) return undefined;
    const { rows } = await p.query<{ r: readonly AppendAnswer[] | null }>({
      name: 'selfprov_append_one_v6',
      text: appendOneStatement(s),
      values,
    });
    const answer = rows[0]?.r?.[0];
    if (!answer) return undefined;
    const position = answer.p?.[0];
    if (answer.w && position !== undefined) announce(p, position);
    return interpret(call.requests, answer, call.contentHashes);
  };

  /**
   * One call on its own, retried when it lost a race the database detected. A retry checks every
   * event id first: a unique violation may mean the call's events are already recorded (a retried
   * command whose first attempt committed), and then the answer is their replay.
   */
  const appendAlone = (call: AppendCall): Promise<E.Either<StoreError, AppendResult>> =>
    run(async (p) => {
      for (let attempt = 1; ; attempt++) {
        try {
          if (attempt === 1) {
            const taken = await sendOne(p, call);
            if (taken) return taken;
          }
          return (await sendBatch(p, [call], attempt > 1))[0] as E.Either<StoreError, AppendResult>;
        } catch (cause) {
          if (isClosed() || !isTransientConflict(cause)) throw cause;
          if (attempt >= MAX_ATTEMPTS) {
            if (isUniqueViolation(cause)) return uniqueViolationConflict(p, call.requests);
            throw cause;
          }
          if (attempt > 1) await timers.sleep(5 * attempt);
        }
      }
    })();

  return { sendBatch, appendAlone };
};
