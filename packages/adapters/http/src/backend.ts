import type { CredentialDeps, EventStore, Runtime, SelfProvisioning } from '@selfprov/core';
import type { IvrGateway } from '@selfprov/ivr';
import type { SelfCare } from '@selfprov/selfcare';

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
  /** The credentials module's ports: PINs, passwords and the authentication code live there, never in events. */
  readonly credentials: CredentialDeps;
  readonly selfCare: SelfCare;
  readonly ivrGateway: IvrGateway;
}
