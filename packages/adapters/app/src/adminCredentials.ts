import {
  type Channel,
  type CredentialDeps,
  type CredentialError,
  type CredentialEvent,
  type CredentialKind,
  type DomainError,
  domainError,
  type EndUserState,
  type EventStore,
  type Runtime,
  recordCredentialEvents,
  type SelfProvisioning,
  type StoreError,
  setAuthenticationCode,
  setCredential,
  streams,
  systemRuntime,
  unlockCredential,
  type ValidationError,
  validationError,
  type WorkflowContext,
  type WorkflowError,
} from '@selfprov/core';
import { administrator, type SelfCare, type SelfCareError } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

/**
 * An administrator's credential operations: set a user's phone or voicemail PIN,
 * set a user's self-care password, set the administrators' authentication code,
 * unlock a user's credential. Secrets go to the credentials module
 * (packages/core/src/credentials/operations/) and are never echoed nor recorded;
 * what that module asks to record (`CredentialSet`, `CredentialUnlocked`: never a
 * secret) is appended to the user's (or the cluster's) stream. The HTTP admin API
 * (packages/adapters/http/src/routes/admin/credentials.ts) decodes a request, calls
 * one of these and maps the answer.
 */

/** Who asks: the administrator, through which door, and the request's command id when it has one. */
export interface AdminCall {
  /** The envelope actor id of the administrator. */
  readonly administratorId: string;
  readonly channel: Channel;
  /** Makes a retried request a no-op where the operation is a command (the authentication code's record, the password). */
  readonly commandId?: string;
}

/** The kinds of PIN an administrator sets. */
export type AdminPinKind = 'pin' | 'voicemail-pin';

export type SetPinError = StoreError | CredentialError | DomainError<'user_not_found'>;
export type SetAuthenticationCodeError = StoreError | CredentialError | WorkflowError | DomainError<'cluster_not_found'>;
export type UnlockError = StoreError | CredentialError | ValidationError | DomainError<'user_not_found'>;

export interface AdminCredentials {
  /**
   * Sets a user's phone PIN or voicemail PIN (the policy applied against the user's
   * extension, mailbox and names); errors name the field `pin`. `user_not_found`
   * (field `userId`) when the user does not exist.
   */
  setPin(
    input: { readonly userId: string; readonly kind: AdminPinKind; readonly pin: string },
    call: AdminCall,
  ): TE.TaskEither<SetPinError, void>;
  /** Sets a user's self-care password (self-care's administrator operation: the account must exist). */
  setPassword(input: { readonly userId: string; readonly password: unknown }, call: AdminCall): TE.TaskEither<SelfCareError, void>;
  /**
   * Sets the administrators' authentication code of a cluster (stored hashed under the
   * system subject) and records the change on the cluster (`RecordAuthenticationCodeChanged`);
   * refusals of the code name the field `code`. `cluster_not_found` (field `clusterId`)
   * when the cluster does not exist.
   */
  setAuthenticationCode(
    input: { readonly clusterId: string; readonly code: string },
    call: AdminCall,
  ): TE.TaskEither<SetAuthenticationCodeError, void>;
  /**
   * Ends a lockout of one of a user's credentials and clears its failure counters;
   * answers whether a lockout was active. The authentication code is not a user's
   * credential: `invalid_input` (field `kind`).
   */
  unlock(
    input: { readonly userId: string; readonly kind: CredentialKind },
    call: AdminCall,
  ): TE.TaskEither<UnlockError, { readonly wasLocked: boolean }>;
}

export interface AdminCredentialsDeps {
  /** The event log as the application sees it (personal data protected). */
  readonly events: EventStore;
  readonly credentials: CredentialDeps;
  readonly selfProvisioning: SelfProvisioning;
  readonly selfCare: SelfCare;
  /** Ids and timers for recording; default the system's, with the credentials' clock. */
  readonly runtime?: Runtime;
}

const notFound = <Code extends string>(code: Code, what: string, field: string): DomainError<Code> =>
  domainError(code, `${what} does not exist`, { field });

export const createAdminCredentials = (deps: AdminCredentialsDeps): AdminCredentials => {
  const { events, credentials, selfProvisioning } = deps;
  const runtime = deps.runtime ?? { ...systemRuntime(), clock: credentials.clock };

  /** The workflow context of an administrator's command. */
  const contextOf = (call: AdminCall): WorkflowContext => ({
    actor: { kind: 'administrator', id: call.administratorId },
    channel: call.channel,
    ...(call.commandId === undefined ? {} : { commandId: call.commandId }),
  });

  const existingUser = async (userId: string): Promise<E.Either<StoreError | DomainError<'user_not_found'>, EndUserState>> => {
    const user = await selfProvisioning.user(userId)();
    if (E.isLeft(user)) return user;
    return user.right?.exists ? E.right(user.right) : E.left(notFound('user_not_found', `end user ${userId}`, 'userId'));
  };

  /**
   * Records what the credentials module asks to record (never a secret) in `streamId`, the one way
   * credential events are recorded (`recordCredentialEvents`): guarded by the stream's version and
   * idempotent by command id. The request's command id is suffixed, since the authentication code's
   * `RecordAuthenticationCodeChanged` uses the plain one on the same cluster stream.
   */
  const record = async (streamId: string, recorded: readonly CredentialEvent[], call: AdminCall): Promise<E.Either<StoreError, void>> => {
    const appended = await recordCredentialEvents(
      { store: events, runtime },
      {
        streamId,
        events: recorded,
        context: {
          commandId: call.commandId === undefined ? runtime.ids.uuid() : `${call.commandId}:credentials`,
          actor: { kind: 'administrator', id: call.administratorId },
          channel: call.channel,
        },
      },
    )();
    return E.map(() => undefined)(appended);
  };

  return {
    setPin: (input, call) => async () => {
      const { userId } = input;
      const user = await existingUser(userId);
      if (E.isLeft(user)) return user;
      const u = user.right;
      const owner = {
        userId,
        ...(u.primaryExtension === undefined ? {} : { extension: u.primaryExtension, mailbox: u.primaryExtension }),
        ...(typeof u.personal.firstName === 'string' ? { firstName: u.personal.firstName } : {}),
        ...(typeof u.personal.lastName === 'string' ? { lastName: u.personal.lastName } : {}),
      };
      const set = await setCredential(credentials, {
        subject: userId,
        kind: input.kind,
        secret: input.pin,
        by: 'administrator',
        owner,
        field: 'pin',
      })();
      if (E.isLeft(set)) return set;
      return record(streams.user(userId), set.right.events, call);
    },

    setPassword: (input, call) => async () => {
      const r = await deps.selfCare.admin.setPassword(
        administrator(call.administratorId, undefined, call.channel),
        { userId: input.userId, password: input.password },
        call.commandId === undefined ? undefined : { commandId: call.commandId },
      )();
      return E.isLeft(r) ? r : E.right(undefined);
    },

    setAuthenticationCode: (input, call) => async () => {
      const { clusterId } = input;
      const caught = await selfProvisioning.readModels.catchUp()();
      if (E.isLeft(caught)) return caught;
      if (!selfProvisioning.readModels.cluster(clusterId)?.exists)
        return E.left(notFound('cluster_not_found', `cluster ${clusterId}`, 'clusterId'));
      const set = await setAuthenticationCode(credentials, { code: input.code, by: 'administrator' })();
      // The credentials module names the code `authenticationCode`; this operation's input calls it `code`.
      if (E.isLeft(set)) return set.left.field === 'authenticationCode' ? E.left({ ...set.left, field: 'code' }) : set;
      const recorded = await record(streams.cluster(clusterId), set.right.events, call);
      if (E.isLeft(recorded)) return recorded;
      const changed = await selfProvisioning.configure(
        'cluster',
        { type: 'RecordAuthenticationCodeChanged', clusterId },
        contextOf(call),
      )();
      return E.isLeft(changed) ? changed : E.right(undefined);
    },

    unlock: (input, call) => async () => {
      const { userId, kind } = input;
      if (kind === 'authentication-code')
        return E.left(validationError('invalid_input', 'kind', 'kind must be pin, password or voicemail-pin'));
      const user = await existingUser(userId);
      if (E.isLeft(user)) return user;
      const r = await unlockCredential(credentials, { subject: userId, kind, by: 'administrator' })();
      if (E.isLeft(r)) return r;
      const recorded = await record(streams.user(userId), r.right.events, call);
      return E.isLeft(recorded) ? recorded : E.right({ wasLocked: r.right.wasLocked });
    },
  };
};
