/** One `selfprov` sub-command. `run` resolves with the process exit code. */
export interface Verb {
  readonly summary: string;
  readonly usage: string;
  run(argv: readonly string[]): Promise<number>;
}

import { sipService } from '@selfprov/sip';
import { audit } from './audit.js';
import { autoregister } from './autoregister.js';
import { demo } from './demo.js';
import { ivr } from './ivr.js';
import { selfcareBatch } from './selfcareBatch.js';
import { selfcareMigrate } from './selfcareMigrate.js';
import { createServeVerb } from './serve.js';
import { users } from './users.js';

export const verbs: Record<string, Verb> = {
  audit,
  autoregister,
  demo,
  ivr,
  'selfcare-batch': selfcareBatch,
  'selfcare-migrate': selfcareMigrate,
  // HTTP, and the SIP registrar and IVR calls next to it (`--sip-port`, loopback by default).
  serve: createServeVerb([sipService()]),
  users,
};
