import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, type Op, op, readFolded } from '../facade/support.js';
import { UserId } from '../shared/codecs.js';
import { refuse } from '../shared/errors.js';
import type { UserPrincipal } from '../shared/principal.js';
import { toBase64Url, tokenFingerprint } from '../shared/sha256.js';
import { selfCareStreams } from '../shared/streams.js';
import { LoginInput } from './codecs.js';
import type { RecordLogin } from './commands.js';
import { accountDecider, loginPrecheck } from './decider.js';
import type { Landing } from './events.js';

/** A successful login. `token` is the bearer secret: give it to the user agent only, never log it. */
export interface LoginResult {
  readonly userId: string;
  readonly sessionId: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly landing: Landing;
}

const invalidCredentials = () =>
  refuse('invalid_credentials', 'the user id or password is wrong, or self-care is not available for this account', 'password');

/**
 * Logs a user in to self-care. Unknown user, wrong password, no password set
 * and no self-care role all answer `invalid_credentials` (no account
 * enumeration); the account's event records the precise reason. A lockout
 * answers `account_locked` with the instant it ends.
 */
export const login = (deps: SelfCareDeps, input: unknown): Op<LoginResult> =>
  op(async () => {
    const { store, runtime, credentials } = deps;
    const data = decode(LoginInput, input);
    if (E.isLeft(data)) return data;
    const { userId, password } = data.right;
    if (!UserId.is(userId)) return E.left(invalidCredentials());
    const accountId = selfCareStreams.account(userId);
    const account = await readFolded(store, accountDecider, accountId);
    if (E.isLeft(account)) return account;
    const pre = loginPrecheck(account.right);
    if (pre === 'account_not_found') return E.left(invalidCredentials());
    let outcome: RecordLogin['data']['outcome'] = { result: 'not_attempted' };
    if (pre === undefined) {
      const verified = await credentials.verify({
        subject: userId,
        kind: 'password',
        secret: password,
        deviceKey: data.right.deviceKey ?? 'selfcare',
      })();
      if (E.isLeft(verified)) return verified;
      const audited = await deps.audit(
        { commandId: runtime.ids.uuid(), actor: { kind: 'user', id: userId }, channel: 'selfcare' },
        accountId,
        verified.right,
      );
      if (E.isLeft(audited)) return audited;
      outcome = verified.right;
    }
    const now = runtime.clock.now();
    const token = toBase64Url(runtime.random.bytes(32));
    const session = {
      sessionId: runtime.ids.uuid(),
      tokenHash: tokenFingerprint(token),
      openedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + deps.sessionMinutes * 60_000).toISOString(),
    };
    const settled = await deps.append(
      accountDecider,
      accountId,
      { type: 'RecordLogin', data: { userId, outcome, session } },
      { commandId: runtime.ids.uuid(), actor: { kind: 'user', id: userId }, channel: 'selfcare' },
    );
    if (E.isLeft(settled)) return E.left(settled.left.code === 'account_not_found' ? invalidCredentials() : settled.left);
    const [event] = settled.right.events;
    if (event?.type === 'SessionOpened') {
      const landing = (event.data as { landing: Landing }).landing;
      return E.right({ userId, sessionId: session.sessionId, token, expiresAt: session.expiresAt, landing });
    }
    const failure = event?.data as { reason?: string; lockedUntil?: string | null } | undefined;
    if (failure?.reason === 'locked_out')
      return E.left(
        refuse('account_locked', 'too many failed attempts: the account is locked', 'password', { until: failure.lockedUntil ?? null }),
      );
    if (failure?.reason === 'throttled')
      return E.left(refuse('login_throttled', 'too many failed attempts from this caller; try later', 'password'));
    return E.left(invalidCredentials());
  });

/** The principal of a session token, if the session is open and not expired. */
export const authenticate = (deps: SelfCareDeps, token: string): Op<UserPrincipal> =>
  op(async () => {
    const view = await deps.freshView();
    if (E.isLeft(view)) return view;
    const hash = tokenFingerprint(token);
    const userId = view.right.sessionsByToken.get(hash);
    const session = userId === undefined ? undefined : view.right.accounts.get(userId)?.sessions.find((s) => s.tokenHash === hash);
    if (userId === undefined || session === undefined)
      return E.left(refuse('not_authenticated', 'unknown or closed session; log in again', 'session'));
    if (Date.parse(session.expiresAt) <= deps.runtime.clock.now().getTime())
      return E.left(refuse('session_expired', 'the session has expired; log in again', 'session', { expiredAt: session.expiresAt }));
    return E.right({ kind: 'user', userId, sessionId: session.sessionId });
  });

/** Closes the principal's session. */
export const logout = (deps: SelfCareDeps, principal: UserPrincipal, call?: CallOptions): Op<CommandResult> =>
  op(async () =>
    deps.append(
      accountDecider,
      selfCareStreams.account(principal.userId),
      { type: 'Logout', data: { userId: principal.userId, sessionId: principal.sessionId } },
      deps.context(principal, deps.commandIdOf(call)),
    ),
  );
