import type { DomainError, EventStore, IdGenerator, StoreError, ValidationError } from '@selfprov/core';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { SnapshotFrom } from 'xstate';
import type { IvrGateway } from '../gateway.js';
import type { IvrOptions } from '../machine/model.js';
import type { ivrMachine } from '../machine.js';
import type { PromptCatalog, RenderedPrompt } from '../prompts.js';
import type { IvrScheduler } from '../scheduler.js';

// The session driver's public types: what transports send and get back, its dependencies, its
// errors. The driver itself: packages/ivr/src/driver.ts.

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
