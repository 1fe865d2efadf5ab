import type { DomainEvent } from '../../kernel/decider.js';

type Settings = { readonly devicePool: string; readonly location: string; readonly trustedRelayPoint: 'default' | 'on' | 'off' };

export type CtiRoutePointCreated = DomainEvent<'CtiRoutePointCreated', { readonly name: string; readonly clusterId: string } & Settings>;
export type CtiRoutePointConfigured = DomainEvent<'CtiRoutePointConfigured', { readonly name: string } & Settings>;
/** Step 4: the IVR extension on line 1. The DN's cluster-wide uniqueness is held by its `dn-` reservation stream. */
export type CtiRoutePointLine1DnAssigned = DomainEvent<
  'CtiRoutePointLine1DnAssigned',
  { readonly name: string; readonly clusterId: string; readonly dn: string }
>;
export type CtiRoutePointLine1DnRemoved = DomainEvent<
  'CtiRoutePointLine1DnRemoved',
  { readonly name: string; readonly clusterId: string; readonly dn: string }
>;

export type CtiRoutePointEvent =
  | CtiRoutePointCreated
  | CtiRoutePointConfigured
  | CtiRoutePointLine1DnAssigned
  | CtiRoutePointLine1DnRemoved;
