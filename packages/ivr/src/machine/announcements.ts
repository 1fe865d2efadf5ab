import type { IvrRefusal } from '../gateway.js';
import type { PromptArgs, PromptId } from '../prompts.js';
import type { Flow, IvrContext } from './model.js';

// What the machine announces: the prompt of each refusal and the arguments of the prompts that have some.

/**
 * The prompt a refusal is announced with. `unknown_id` depends on what was
 * entered; `wrong_credential` normally retries the entry (see `verifying`) and
 * only reaches this table when a gateway reports it for another step.
 */
export const refusalPrompts = {
  unknown_id: { provision: 'unknown-self-provisioning-id', replace: 'unknown-extension' },
  wrong_credential: 'wrong-credential',
  locked_out: 'locked-out',
  throttled: 'throttled',
  limit_reached: 'limit-reached',
  already_provisioned: 'already-provisioned',
  no_primary_extension: 'no-primary-extension',
  not_allowed_by_profile: 'not-allowed-by-profile',
  owned_by_another_user: 'owned-by-another-user',
  old_phone_registered: 'old-phone-still-registered',
  no_phone_to_replace: 'no-phone-to-replace',
  system_not_ready: 'system-not-ready',
  failure: 'generic-failure',
} as const satisfies Record<IvrRefusal, PromptId | Record<Flow, PromptId>>;

/** The prompt id that announces `refusal` during `flow`. */
export const refusalPrompt = (refusal: IvrRefusal, flow: Flow): PromptId => {
  const entry: PromptId | Record<Flow, PromptId> = refusalPrompts[refusal];
  return typeof entry === 'string' ? entry : entry[flow];
};

const triesLeft = (c: IvrContext): number =>
  Math.max(0, Math.min(c.options.maxTries - c.tries, c.attemptsLeft === null ? Number.POSITIVE_INFINITY : c.attemptsLeft));

/** Arguments of the prompts that have some, computed from the context at the moment the prompt is played. */
export const promptArgs = (prompt: string, c: IvrContext): PromptArgs => {
  switch (prompt) {
    case 'confirm-self-provisioning-id':
      return { digits: c.idDigits };
    case 'wrong-credential':
      return { triesLeft: String(triesLeft(c)) };
    case 'phone-provisioned':
    case 'phone-replaced':
      return { extension: c.extension ?? '' };
    default:
      return {};
  }
};
