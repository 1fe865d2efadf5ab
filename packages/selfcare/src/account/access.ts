import * as E from 'fp-ts/lib/Either.js';
import { featureHidden, refuse, type SelfCareDomainError } from '../shared/errors.js';
import type { Feature, SettingsPage } from '../shared/features.js';
import { type Principal, subjectOf } from '../shared/principal.js';
import { isVisible, type VisibilityState } from '../visibility/decider.js';
import { type AccountState, hasSelfCare } from './decider.js';

/** The facts a self-care command is authorized against, all loaded in the command's own decision. */
export interface AccessFacts {
  readonly principal: Principal;
  /** The account of the subject (the user, or the user an administrator acts for). */
  readonly account: AccountState;
  readonly visibility: VisibilityState;
  readonly now: Date;
  /** The page and feature the command belongs to: a hidden feature is refused. Absent for queries. */
  readonly page?: SettingsPage;
  readonly feature?: Feature;
}

/**
 * Who may run a self-care command, decided in the domain (not only at the
 * edge): a user needs an account with the `SelfCareUser` role and an open,
 * unexpired session; an administrator must name the user they act for. The
 * feature must be visible. Answers the subject: the user whose settings change.
 * Ownership of the phone or line is the aggregate decider's check.
 */
export const authorize = (f: AccessFacts): E.Either<SelfCareDomainError, string> => {
  const subject = subjectOf(f.principal);
  if (subject === undefined) return E.left(refuse('subject_required', 'select the user to act for', 'onBehalfOf'));
  if (f.principal.kind === 'user') {
    if (!f.account.exists) return E.left(refuse('not_authenticated', 'log in to self-care first', 'session'));
    if (!hasSelfCare(f.account)) return E.left(refuse('self_care_not_enabled', 'self-care is not enabled for this account', 'session'));
    const { sessionId } = f.principal;
    const session = f.account.sessions.find((s) => s.sessionId === sessionId);
    if (session === undefined) return E.left(refuse('not_authenticated', 'the session is closed or unknown; log in again', 'session'));
    if (Date.parse(session.expiresAt) <= f.now.getTime())
      return E.left(refuse('session_expired', 'the session has expired; log in again', 'session', { expiredAt: session.expiresAt }));
  }
  if (f.page !== undefined && f.feature !== undefined && !isVisible(f.visibility, f.page, f.feature))
    return E.left(featureHidden(f.page, f.feature));
  return E.right(subject);
};
