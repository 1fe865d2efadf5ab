import * as E from 'fp-ts/lib/Either.js';
import { applyDefaultPassword, setSelfCareRoleWith } from '../account/admin.js';
import { type CallOptions, notAdmin, type SelfCareDeps } from '../facade/deps.js';
import { type Op, op } from '../facade/support.js';
import type { Principal } from '../shared/principal.js';
import { type DomainSummary, type MigrationRequest, type MigrationSummary, planMigration, summarise } from './migration.js';

/**
 * The Self-Care migration utility: enables (or disables) self-care for every
 * user of the target domains that have both `CreateSelfCareAccounts` and
 * `DefaultCUPMPassword` set; enabled users without a password get the
 * domain's default password. Other domains are reported as skipped.
 */
export const migrate = (deps: SelfCareDeps, principal: Principal, request: MigrationRequest, call?: CallOptions): Op<MigrationSummary> =>
  op(async () => {
    if (principal.kind !== 'administrator') return E.left(notAdmin());
    const view = await deps.freshView();
    if (E.isLeft(view)) return view;
    const plan = planMigration(view.right, request);
    if (E.isLeft(plan)) return plan;
    const runId = deps.commandIdOf(call);
    const domains: DomainSummary[] = [];
    for (const d of plan.right) {
      const summary = {
        enabled: [] as string[],
        disabled: [] as string[],
        defaultPasswordApplied: [] as string[],
        unchanged: [] as string[],
      };
      const failed: { userId: string; code: string; message: string }[] = [];
      for (const step of d.steps) {
        const commandId = `${runId}:${step.userId}`;
        let changed = false;
        if (step.grant || step.revoke) {
          const r = await setSelfCareRoleWith(deps, principal, { userId: step.userId, enabled: step.grant }, commandId, 'cli', false)();
          if (E.isLeft(r)) {
            failed.push({ userId: step.userId, code: r.left.code, message: r.left.message });
            continue;
          }
          if (r.right.events.length > 0) {
            (step.grant ? summary.enabled : summary.disabled).push(step.userId);
            changed = true;
          }
        }
        if (step.defaultPassword) {
          const applied = await applyDefaultPassword(deps, principal, step.userId, commandId, 'cli');
          if (E.isLeft(applied)) {
            failed.push({ userId: step.userId, code: applied.left.code, message: applied.left.message });
            continue;
          }
          if (applied.right) {
            summary.defaultPasswordApplied.push(step.userId);
            changed = true;
          }
        }
        if (!changed) summary.unchanged.push(step.userId);
      }
      domains.push({ domain: d.domain, skipped: d.skipped, ...summary, failed });
    }
    return E.right(summarise(request.target, request.action, domains));
  });
