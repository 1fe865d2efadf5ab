import { type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { hasSelfCare } from '../account/decider.js';
import { migrationApplies } from '../domainRules/decider.js';
import type { SelfCareView } from '../readModel/projection.js';
import { DomainName } from '../shared/codecs.js';
import { refuse, type SelfCareDomainError } from '../shared/errors.js';

/**
 * The Self-Care migration utility (`selfprov selfcare-migrate ALL|<domain>
 * ENABLE|DISABLE`). It processes only the users of the domains that have both
 * rules set (packages/selfcare/README.md, "Migration utility"):
 * `CreateSelfCareAccounts` on, and `DefaultCUPMPassword` enabled with data (so
 * every enabled user can log in with the default password). Other domains are
 * listed as skipped.
 */
export type MigrationAction = 'ENABLE' | 'DISABLE';
export interface MigrationRequest {
  /** `ALL` (every domain) or one domain name. */
  readonly target: string;
  readonly action: MigrationAction;
}

/** What the migration does to one user. */
export type UserStep = { readonly userId: string; readonly grant: boolean; readonly revoke: boolean; readonly defaultPassword: boolean };

export interface DomainPlan {
  readonly domain: string;
  /** `rules_not_set` when the domain lacks one of the two rules: nothing of it is touched. */
  readonly skipped: 'rules_not_set' | null;
  readonly steps: readonly UserStep[];
}

/** Parses the CLI arguments `ALL|<domain> ENABLE|DISABLE` (the action case-insensitively; `ALL` exactly). */
export const parseMigrationArgs = (args: readonly string[]): E.Either<ValidationError, MigrationRequest> => {
  const [target, action, ...extra] = args;
  const usage = 'usage: selfcare-migrate ALL|<domain> ENABLE|DISABLE';
  if (target === undefined || target === '') return E.left(validationError('invalid_input', 'target', `target is required; ${usage}`));
  if (target !== 'ALL' && !DomainName.is(target))
    return E.left(validationError('invalid_input', 'target', `target must be ALL or a domain name; ${usage}`));
  const upper = action?.toUpperCase();
  if (upper !== 'ENABLE' && upper !== 'DISABLE')
    return E.left(validationError('invalid_input', 'action', `action must be ENABLE or DISABLE; ${usage}`));
  if (extra.length > 0) return E.left(validationError('invalid_input', 'arguments', `too many arguments; ${usage}`));
  return E.right({ target, action: upper });
};

/** Plans a migration over the current view. An unknown target domain is refused. */
export const planMigration = (view: SelfCareView, request: MigrationRequest): E.Either<SelfCareDomainError, DomainPlan[]> => {
  if (request.target !== 'ALL' && !view.domains.get(request.target)?.exists)
    return E.left(refuse('domain_not_found', `domain ${request.target} does not exist`, 'target'));
  const domains = [...view.domains.values()]
    .filter((d) => d.exists && (request.target === 'ALL' || d.domain === request.target))
    .sort((a, b) => a.domain.localeCompare(b.domain));
  const accounts = [...view.accounts.values()].filter((a) => a.exists).sort((a, b) => a.userId.localeCompare(b.userId));
  return E.right(
    domains.map((d): DomainPlan => {
      if (!migrationApplies(d)) return { domain: d.domain, skipped: 'rules_not_set', steps: [] };
      const steps = accounts
        .filter((a) => a.domain === d.domain)
        .map((a): UserStep => {
          const enabled = hasSelfCare(a);
          return request.action === 'ENABLE'
            ? { userId: a.userId, grant: !enabled, revoke: false, defaultPassword: !a.passwordSet }
            : { userId: a.userId, grant: false, revoke: enabled, defaultPassword: false };
        });
      return { domain: d.domain, skipped: null, steps };
    }),
  );
};

/** What the migration changed in one domain. */
export interface DomainSummary {
  readonly domain: string;
  readonly skipped: 'rules_not_set' | null;
  /** Users given the `SelfCareUser` role. */
  readonly enabled: readonly string[];
  /** Users whose `SelfCareUser` role was taken away. */
  readonly disabled: readonly string[];
  /** Users who got the domain's default password (they had none). */
  readonly defaultPasswordApplied: readonly string[];
  readonly unchanged: readonly string[];
  readonly failed: readonly { readonly userId: string; readonly code: string; readonly message: string }[];
}

export interface MigrationSummary {
  readonly target: string;
  readonly action: MigrationAction;
  readonly domains: readonly DomainSummary[];
  readonly totals: {
    readonly domainsProcessed: number;
    readonly domainsSkipped: number;
    readonly usersChanged: number;
    readonly usersUnchanged: number;
    readonly usersFailed: number;
  };
}

/** Totals of a summary's domains. */
export const summarise = (target: string, action: MigrationAction, domains: readonly DomainSummary[]): MigrationSummary => {
  const processed = domains.filter((d) => d.skipped === null);
  const changed = new Set(processed.flatMap((d) => [...d.enabled, ...d.disabled, ...d.defaultPasswordApplied]));
  return {
    target,
    action,
    domains,
    totals: {
      domainsProcessed: processed.length,
      domainsSkipped: domains.length - processed.length,
      usersChanged: changed.size,
      usersUnchanged: processed.reduce((n, d) => n + d.unchanged.length, 0),
      usersFailed: processed.reduce((n, d) => n + d.failed.length, 0),
    },
  };
};

/** A human-readable summary for the CLI, one line per domain then the totals. */
export const formatMigrationSummary = (s: MigrationSummary): string => {
  const lines = s.domains.map((d) =>
    d.skipped !== null
      ? `${d.domain}: skipped (CreateSelfCareAccounts and DefaultCUPMPassword are not both set)`
      : `${d.domain}: ${s.action === 'ENABLE' ? `${d.enabled.length} enabled, ${d.defaultPasswordApplied.length} given the default password` : `${d.disabled.length} disabled`}, ${d.unchanged.length} unchanged, ${d.failed.length} failed${d.failed.length ? ` (${d.failed.map((f) => `${f.userId}: ${f.code}`).join('; ')})` : ''}`,
  );
  const t = s.totals;
  lines.push(
    `selfcare-migrate ${s.target} ${s.action}: ${t.domainsProcessed} domain(s) processed, ${t.domainsSkipped} skipped; ${t.usersChanged} user(s) changed, ${t.usersUnchanged} unchanged, ${t.usersFailed} failed`,
  );
  return lines.join('\n');
};
