import { promptArgs, refusalPrompt } from './machine/announcements.js';
import type { AwaitedInput, CommandParams, IdentifyParams, IvrContext, VerifyParams } from './machine/model.js';
import type { PromptArgs, PromptId } from './prompts.js';

/**
 * The machine's actions, as returned by xstate's pure `transition`, turned
 * into plain outputs the driver carries out. This is where prompt arguments
 * are computed, from the context as it was when each action ran.
 */

export type IvrEffect =
  | ({ readonly type: 'identifyUser' } & IdentifyParams)
  | ({ readonly type: 'verifyCredential' } & VerifyParams)
  | ({ readonly type: 'provisionPhone' } & CommandParams)
  | ({ readonly type: 'replacePhone' } & CommandParams);

export type IvrOutput =
  | { readonly kind: 'play'; readonly prompt: PromptId; readonly args: PromptArgs; readonly language: string }
  | { readonly kind: 'awaitInput'; readonly input: AwaitedInput }
  | { readonly kind: 'startTimer'; readonly id: string; readonly eventType: string; readonly delayMs: number }
  | { readonly kind: 'cancelTimer'; readonly id: string }
  | { readonly kind: 'effect'; readonly effect: IvrEffect }
  | { readonly kind: 'hangUp' };

/** The shape of an executable action that this module reads (xstate's `ExecutableActionObject`). */
export interface ActionLike {
  readonly type: string;
  readonly params: unknown;
  readonly info: { readonly context: unknown };
}

const effectTypes = new Set(['identifyUser', 'verifyCredential', 'provisionPhone', 'replacePhone']);

/** Outputs of one transition, in order. Actions the driver has nothing to do for (context updates) are dropped. */
export const outputsOf = (actions: readonly ActionLike[]): IvrOutput[] => {
  const out: IvrOutput[] = [];
  for (const action of actions) {
    const context = action.info.context as IvrContext;
    const params = action.params as Record<string, unknown> | undefined;
    switch (action.type) {
      case 'play': {
        const prompt = (params as { prompt: PromptId }).prompt;
        out.push({ kind: 'play', prompt, args: promptArgs(prompt, context), language: context.language });
        break;
      }
      case 'playRefusal': {
        const prompt = refusalPrompt(context.refusal ?? 'failure', context.flow);
        out.push({ kind: 'play', prompt, args: promptArgs(prompt, context), language: context.language });
        break;
      }
      case 'playLanguageMenu':
        context.languages.forEach((language, i) => {
          out.push({ kind: 'play', prompt: 'language-option', args: { key: String(i + 1) }, language });
        });
        break;
      case 'awaitInput':
        out.push({ kind: 'awaitInput', input: params as unknown as AwaitedInput });
        break;
      case 'hangUp':
        out.push({ kind: 'hangUp' });
        break;
      case 'xstate.raise': {
        const raise = params as { event: { type: string }; id?: string; delay?: number };
        if (raise.delay !== undefined) {
          out.push({ kind: 'startTimer', id: raise.id ?? raise.event.type, eventType: raise.event.type, delayMs: raise.delay });
        }
        break;
      }
      case 'xstate.cancel':
        out.push({ kind: 'cancelTimer', id: String((params as { sendId: unknown }).sendId) });
        break;
      default:
        if (effectTypes.has(action.type)) out.push({ kind: 'effect', effect: { type: action.type, ...params } as IvrEffect });
    }
  }
  return out;
};
