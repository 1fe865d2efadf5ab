import type { CommandResult, RecordedEvent } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { ErrorLike } from './errors.js';
import type { Answer, RouteResult } from './route.js';

/** Codecs of the answers, for the documentation (answers are built by the handlers, not decoded). */

export const ErrorResponse = t.type({ code: t.string, message: t.string, details: t.UnknownRecord }, 'Error');

const RecordedRef = t.type({ type: t.string, streamId: t.string, streamVersion: t.number, globalPosition: t.number }, 'RecordedEvent');

/** What a command answers: whether it changed anything, and which events it recorded (types and positions, no data). */
export const CommandOutcome = t.type({ changed: t.boolean, alreadyHandled: t.boolean, events: t.array(RecordedRef) }, 'CommandOutcome');
export type CommandOutcome = t.TypeOf<typeof CommandOutcome>;

export const outcomeOf = (result: Pick<CommandResult, 'events' | 'alreadyHandled'>): CommandOutcome => ({
  changed: result.events.length > 0 && !result.alreadyHandled,
  alreadyHandled: result.alreadyHandled,
  events: result.events.map((e: RecordedEvent) => ({
    type: e.type,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    globalPosition: e.globalPosition,
  })),
});

export const Health = t.type({ status: t.literal('ok') }, 'Health');

export const AutoRegistrationAnswer = t.type({ deviceName: t.string, directoryNumber: t.string, clusterId: t.string }, 'AutoRegistration');

export const IvrTurnAnswer = t.type(
  {
    callId: t.string,
    prompts: t.array(t.type({ id: t.string, language: t.string, text: t.string, audio: t.array(t.string) })),
    awaiting: t.type({ kind: t.keyof({ digits: null, menu: null, none: null }), secret: t.boolean, maxDigits: t.number }),
    ended: t.boolean,
    state: t.string,
  },
  'IvrTurn',
);

export const LoginAnswer = t.type({ userId: t.string, expiresAt: t.string, landing: t.string, csrfToken: t.string }, 'Login');

export const SessionAnswer = t.type({ userId: t.string, csrfToken: t.string }, 'Session');

export const PhoneAnswer = t.type(
  {
    deviceName: t.string,
    mac: t.string,
    model: t.string,
    protocol: t.string,
    clusterId: t.string,
    owner: t.union([t.string, t.null]),
    state: t.keyof({ autoregistered: null, provisioned: null }),
    registered: t.boolean,
    lines: t.array(t.type({ index: t.number, directoryNumber: t.string, lineTemplate: t.union([t.string, t.null]) })),
    templates: t.type({ device: t.union([t.string, t.null]), lines: t.array(t.string) }),
  },
  'Phone',
);

export const ReadinessAnswer = t.type(
  {
    clusterId: t.string,
    ready: t.boolean,
    items: t.array(t.type({ step: t.union([t.string, t.number]), code: t.string, message: t.string, fix: t.string })),
  },
  'Readiness',
);

/** Runs a task and answers its value (or its error). */
export const answer = async <A>(task: TE.TaskEither<ErrorLike, A>, status?: number): Promise<RouteResult> => {
  const r = await task();
  return E.isLeft(r) ? r : E.right<ErrorLike, Answer>(status === undefined ? { body: r.right } : { status, body: r.right });
};

/** Runs a command task and answers its outcome. */
export const commandAnswer = async (task: TE.TaskEither<ErrorLike, CommandResult>, status?: number): Promise<RouteResult> => {
  const r = await task();
  if (E.isLeft(r)) return r;
  const body = outcomeOf(r.right);
  return E.right(status === undefined ? { body } : { status, body });
};

export const ok = (body?: unknown, status?: number): RouteResult =>
  E.right(status === undefined ? { body } : body === undefined ? { status } : { status, body });

export const fail = (error: ErrorLike): RouteResult => E.left(error);
