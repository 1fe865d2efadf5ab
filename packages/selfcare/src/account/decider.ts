import type { Decider } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { SELF_CARE_ROLE } from '../shared/codecs.js';
import { notOwner, refuse, type SelfCareDecideError } from '../shared/errors.js';
import type { AccountCommand } from './commands.js';
import type { AccountEvent, Landing, LoginFailureReason, PersonalData, SessionClosed } from './events.js';

export interface Session {
  readonly sessionId: string;
  readonly tokenHash: string;
  readonly openedAt: string;
  readonly expiresAt: string;
  readonly landing: Landing;
}

export interface AccountState {
  readonly exists: boolean;
  readonly userId: string;
  readonly domain: string;
  readonly roles: readonly string[];
  /** False until an administrator, the user, or the domain's default-password rule sets a password: no login before. */
  readonly passwordSet: boolean;
  readonly personal: PersonalData;
  readonly primaryPhone: string | null;
  /** Open sessions (closed ones are dropped; expired ones are dropped when a later session opens). */
  readonly sessions: readonly Session[];
  readonly failedLogins: number;
  readonly lastLoginAt: string | null;
}

export const initialAccount = (): AccountState => ({
  exists: false,
  userId: '',
  domain: '',
  roles: [],
  passwordSet: false,
  personal: { firstName: null, lastName: null, email: null },
  primaryPhone: null,
  sessions: [],
  failedLogins: 0,
  lastLoginAt: null,
});

/** True when the account has the `SelfCareUser` role. */
export const hasSelfCare = (s: AccountState): boolean => s.roles.includes(SELF_CARE_ROLE);

/** A self-care-only user lands in the portal; a user with other roles reaches self-care from Personal Settings. */
export const landingOf = (roles: readonly string[]): Landing =>
  roles.every((r) => r === SELF_CARE_ROLE) ? 'self-care' : 'personal-settings';

/** Why a login cannot even be attempted (no verification is run then), or undefined. */
export const loginPrecheck = (s: AccountState): LoginFailureReason | 'account_not_found' | undefined =>
  !s.exists ? 'account_not_found' : !hasSelfCare(s) ? 'self_care_not_enabled' : !s.passwordSet ? 'password_not_set' : undefined;

/** The open, unexpired session with this id, if any. */
export const liveSession = (s: AccountState, sessionId: string, now: Date): Session | undefined =>
  s.sessions.find((x) => x.sessionId === sessionId && Date.parse(x.expiresAt) > now.getTime());

const adminOnly = (actor: string, field: string) =>
  actor === 'administrator' || actor === 'system' ? undefined : refuse('not_authorized', 'only an administrator may do this', field);

const closeAll = (s: AccountState, reason: SessionClosed['data']['reason'], keep?: string): SessionClosed[] =>
  s.sessions
    .filter((x) => x.sessionId !== keep)
    .map((x) => ({ type: 'SessionClosed', data: { userId: s.userId, sessionId: x.sessionId, reason } }));

const missing = (userId: string) => refuse('account_not_found', `no self-care account for user ${userId}`, 'userId');

/**
 * The self-care account (`selfcare-account-<userId>`): domain, roles, password
 * state, logins and sessions, and the user settings kept by self-care (name,
 * email, primary phone; password and PINs changes, never their values).
 */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState, SelfCareDecideError> = {
  initialState: initialAccount,
  evolve: (state, event) => {
    switch (event.type) {
      case 'SelfCareAccountCreated':
        return {
          ...initialAccount(),
          exists: true,
          userId: event.data.userId,
          domain: event.data.domain,
          roles: [...event.data.roles],
          personal: { ...event.data.personal },
        };
      case 'AccountRolesChanged':
        return { ...state, roles: [...event.data.roles] };
      case 'AccountPasswordSet':
        return { ...state, passwordSet: true, failedLogins: 0 };
      case 'LoginFailed':
        return { ...state, failedLogins: state.failedLogins + 1 };
      case 'SessionOpened': {
        const { sessionId, tokenHash, openedAt, expiresAt, landing } = event.data;
        const opened = Date.parse(openedAt);
        const live = state.sessions.filter((x) => Date.parse(x.expiresAt) > opened);
        return {
          ...state,
          sessions: [...live, { sessionId, tokenHash, openedAt, expiresAt, landing }],
          failedLogins: 0,
          lastLoginAt: openedAt,
        };
      }
      case 'SessionClosed':
        return { ...state, sessions: state.sessions.filter((x) => x.sessionId !== event.data.sessionId) };
      case 'NameChanged':
        return { ...state, personal: { ...state.personal, ...event.data.personal } };
      case 'EmailChanged':
        return { ...state, personal: { ...state.personal, email: event.data.personal.email } };
      case 'PrimaryPhoneChanged':
        return { ...state, primaryPhone: event.data.deviceName };
      case 'PinChanged':
        return state;
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateAccount': {
        const denied = adminOnly(command.actor, 'userId');
        if (denied) return E.left(denied);
        const { userId, domain, roles, personal } = command.data;
        if (state.exists) return E.left(refuse('account_exists', `user ${userId} already has an account`, 'userId'));
        if (!command.domainRules.exists) return E.left(refuse('domain_not_found', `domain ${domain} does not exist`, 'domain'));
        if (roles.includes(SELF_CARE_ROLE) && !command.domainRules.createSelfCareAccounts)
          return E.left(refuse('self_care_rule_off', `the CreateSelfCareAccounts rule of domain ${domain} is off`, 'roles'));
        return E.right([{ type: 'SelfCareAccountCreated', data: { userId, domain, roles: [...new Set(roles)], personal } }]);
      }
      case 'SetSelfCareRole': {
        const denied = adminOnly(command.actor, 'userId');
        if (denied) return E.left(denied);
        const { userId, enabled, expectedDomain } = command.data;
        if (!state.exists) return E.left(missing(userId));
        if (expectedDomain !== undefined && expectedDomain !== state.domain)
          return E.left(refuse('domain_mismatch', `user ${userId} belongs to another domain`, 'domain'));
        if (enabled === hasSelfCare(state)) return E.right([]);
        if (enabled && !command.domainRules.createSelfCareAccounts)
          return E.left(refuse('self_care_rule_off', `the CreateSelfCareAccounts rule of domain ${state.domain} is off`, 'role'));
        const roles = enabled ? [...state.roles, SELF_CARE_ROLE] : state.roles.filter((r) => r !== SELF_CARE_ROLE);
        return E.right([
          { type: 'AccountRolesChanged', data: { userId, roles } },
          ...(enabled ? [] : closeAll(state, 'self_care_disabled')),
        ]);
      }
      case 'RecordPasswordSet': {
        const { userId, source, keepSessionId } = command.data;
        if (!state.exists) return E.left(missing(userId));
        if (source !== 'user') {
          const denied = adminOnly(command.actor, 'userId');
          if (denied) return E.left(denied);
        }
        // A changed password ends the other sessions: whoever else was logged in must prove the new one.
        const closing = source === 'domain-default' ? [] : closeAll(state, 'password_changed', keepSessionId);
        return E.right([{ type: 'AccountPasswordSet', data: { userId, source } }, ...closing]);
      }
      case 'RecordLogin': {
        const { userId, outcome, session } = command.data;
        const pre = loginPrecheck(state);
        if (pre === 'account_not_found') return E.left(missing(userId));
        const failed = (reason: LoginFailureReason, lockedUntil: string | null = null) =>
          E.right([{ type: 'LoginFailed' as const, data: { userId, reason, lockedUntil } }]);
        if (pre !== undefined) return failed(pre);
        switch (outcome.result) {
          case 'verified':
            return E.right([{ type: 'SessionOpened', data: { userId, ...session, landing: landingOf(state.roles) } }]);
          case 'wrong_secret':
            return failed('wrong_password');
          case 'locked_out':
            return failed('locked_out', outcome.until);
          case 'throttled':
            return failed('throttled');
          case 'not_set':
          case 'not_attempted':
            return failed('password_not_set');
        }
        return failed('wrong_password');
      }
      case 'Logout': {
        const { userId, sessionId } = command.data;
        if (!state.sessions.some((x) => x.sessionId === sessionId)) return E.right([]);
        return E.right([{ type: 'SessionClosed', data: { userId, sessionId, reason: 'logout' } }]);
      }
      case 'ChangeName': {
        const { userId, firstName, lastName } = command.data;
        if (!state.exists) return E.left(missing(userId));
        if (state.personal.firstName === firstName && state.personal.lastName === lastName) return E.right([]);
        return E.right([{ type: 'NameChanged', data: { userId, personal: { firstName, lastName } } }]);
      }
      case 'ChangeEmail': {
        const { userId, email } = command.data;
        if (!state.exists) return E.left(missing(userId));
        if (state.personal.email === email) return E.right([]);
        return E.right([{ type: 'EmailChanged', data: { userId, personal: { email } } }]);
      }
      case 'ChangePrimaryPhone': {
        const { userId, deviceName } = command.data;
        if (!state.exists) return E.left(missing(userId));
        if (!command.ownPhones.includes(deviceName)) return E.left(notOwner('primaryPhone', 'phones'));
        if (state.primaryPhone === deviceName) return E.right([]);
        return E.right([{ type: 'PrimaryPhoneChanged', data: { userId, deviceName } }]);
      }
      case 'RecordPinChanged': {
        const { userId, pin } = command.data;
        if (!state.exists) return E.left(missing(userId));
        const by = command.actor === 'user' ? 'user' : 'administrator';
        return E.right([{ type: 'PinChanged', data: { userId, pin, by } }]);
      }
    }
  },
};
