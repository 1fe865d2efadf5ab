import type { Actor, Channel, CommandContext } from '@selfprov/core';

/**
 * Who issues a self-care command. A user acts on their own settings through a
 * session; an administrator acts for a selected user (the vendor's "Personal
 * Settings" of a user), which the event metadata records as
 * `{ kind: 'administrator', id, onBehalfOf }`.
 */
export type Principal = UserPrincipal | AdministratorPrincipal;

export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  /** The session the user logged in with (from `authenticate`); checked by every command. */
  readonly sessionId: string;
  readonly channel?: Channel;
}

export interface AdministratorPrincipal {
  readonly kind: 'administrator';
  readonly administratorId: string;
  /** The selected user whose settings the administrator changes. Required by user-scoped commands. */
  readonly onBehalfOf?: string;
  readonly channel?: Channel;
}

/** The user whose settings a command changes, if the principal names one. */
export const subjectOf = (principal: Principal): string | undefined =>
  principal.kind === 'user' ? principal.userId : principal.onBehalfOf;

/** The envelope actor of a principal. */
export const actorOf = (principal: Principal): Actor =>
  principal.kind === 'user'
    ? { kind: 'user', id: principal.userId }
    : principal.onBehalfOf === undefined
      ? { kind: 'administrator', id: principal.administratorId }
      : { kind: 'administrator', id: principal.administratorId, onBehalfOf: principal.onBehalfOf };

/** The command context of a principal's command. */
export const contextOf = (principal: Principal, commandId: string, defaultChannel: Channel = 'selfcare'): CommandContext => ({
  commandId,
  actor: actorOf(principal),
  channel: principal.channel ?? defaultChannel,
});

/** An administrator principal, optionally acting for a selected user. */
export const administrator = (administratorId: string, onBehalfOf?: string, channel?: Channel): AdministratorPrincipal => ({
  kind: 'administrator',
  administratorId,
  ...(onBehalfOf === undefined ? {} : { onBehalfOf }),
  ...(channel === undefined ? {} : { channel }),
});
