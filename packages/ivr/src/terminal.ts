import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { EventStore, IdGenerator } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { IvrDriverDependencies, IvrError, IvrTurn } from './driver/types.js';
import { createIvrDriver } from './driver.js';
import type { IvrGateway } from './gateway.js';
import type { PromptCatalog } from './prompts.js';
import type { IvrScheduler } from './scheduler.js';

/**
 * The terminal transport (`selfprov ivr`): dials the IVR from a device,
 * prints each prompt's text on its own line, reads keys from the input one
 * line at a time (`2001#`, `1`, ...), and returns when the call ends. End of
 * input is a hang-up. Scriptable from a pipe:
 * `printf '1\n2001#\n1\n73915824#\n' | selfprov ivr --device SEP001122334455 --language en_US`.
 */
export interface TerminalIvrOptions {
  readonly gateway: IvrGateway;
  readonly store: EventStore;
  /** The calling device's name. */
  readonly device: string;
  /** The number dialled; default: the IVR's DN. */
  readonly dial?: string;
  readonly input: Readable;
  readonly output: Writable;
  /** Where refused input lines are reported; default: `output`. */
  readonly errorOutput?: Writable;
  /** Use this configured language without the language menu. */
  readonly language?: string;
  readonly callId?: string;
  /** Default: real time. */
  readonly scheduler?: IvrScheduler;
  readonly ids?: IdGenerator;
  readonly options?: IvrDriverDependencies['options'];
  readonly catalogs?: Readonly<Record<string, PromptCatalog>>;
}

export interface TerminalIvrResult {
  readonly callId: string | null;
  /** `completed`: the IVR ended the call; `hung-up`: the input ended first; `failed`: the call could not start. */
  readonly outcome: 'completed' | 'hung-up' | 'failed';
  /** The machine's last state (`goodbye`, `hungUp`, ...). */
  readonly state: string;
  /** Every prompt id played, in order (for scripts and tests). */
  readonly prompts: readonly string[];
  readonly error?: IvrError;
}

/** Runs one call in the terminal. Resolves when the call ends; never throws for a refused line. */
export const runTerminalIvr = async (o: TerminalIvrOptions): Promise<TerminalIvrResult> => {
  const played: string[] = [];
  let ended: () => void = () => {};
  const endedByTimer = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const print = (turn: IvrTurn) => {
    for (const prompt of turn.prompts) {
      played.push(prompt.id);
      o.output.write(`${prompt.text}\n`);
    }
    if (turn.ended) ended();
  };
  const driver = createIvrDriver({
    gateway: o.gateway,
    store: o.store,
    ...(o.scheduler !== undefined ? { scheduler: o.scheduler } : {}),
    ...(o.ids !== undefined ? { ids: o.ids } : {}),
    ...(o.options !== undefined ? { options: o.options } : {}),
    ...(o.catalogs !== undefined ? { catalogs: o.catalogs } : {}),
    onOutput: print,
  });
  const errors = o.errorOutput ?? o.output;
  const started = await driver.startCall({
    device: o.device,
    ...(o.dial !== undefined ? { dialled: o.dial } : {}),
    ...(o.language !== undefined ? { language: o.language } : {}),
    ...(o.callId !== undefined ? { callId: o.callId } : {}),
  })();
  if (E.isLeft(started)) {
    errors.write(`! ${started.left.message}\n`);
    driver.close();
    return { callId: null, outcome: 'failed', state: '', prompts: played, error: started.left };
  }
  const callId = started.right.callId;
  let last = started.right;
  print(last);
  const lines = createInterface({ input: o.input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const next = lines[Symbol.asyncIterator]();
  try {
    while (!last.ended) {
      const line = await Promise.race([next.next(), endedByTimer.then(() => 'ended' as const)]);
      if (line === 'ended') return { callId, outcome: 'completed', state: 'goodbye', prompts: played };
      if (line.done) {
        const hung = await driver.hangUp(callId)();
        if (E.isRight(hung)) print(hung.right);
        return { callId, outcome: 'hung-up', state: E.isRight(hung) ? hung.right.state : last.state, prompts: played };
      }
      const keys = line.value.trim();
      if (keys === '') continue;
      const turn = await driver.digits(callId, keys)();
      if (E.isLeft(turn)) {
        // The message names the field and never echoes the line (it may be a PIN typed wrongly).
        errors.write(`! ${turn.left.message}\n`);
        if (turn.left.code === 'call_ended') break;
        continue;
      }
      last = turn.right;
      print(last);
    }
    return { callId, outcome: 'completed', state: last.state, prompts: played };
  } finally {
    lines.close();
    driver.close();
  }
};
