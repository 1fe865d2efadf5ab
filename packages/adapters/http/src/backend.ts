import type { Channel, CredentialKind, EventStore, Runtime, SelfProvisioning } from '@selfprov/core';
import type { IvrGateway } from '@selfprov/ivr';
import type { SelfCare } from '@selfprov/selfcare';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { ErrorLike } from './errors.js';

/**
 * What the HTTP transport drives: the assembled backend. `createSelfprov` of
 * `@selfprov/app` answers exactly this (and more); the transport names only
 * what it uses, so it depends on no store adapter.
 */
export interface HttpBackend {
  /** The event log as the application sees it (personal data protected). */
  readonly events: EventStore;
  readonly runtime: Runtime;
  readonly selfProvisioning: SelfProvisioning;
  /** An administrator's credential operations: PINs, passwords and the authentication code live in the credentials module, never in events. */
  readonly adminCredentials: AdminCredentialOperations;
  readonly selfCare: SelfCare;
  readonly ivrGateway: IvrGateway;
}

/** Who asks an administrator's credential operation (see `adminCall` in deps.ts). */
export interface AdminCall {
  readonly administratorId: string;
  readonly channel: Channel;
  readonly commandId?: string;
}

/**
 * The administrator's credential operations the admin API calls: `createAdminCredentials`
 * of `@selfprov/app` (packages/adapters/app/src/adminCredentials.ts), named here by
 * shape so the transport does not depend on the app package.
 */
export interface AdminCredentialOperations {
  setPin(
    input: { readonly userId: string; readonly kind: 'pin' | 'voicemail-pin'; readonly pin: string },
    call: AdminCall,
  ): TE.TaskEither<ErrorLike, void>;
  setPassword(input: { readonly userId: string; readonly password: unknown }, call: AdminCall): TE.TaskEither<ErrorLike, void>;
  setAuthenticationCode(input: { readonly clusterId: string; readonly code: string }, call: AdminCall): TE.TaskEither<ErrorLike, void>;
  unlock(
    input: { readonly userId: string; readonly kind: CredentialKind },
    call: AdminCall,
  ): TE.TaskEither<ErrorLike, { readonly wasLocked: boolean }>;
}
