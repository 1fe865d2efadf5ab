import type { DomainEvent } from '../../kernel/decider.js';

type Services = 'selfProvisioningIvr' | 'ctiManager';
type Authentication = 'non-secure' | 'secure-users' | 'secure-users-and-admins';

/** The credential policy as event data (the credentials module's `CredentialPolicy`). */
export type CredentialPolicyData = {
  readonly lockoutThreshold: number;
  readonly failureResetMinutes: number;
  readonly lockoutDurationMinutes: number;
  readonly minLength: number;
  readonly historySize: number;
  readonly expiryDays: number;
  readonly trivialCheck: boolean;
};

export type ClusterCreated = DomainEvent<
  'ClusterCreated',
  { readonly clusterId: string; readonly name: string; readonly publisher: string }
>;
export type NodeAdded = DomainEvent<'NodeAdded', { readonly clusterId: string; readonly node: string }>;
export type NodeRemoved = DomainEvent<'NodeRemoved', { readonly clusterId: string; readonly node: string }>;
export type ServiceActivated = DomainEvent<
  'ServiceActivated',
  { readonly clusterId: string; readonly node: string; readonly service: Services }
>;
export type ServiceDeactivated = DomainEvent<
  'ServiceDeactivated',
  { readonly clusterId: string; readonly node: string; readonly service: Services }
>;
/** IVR settings changed while the IVR ran: they take effect when it restarts. */
export type IvrRestartRequired = DomainEvent<'IvrRestartRequired', { readonly clusterId: string; readonly node: string }>;
export type IvrServiceRestarted = DomainEvent<'IvrServiceRestarted', { readonly clusterId: string; readonly node: string }>;
export type AutoRegistrationConfigured = DomainEvent<
  'AutoRegistrationConfigured',
  {
    readonly clusterId: string;
    readonly startDn: string;
    readonly endDn: string;
    readonly deviceTemplate: string | null;
    readonly lineTemplate: string | null;
    readonly routePartition: string | null;
    readonly e164Mask: string | null;
  }
>;
export type AutoRegistrationEnabled = DomainEvent<'AutoRegistrationEnabled', { readonly clusterId: string }>;
export type AutoRegistrationDisabled = DomainEvent<'AutoRegistrationDisabled', { readonly clusterId: string }>;
export type SipPortsSet = DomainEvent<
  'SipPortsSet',
  { readonly clusterId: string; readonly udp: number; readonly tcp: number; readonly tls: number }
>;
export type SelfProvisioningConfigured = DomainEvent<
  'SelfProvisioningConfigured',
  {
    readonly clusterId: string;
    readonly authentication: Authentication;
    readonly languages: readonly string[];
    readonly ctiRoutePoint: string;
    readonly applicationUser: string;
  }
>;
/** The code itself is in the credential store, never here. */
export type AuthenticationCodeChanged = DomainEvent<'AuthenticationCodeChanged', { readonly clusterId: string }>;
export type EnterpriseParametersSet = DomainEvent<
  'EnterpriseParametersSet',
  { readonly clusterId: string; readonly legacyAutoRegistration: boolean; readonly replacedPhone: 'keep' | 'delete' }
>;
export type CredentialPolicySet = DomainEvent<'CredentialPolicySet', { readonly clusterId: string; readonly policy: CredentialPolicyData }>;

export type ClusterEvent =
  | ClusterCreated
  | NodeAdded
  | NodeRemoved
  | ServiceActivated
  | ServiceDeactivated
  | IvrRestartRequired
  | IvrServiceRestarted
  | AutoRegistrationConfigured
  | AutoRegistrationEnabled
  | AutoRegistrationDisabled
  | SipPortsSet
  | SelfProvisioningConfigured
  | AuthenticationCodeChanged
  | EnterpriseParametersSet
  | CredentialPolicySet;

export type ClusterEventType = ClusterEvent['type'];
