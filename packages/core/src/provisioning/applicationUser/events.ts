import type { DomainEvent } from '../../kernel/decider.js';

export type ApplicationUserCreated = DomainEvent<
  'ApplicationUserCreated',
  { readonly userId: string; readonly clusterId: string; readonly presenceGroup: string }
>;
export type ApplicationUserPresenceGroupSet = DomainEvent<
  'ApplicationUserPresenceGroupSet',
  { readonly userId: string; readonly presenceGroup: string }
>;
export type ControlledDeviceAssociated = DomainEvent<'ControlledDeviceAssociated', { readonly userId: string; readonly device: string }>;
export type ControlledDeviceDissociated = DomainEvent<'ControlledDeviceDissociated', { readonly userId: string; readonly device: string }>;

export type ApplicationUserEvent =
  | ApplicationUserCreated
  | ApplicationUserPresenceGroupSet
  | ControlledDeviceAssociated
  | ControlledDeviceDissociated;
