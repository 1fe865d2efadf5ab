/** One `selfprov` sub-command. `run` resolves with the process exit code. */
export interface Verb {
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[]): Promise<number>;
}

import { autoregister } from './autoregister.js';
import { demo } from './demo.js';
import { ivr } from './ivr.js';
import { selfcareMigrate } from './selfcareMigrate.js';

export const verbs: Record<string, Verb> = {
  autoregister,
  demo,
  ivr,
  'selfcare-migrate': selfcareMigrate,
};
