import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { createAccountWith, setSelfCareRoleWith } from '../account/admin.js';
import type { CreateAccountInput } from '../account/codecs.js';
import { notAdmin, type SelfCareDeps } from '../facade/deps.js';
import { type Op, op } from '../facade/support.js';
import { SELF_CARE_ROLE } from '../shared/codecs.js';
import type { SelfCareError } from '../shared/errors.js';
import type { Principal } from '../shared/principal.js';
import { type BatchAction, parseBatchFile } from './batchFile.js';

/** One line of a batch report. */
export interface BatchLineReport {
  readonly line: number;
  readonly userId: string | null;
  readonly action: 'add' | 'update' | null;
  readonly outcome: 'applied' | 'unchanged' | 'refused';
  readonly code: string | null;
  readonly field: string | null;
  readonly message: string | null;
}

export interface BatchReport {
  readonly lines: readonly BatchLineReport[];
  readonly applied: number;
  readonly unchanged: number;
  readonly refused: number;
}

const runAction = async (
  deps: SelfCareDeps,
  principal: Principal,
  a: BatchAction,
  commandId: string,
): Promise<E.Either<SelfCareError, CommandResult>> =>
  a.action === 'add'
    ? createAccountWith(
        deps,
        principal,
        {
          userId: a.userId,
          domain: a.domain,
          roles: a.role === SELF_CARE_ROLE ? [SELF_CARE_ROLE] : [],
          personal: a.personal,
        } as CreateAccountInput,
        commandId,
        'batch',
      )()
    : setSelfCareRoleWith(
        deps,
        principal,
        { userId: a.userId, enabled: a.role === SELF_CARE_ROLE, domain: a.domain },
        commandId,
        'batch',
      )();

/**
 * Runs a batch action file (see `parseBatchFile` for the format). The file is
 * refused as a whole only when unreadable (encoding, header); otherwise each
 * line is applied or refused on its own and the report says which and why.
 * `batchId` makes a re-run of the same file a no-op (command ids `<batchId>:<line>`).
 */
export const runBatch = (
  deps: SelfCareDeps,
  principal: Principal,
  file: string | Uint8Array,
  batchOptions: { readonly batchId?: string } = {},
): Op<BatchReport> =>
  op(async () => {
    if (principal.kind !== 'administrator') return E.left(notAdmin());
    const parsed = parseBatchFile(file);
    if (E.isLeft(parsed)) return parsed;
    const batchId = batchOptions.batchId ?? deps.runtime.ids.uuid();
    const lines: BatchLineReport[] = [];
    for (const entry of parsed.right) {
      if ('error' in entry) {
        const { line, userId, code, field, message } = entry.error;
        lines.push({ line, userId, action: null, outcome: 'refused', code, field, message });
        continue;
      }
      const a = entry.ok;
      const result = await runAction(deps, principal, a, `${batchId}:${a.line}`);
      if (E.isLeft(result)) {
        const e = result.left;
        lines.push({
          line: a.line,
          userId: a.userId,
          action: a.action,
          outcome: 'refused',
          code: e.code,
          field: e.field ?? null,
          message: `line ${a.line}: ${e.message}`,
        });
      } else {
        const changed = result.right.events.length > 0;
        lines.push({
          line: a.line,
          userId: a.userId,
          action: a.action,
          outcome: changed ? 'applied' : 'unchanged',
          code: null,
          field: null,
          message: null,
        });
      }
    }
    const count = (o: BatchLineReport['outcome']) => lines.filter((l) => l.outcome === o).length;
    return E.right({ lines, applied: count('applied'), unchanged: count('unchanged'), refused: count('refused') });
  });
