import {
  type DomainError,
  decodeWith,
  domainError,
  type EventStore,
  type IdGenerator,
  type JsonValue,
  type StoreError,
  streams,
  systemRuntime,
  type ValidationError,
  validationError,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { type DtmfKey, decodeIvrCallEvent, type EffectName, type IvrCallEvent, machineEventOf } from './events.js';
import type { CallSettings, IvrGateway, IvrRefusal, Refused } from './gateway.js';
import { ivrRefusals } from './gateway.js';
import {
  type AwaitedInput,
  defaultIvrOptions,
  type IvrEvent,
  type IvrMachineInput,
  type IvrOptions,
  ivrMachine,
  type Outcome,
} from './machine.js';
import { type IvrEffect, type IvrOutput, outputsOf } from './outputs.js';
import { defaultCatalogs, type PromptCatalog, type RenderedPrompt, renderPrompt } from './prompts.js';
import { type IvrScheduler, systemScheduler } from './scheduler.js';

/**
 * The session driver: runs the call-flow machine with xstate's pure
 * `initialTransition` / `transition`, records every input of a call as an
 * event of `ivr-call-<callId>` BEFORE the new state takes effect, carries out
 * the outputs (prompts, timers, gateway effects) and feeds effect results back
 * as inputs. Each session handles one input at a time, in order.
 *
 * Secrets: a digit typed while the machine is in a `secret` state goes to an
 * in-memory buffer and is recorded as `IvrSecretDigitEntered` (no digit); the
 * buffer is handed to `verifyCredential` and emptied, and emptied again at the
 * start of every entry. Nothing is logged with it.
 */

/** Stream of one call: `ivr-call-<callId>` (the domain's stream catalogue, `streams.ivrCall`). */
export const ivrCallStream = (callId: string): string => streams.ivrCall(callId);

export interface StartCallRequest {
  /** Given by the transport (e.g. a SIP Call-ID digest); generated when absent. */
  readonly callId?: string;
  /** The calling device's name, e.g. `SEP001122334455`. */
  readonly device: string;
  /** The number dialled; absent: the IVR's own DN. */
  readonly dialled?: string;
  /** A configured IVR language to use without the language menu. Ignored if not configured. */
  readonly language?: string;
}

/** What the caller should hear and what input is awaited, after a transport call. */
export interface IvrTurn {
  readonly callId: string;
  readonly prompts: readonly RenderedPrompt[];
  readonly awaiting: { readonly kind: 'digits' | 'menu' | 'none'; readonly secret: boolean; readonly maxDigits: number };
  readonly ended: boolean;
  /** The machine's state as a dotted path (for logs and tests). */
  readonly state: string;
}

export type IvrErrorCode = 'unknown_call' | 'call_ended' | 'call_exists' | 'call_record_invalid';

/** Everything a transport call can fail with. A refused input is never recorded. */
export type IvrError = ValidationError | DomainError<IvrErrorCode> | StoreError;

/** The one small port every transport (terminal, HTTP webhook, SIP) drives a call through. */
export interface IvrTransportPort {
  startCall(request: StartCallRequest): TE.TaskEither<IvrError, IvrTurn>;
  /** One or more DTMF keys (`0-9`, `*`, `#`), applied in order; each waits for the work the previous one started. */
  digits(callId: string, digits: string): TE.TaskEither<IvrError, IvrTurn>;
  /** The caller stayed silent: fires the call's earliest pending timer now (for transports without their own clock). */
  timeout(callId: string): TE.TaskEither<IvrError, IvrTurn>;
  /** The caller hung up. Does not wait for a domain command in flight (its result will be ignored). */
  hangUp(callId: string): TE.TaskEither<IvrError, IvrTurn>;
}

/** A structured log line. Never holds a digit typed in a secret entry. */
export interface IvrLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly callId: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface IvrDriverDependencies {
  readonly gateway: IvrGateway;
  readonly store: EventStore;
  /** Default: real time (`systemScheduler`). */
  readonly scheduler?: IvrScheduler;
  /** Call ids when the transport gives none. Default: random UUIDs. */
  readonly ids?: IdGenerator;
  /** Timeouts, tries and entry lengths (merged over `defaultIvrOptions`). */
  readonly options?: Partial<Omit<IvrOptions, 'maxDigits'>> & { readonly maxDigits?: Partial<IvrOptions['maxDigits']> };
  /** Prompt catalogs by locale. Default: `defaultCatalogs` (en_US, fr_FR). */
  readonly catalogs?: Readonly<Record<string, PromptCatalog>>;
  /** Output produced between transport calls (a timeout's prompts, the end of a call). */
  readonly onOutput?: (turn: IvrTurn) => void;
  readonly log?: (entry: IvrLogEntry) => void;
}

/** What a driver shows of a live session (no secret: the context only counts secret digits). */
export interface IvrSessionView {
  readonly state: string;
  readonly context: SnapshotFrom<typeof ivrMachine>['context'];
  readonly version: number;
  readonly pendingTimers: readonly { readonly id: string; readonly dueAt: string }[];
  readonly effectsInFlight: number;
}

export interface IvrDriver extends IvrTransportPort {
  /**
   * Rebuilds a call from its recorded events (after a restart): replays the
   * inputs through the machine, re-arms pending timers from their recorded
   * times (past-due ones fire at once), re-issues a lost domain effect, and
   * restarts a secret entry with a prompt. `digits` and `hangUp` on a call
   * this driver does not hold resume it first.
   */
  resume(callId: string): TE.TaskEither<IvrError, IvrTurn>;
  view(callId: string): IvrSessionView | undefined;
  /** Calls held in memory. */
  activeCalls(): readonly string[];
  /** Resolves when no session has input or an effect in progress. */
  idle(): Promise<void>;
  /** Cancels timers and forgets every session (their calls stay resumable from the store). */
  close(): void;
}

type Snapshot = SnapshotFrom<typeof ivrMachine>;

type Input =
  | { readonly kind: 'key'; readonly key: DtmfKey }
  | { readonly kind: 'timer'; readonly id: string; readonly token: number }
  | { readonly kind: 'effect'; readonly effect: EffectName; readonly outcome: Outcome<Record<string, string>> }
  | { readonly kind: 'resume' }
  | { readonly kind: 'hangUp' };

interface Timer {
  readonly token: number;
  readonly due: number;
  readonly eventType: string;
  readonly cancel: () => void;
}

interface Session {
  readonly callId: string;
  readonly device: string;
  snapshot: Snapshot;
  /** Version of the stream's last event. */
  version: number;
  /** Digits of the current secret entry: memory only. */
  readonly secret: string[];
  readonly timers: Map<string, Timer>;
  readonly outbox: RenderedPrompt[];
  readonly inflight: Set<Promise<void>>;
  awaited: AwaitedInput | null;
  queue: Promise<unknown>;
  ended: boolean;
  endReported: boolean;
  activeCalls: number;
}

const CALL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const pattern = (name: string, re: RegExp) => t.refinement(t.string, (s) => re.test(s), name);

const StartCall = t.exact(
  t.intersection([
    t.type({ device: pattern('a device name (1-64 letters, digits, . _ -)', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/) }),
    t.partial({
      callId: pattern('a call id (1-128 letters, digits, . _ : -)', CALL_ID),
      dialled: pattern('a dialled number (1-24 digits)', /^[0-9]{1,24}$/),
      language: pattern('a locale name such as en_US', /^[a-z]{2,3}_[A-Z]{2}$/),
    }),
  ]),
  'StartCallRequest',
);
const decodeStart = decodeWith(StartCall, 'invalid_call_request');

const checkCallId = (callId: unknown): E.Either<ValidationError, string> =>
  typeof callId === 'string' && CALL_ID.test(callId)
    ? E.right(callId)
    : E.left(validationError('invalid_call_id', 'callId', 'callId must be 1-128 letters, digits, . _ : -'));

/** DTMF keys a transport may send: 1 to 64 of `0-9`, `*`, `#`. */
export const checkDigits = (digits: unknown): E.Either<ValidationError, readonly DtmfKey[]> =>
  typeof digits === 'string' && /^[0-9*#]{1,64}$/.test(digits)
    ? E.right([...digits] as DtmfKey[])
    : E.left(validationError('invalid_digits', 'digits', 'digits must be 1 to 64 DTMF keys: 0-9, * or #'));

const unknownCall = (callId: string) =>
  domainError('unknown_call' as const, 'no IVR call with this id', { field: 'callId', details: { callId } });
const callEnded = (callId: string) =>
  domainError('call_ended' as const, 'this IVR call has ended', { field: 'callId', details: { callId } });

/** The state value as a dotted path: `provision.enterId.first`. */
export const stateName = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key !== undefined) return `${key}.${stateName(child)}`;
  }
  return '';
};

const mergeOptions = (o: IvrDriverDependencies['options'] = {}): IvrOptions => ({
  ...defaultIvrOptions,
  ...o,
  maxDigits: { ...defaultIvrOptions.maxDigits, ...o.maxDigits },
});

const refusalCode = (r: unknown): IvrRefusal => (ivrRefusals.includes(r as IvrRefusal) ? (r as IvrRefusal) : 'failure');

/** Only the fields the machine uses are recorded: a gateway cannot leak other data into the log. */
const recordedValue = (effect: EffectName, value: unknown): Record<string, string> => {
  const v = (value ?? {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  switch (effect) {
    case 'identifyUser':
      return { userId: str(v.userId) };
    case 'verifyCredential':
      return { method: str(v.method) };
    case 'provisionPhone':
      return { extension: str(v.extension) };
    case 'replacePhone':
      return typeof v.oldDevice === 'string' ? { extension: str(v.extension), oldDevice: v.oldDevice } : { extension: str(v.extension) };
  }
};

/** Creates a session driver. See `IvrDriver`. */
export const createIvrDriver = (deps: IvrDriverDependencies): IvrDriver => {
  const scheduler = deps.scheduler ?? systemScheduler();
  const ids = deps.ids ?? systemRuntime().ids;
  const catalogs = deps.catalogs ?? defaultCatalogs;
  const options = mergeOptions(deps.options);
  const log = deps.log ?? (() => {});
  const sessions = new Map<string, Session>();
  let timerSeq = 0;

  const newSession = (callId: string, device: string, snapshot: Snapshot, version: number): Session => ({
    callId,
    device,
    snapshot,
    version,
    secret: [],
    timers: new Map(),
    outbox: [],
    inflight: new Set(),
    awaited: null,
    queue: Promise.resolve(),
    ended: false,
    endReported: false,
    activeCalls: 0,
  });

  const append = async (s: Session, event: IvrCallEvent, expected: number | 'no_stream'): Promise<E.Either<StoreError, void>> => {
    const result = await deps.store.append(ivrCallStream(s.callId), expected, [
      {
        type: event.type,
        data: event.data as unknown as JsonValue,
        occurredAt: event.data.at,
        metadata: { actor: { kind: 'device', id: s.device }, channel: 'ivr', correlationId: s.callId },
      },
    ])();
    if (E.isLeft(result)) {
      log({ level: 'error', event: 'record_failed', callId: s.callId, details: { code: result.left.code, type: event.type } });
      return result;
    }
    s.version = result.right.streams[0]?.nextExpectedVersion ?? s.version + 1;
    return E.right(undefined);
  };

  const turnOf = (s: Session): IvrTurn => {
    const snap = s.snapshot;
    const kind = s.ended ? 'none' : snap.hasTag('awaiting-digits') ? 'digits' : snap.hasTag('awaiting-menu') ? 'menu' : 'none';
    if (s.ended) s.endReported = true;
    return {
      callId: s.callId,
      prompts: s.outbox.splice(0),
      awaiting: { kind, secret: kind === 'digits' && snap.hasTag('secret'), maxDigits: kind === 'none' ? 0 : (s.awaited?.maxDigits ?? 1) },
      ended: s.ended,
      state: stateName(snap.value),
    };
  };

  const enqueue = (s: Session, input: Input): Promise<E.Either<IvrError, void>> => {
    const run = s.queue.then(() => process(s, input));
    s.queue = run.catch(() => undefined);
    return run;
  };

  /** Waits until the session has no queued input and no effect in flight. */
  const settle = async (s: Session): Promise<void> => {
    for (;;) {
      const queue = s.queue;
      await queue;
      if (s.inflight.size > 0) {
        await Promise.all([...s.inflight]);
        continue;
      }
      if (queue === s.queue) return;
    }
  };

  /** Output produced outside a transport call goes to `onOutput`. */
  const flush = (s: Session) => {
    if (s.activeCalls > 0 || deps.onOutput === undefined) return;
    if (s.outbox.length > 0 || (s.ended && !s.endReported)) deps.onOutput(turnOf(s));
  };

  const disarm = (s: Session, id: string) => {
    s.timers.get(id)?.cancel();
    s.timers.delete(id);
  };

  const fire = async (s: Session, id: string, token: number): Promise<void> => {
    if (s.timers.get(id)?.token !== token) return;
    await enqueue(s, { kind: 'timer', id, token });
    await settle(s);
    flush(s);
  };

  const arm = (s: Session, id: string, eventType: string, due: number) => {
    disarm(s, id);
    const token = ++timerSeq;
    const cancel = scheduler.schedule(Math.max(0, due - scheduler.now()), () => fire(s, id, token));
    s.timers.set(id, { token, due, eventType, cancel });
  };

  const finish = (s: Session) => {
    s.ended = true;
    s.secret.length = 0;
    for (const id of [...s.timers.keys()]) disarm(s, id);
    if (sessions.get(s.callId) === s) sessions.delete(s.callId);
    log({ level: 'info', event: 'call_ended', callId: s.callId, details: { state: stateName(s.snapshot.value) } });
  };

  const runEffect = (s: Session, effect: IvrEffect) => {
    // The secret leaves the buffer here and lives only in this closure until the gateway answers.
    const secret = effect.type === 'verifyCredential' ? s.secret.splice(0).join('') : '';
    const base = { callId: s.callId };
    const call = (): TE.TaskEither<Refused, unknown> => {
      switch (effect.type) {
        case 'identifyUser':
          return deps.gateway.identifyUser({ ...base, device: s.device, by: effect.by, digits: effect.digits });
        case 'verifyCredential':
          return deps.gateway.verifyCredential({
            ...base,
            userId: effect.userId,
            secret,
            allowedMethods: effect.methods,
            callingDevice: s.device,
          });
        case 'provisionPhone':
          return deps.gateway.provisionPhone({
            ...base,
            commandId: `ivr-${s.callId}-provision`,
            userId: effect.userId,
            digits: effect.digits,
            device: s.device,
            authenticatedBy: effect.authenticatedBy,
            method: effect.method,
          });
        case 'replacePhone':
          return deps.gateway.replacePhone({
            ...base,
            commandId: `ivr-${s.callId}-replace`,
            userId: effect.userId,
            digits: effect.digits,
            device: s.device,
            authenticatedBy: effect.authenticatedBy,
            method: effect.method,
          });
      }
    };
    const task = (async () => {
      let outcome: Outcome<Record<string, string>>;
      try {
        const result = await call()();
        if (E.isRight(result)) outcome = { ok: true, value: recordedValue(effect.type, result.right) };
        else {
          const left = result.left;
          const attemptsLeft = left.attemptsLeft;
          outcome =
            typeof attemptsLeft === 'number' && Number.isInteger(attemptsLeft) && attemptsLeft >= 0
              ? { ok: false, refusal: refusalCode(left.refusal), attemptsLeft }
              : { ok: false, refusal: refusalCode(left.refusal) };
        }
      } catch {
        // The exception text is not logged: it could echo its arguments.
        outcome = { ok: false, refusal: 'failure' };
      }
      log({
        level: outcome.ok ? 'info' : 'warn',
        event: `${effect.type}_${outcome.ok ? 'succeeded' : 'refused'}`,
        callId: s.callId,
        details: outcome.ok ? {} : { refusal: outcome.refusal },
      });
      await enqueue(s, { kind: 'effect', effect: effect.type, outcome });
    })();
    s.inflight.add(task);
    void task.finally(() => s.inflight.delete(task));
  };

  const carryOut = (s: Session, outputs: readonly IvrOutput[], atMs: number) => {
    for (const o of outputs) {
      switch (o.kind) {
        case 'play':
          s.outbox.push(renderPrompt(catalogs, o.language, o.prompt, o.args));
          break;
        case 'awaitInput':
          // A new entry starts: whatever secret digits were typed before are dropped.
          s.awaited = o.input;
          s.secret.length = 0;
          break;
        case 'startTimer':
          arm(s, o.id, o.eventType, atMs + o.delayMs);
          break;
        case 'cancelTimer':
          disarm(s, o.id);
          break;
        case 'effect':
          runEffect(s, o.effect);
          break;
        case 'hangUp':
          break;
      }
    }
    if (s.snapshot.status === 'done') finish(s);
  };

  /** Turns an input into the recorded event and the machine event, given the current state. */
  const interpret = (
    s: Session,
    input: Input,
    at: string,
  ): { event: IvrCallEvent; machineEvent: IvrEvent; secretDigit?: string } | undefined => {
    switch (input.kind) {
      case 'key': {
        if (/[0-9]/.test(input.key) && s.snapshot.hasTag('secret')) {
          return { event: { type: 'IvrSecretDigitEntered', data: { at } }, machineEvent: { type: 'SECRET_DIGIT' }, secretDigit: input.key };
        }
        const event: IvrCallEvent = { type: 'IvrKeyPressed', data: { key: input.key, at } };
        return { event, machineEvent: machineEventOf(event) as IvrEvent };
      }
      case 'timer': {
        const timer = s.timers.get(input.id);
        if (timer?.token !== input.token) return undefined; // cancelled while queued
        s.timers.delete(input.id);
        return {
          event: { type: 'IvrTimerFired', data: { timer: timer.eventType, at } },
          machineEvent: { type: timer.eventType } as unknown as IvrEvent,
        };
      }
      case 'effect': {
        const event: IvrCallEvent = { type: 'IvrEffectCompleted', data: { effect: input.effect, outcome: input.outcome, at } };
        return { event, machineEvent: machineEventOf(event) as IvrEvent };
      }
      case 'resume':
        return { event: { type: 'IvrCallResumed', data: { at } }, machineEvent: { type: 'RESUME' } };
      case 'hangUp':
        return { event: { type: 'IvrCallerHungUp', data: { at } }, machineEvent: { type: 'HANGUP' } };
    }
  };

  const process = async (s: Session, input: Input): Promise<E.Either<IvrError, void>> => {
    // Input after the end (a late domain result, a key after hang-up) changes nothing and is not recorded.
    if (s.ended) return E.right(undefined);
    const atMs = scheduler.now();
    const step = interpret(s, input, new Date(atMs).toISOString());
    if (step === undefined) return E.right(undefined);
    const [next, actions] = transition(ivrMachine, s.snapshot, step.machineEvent);
    const saved = await append(s, step.event, s.version);
    if (E.isLeft(saved)) return saved;
    s.snapshot = next;
    if (step.secretDigit !== undefined) s.secret.push(step.secretDigit);
    carryOut(s, outputsOf(actions), atMs);
    return E.right(undefined);
  };

  const withCall = async <A>(s: Session, body: () => Promise<E.Either<IvrError, A>>): Promise<E.Either<IvrError, A>> => {
    s.activeCalls += 1;
    try {
      return await body();
    } finally {
      s.activeCalls -= 1;
    }
  };

  const resume = async (callId: string): Promise<E.Either<IvrError, Session>> => {
    const live = sessions.get(callId);
    if (live !== undefined) return E.right(live);
    const read = await deps.store.readStream(ivrCallStream(callId))();
    if (E.isLeft(read)) return read;
    if (read.right.events.length === 0) return E.left(unknownCall(callId));
    const decoded: IvrCallEvent[] = [];
    for (const [i, recorded] of read.right.events.entries()) {
      const event = decodeIvrCallEvent(recorded.type, recorded.data);
      if (event === undefined || (i === 0) !== (event.type === 'IvrCallStarted')) {
        return E.left(
          domainError('call_record_invalid', `event ${i} of the call's stream is not a valid IVR call event`, {
            field: `events[${i}]`,
            details: { callId, type: recorded.type },
          }),
        );
      }
      decoded.push(event);
    }
    const [started, ...rest] = decoded as [Extract<IvrCallEvent, { type: 'IvrCallStarted' }>, ...IvrCallEvent[]];
    // Replay: the same inputs through the same pure machine give the same state; timers are tracked, not armed.
    const pending = new Map<string, { due: number; eventType: string }>();
    const track = (outputs: readonly IvrOutput[], atMs: number) => {
      for (const o of outputs) {
        if (o.kind === 'startTimer') pending.set(o.id, { due: atMs + o.delayMs, eventType: o.eventType });
        else if (o.kind === 'cancelTimer') pending.delete(o.id);
      }
    };
    let [snapshot, actions] = initialTransition(ivrMachine, started.data.input);
    track(outputsOf(actions), Date.parse(started.data.at));
    for (const event of rest) {
      if (event.type === 'IvrTimerFired') for (const [id, p] of pending) if (p.eventType === event.data.timer) pending.delete(id);
      [snapshot, actions] = transition(ivrMachine, snapshot, machineEventOf(event) as IvrEvent);
      track(outputsOf(actions), Date.parse(event.data.at));
    }
    if (snapshot.status === 'done') return E.left(callEnded(callId));
    const again = sessions.get(callId); // another resume may have finished while this one was reading
    if (again !== undefined) return E.right(again);
    const s = newSession(callId, started.data.input.device, snapshot, read.right.currentVersion);
    s.awaited = null;
    sessions.set(callId, s);
    log({ level: 'info', event: 'call_resumed', callId, details: { state: stateName(snapshot.value), events: decoded.length } });
    const now = scheduler.now();
    const overdue: { id: string; token: number; due: number }[] = [];
    for (const [id, p] of pending) {
      if (p.due > now) arm(s, id, p.eventType, p.due);
      else {
        const token = ++timerSeq;
        s.timers.set(id, { token, due: p.due, eventType: p.eventType, cancel: () => {} });
        overdue.push({ id, token, due: p.due });
      }
    }
    const resumed = await enqueue(s, { kind: 'resume' });
    if (E.isLeft(resumed)) {
      sessions.delete(callId);
      for (const id of [...s.timers.keys()]) disarm(s, id);
      return resumed;
    }
    // Past-due timers fire now, after the resume (which may have restarted their entry and so cancelled them).
    for (const o of overdue.sort((a, b) => a.due - b.due)) void enqueue(s, { kind: 'timer', id: o.id, token: o.token });
    return E.right(s);
  };

  const sessionFor = async (callId: unknown): Promise<E.Either<IvrError, Session>> => {
    const id = checkCallId(callId);
    if (E.isLeft(id)) return id;
    return resume(id.right);
  };

  const startCall =
    (request: StartCallRequest): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const decoded = decodeStart(request);
      if (E.isLeft(decoded)) return decoded;
      const { device, dialled, language } = decoded.right;
      const callId = decoded.right.callId ?? ids.uuid();
      if (sessions.has(callId))
        return E.left(domainError('call_exists', 'an IVR call with this id exists', { field: 'callId', details: { callId } }));
      let settings: E.Either<Refused, CallSettings>;
      try {
        settings = await deps.gateway.callSettings(device, dialled)();
      } catch {
        settings = E.left({ refusal: 'failure' });
      }
      const known = (l: string) => catalogs[l] !== undefined;
      const fallback = Object.keys(catalogs)[0] ?? 'en_US';
      const configured = E.isRight(settings) ? [...new Set(settings.right.languages.filter(known))].slice(0, 9) : [];
      const input: IvrMachineInput = {
        callId,
        device,
        languages: configured.length > 0 ? configured : [fallback],
        ...(language !== undefined ? { language } : {}),
        authenticationMode: E.isRight(settings) ? settings.right.authenticationMode : 'secure-users',
        dialledIsIvr: E.isRight(settings) ? settings.right.dialledIsIvr : true,
        ...(E.isLeft(settings) ? { unavailable: refusalCode(settings.left.refusal) } : {}),
        options,
      };
      const [snapshot, actions] = initialTransition(ivrMachine, input);
      const atMs = scheduler.now();
      const s = newSession(callId, device, snapshot, -1);
      const saved = await append(
        s,
        { type: 'IvrCallStarted', data: { input, dialled: dialled ?? null, at: new Date(atMs).toISOString() } },
        'no_stream',
      );
      if (E.isLeft(saved)) {
        return saved.left.code === 'wrong_expected_version'
          ? E.left(domainError('call_exists', 'an IVR call with this id exists', { field: 'callId', details: { callId } }))
          : saved;
      }
      if (sessions.has(callId))
        return E.left(domainError('call_exists', 'an IVR call with this id exists', { field: 'callId', details: { callId } }));
      sessions.set(callId, s);
      log({ level: 'info', event: 'call_started', callId, details: { device, state: stateName(snapshot.value) } });
      return withCall(s, async () => {
        carryOut(s, outputsOf(actions), atMs);
        await settle(s);
        return E.right(turnOf(s));
      });
    };

  const digits =
    (callId: string, keys: string): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const checked = checkDigits(keys);
      if (E.isLeft(checked)) return checked;
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        await settle(s);
        for (const key of checked.right) {
          if (s.ended) break; // keys after the end are not recorded
          const applied = await enqueue(s, { kind: 'key', key });
          if (E.isLeft(applied)) return applied;
          // Type-ahead: the next key waits for the effect this one started (e.g. `2001#1` identifies, then confirms).
          await settle(s);
        }
        return E.right(turnOf(s));
      });
    };

  const timeout =
    (callId: string): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        await settle(s);
        const earliest = [...s.timers.entries()].sort((a, b) => a[1].due - b[1].due)[0];
        if (earliest !== undefined) {
          const [id, timer] = earliest;
          timer.cancel();
          const fired = await enqueue(s, { kind: 'timer', id, token: timer.token });
          if (E.isLeft(fired)) return fired;
          await settle(s);
        }
        return E.right(turnOf(s));
      });
    };

  const hangUp =
    (callId: string): TE.TaskEither<IvrError, IvrTurn> =>
    async () => {
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        const done = await enqueue(s, { kind: 'hangUp' });
        if (E.isLeft(done)) return done;
        return E.right(turnOf(s));
      });
    };

  return {
    startCall,
    digits,
    timeout,
    hangUp,
    resume: (callId) => async () => {
      const found = await sessionFor(callId);
      if (E.isLeft(found)) return found;
      const s = found.right;
      return withCall(s, async () => {
        await settle(s);
        return E.right(turnOf(s));
      });
    },
    view: (callId) => {
      const s = sessions.get(callId);
      if (s === undefined) return undefined;
      return {
        state: stateName(s.snapshot.value),
        context: s.snapshot.context,
        version: s.version,
        pendingTimers: [...s.timers.entries()].map(([id, timer]) => ({ id, dueAt: new Date(timer.due).toISOString() })),
        effectsInFlight: s.inflight.size,
      };
    },
    activeCalls: () => [...sessions.keys()],
    idle: async () => {
      await Promise.all([...sessions.values()].map(settle));
    },
    close: () => {
      for (const s of sessions.values()) for (const id of [...s.timers.keys()]) disarm(s, id);
      sessions.clear();
    },
  };
};

/** Rebuilds a recorded call in `driver` (see `IvrDriver.resume`). */
export const resumeIvrSession = (driver: IvrDriver, callId: string): TE.TaskEither<IvrError, IvrTurn> => driver.resume(callId);
