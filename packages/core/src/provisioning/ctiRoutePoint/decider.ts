import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { DEFAULT_LOCATION, type TrustedRelayPoint } from './codecs.js';
import { type CtiRoutePointCommand, decodeCtiRoutePointCommand } from './commands.js';
import type { CtiRoutePointEvent } from './events.js';

/** The CTI route point of steps 3 and 4 (stream `cti-route-point-<name>`). */
export interface CtiRoutePointState {
  readonly exists: boolean;
  readonly name: string;
  readonly clusterId: string;
  readonly devicePool: string;
  readonly location: string;
  readonly trustedRelayPoint: TrustedRelayPoint;
  /** The extension users dial to reach the IVR (step 4); absent until assigned. */
  readonly line1Dn?: string;
}

export const initialCtiRoutePointState = (): CtiRoutePointState => ({
  exists: false,
  name: '',
  clusterId: '',
  devicePool: '',
  location: DEFAULT_LOCATION,
  trustedRelayPoint: 'default',
});

type Result = E.Either<DomainError | ValidationError, readonly CtiRoutePointEvent[]>;
const refuse = (code: string, message: string, field: string): Result => E.left(domainError(code, message, { field }));
const accept = (...events: CtiRoutePointEvent[]): Result => E.right(events);

const decide = (input: CtiRoutePointCommand, s: CtiRoutePointState): Result => {
  const decoded = decodeCtiRoutePointCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateCtiRoutePoint') {
    // Device names are unique: the stream is created with `no_stream` semantics.
    if (s.exists) return refuse('cti_route_point_already_exists', `a CTI route point named ${c.name} already exists`, 'name');
    const { type: _t, ...data } = c;
    return accept({ type: 'CtiRoutePointCreated', data });
  }
  if (!s.exists) return refuse('cti_route_point_not_found', `no CTI route point is named ${c.name}`, 'name');
  if (c.name !== s.name) return refuse('wrong_stream', `the command names ${c.name} but the stream holds ${s.name}`, 'name');
  switch (c.type) {
    case 'ConfigureCtiRoutePoint': {
      const same = c.devicePool === s.devicePool && c.location === s.location && c.trustedRelayPoint === s.trustedRelayPoint;
      const { type: _t, ...data } = c;
      return same ? accept() : accept({ type: 'CtiRoutePointConfigured', data });
    }
    case 'AssignCtiRoutePointLine1Dn':
      if (s.line1Dn === c.dn) return accept();
      // Replacing needs the old DN released and the new one reserved: two explicit steps.
      if (s.line1Dn !== undefined) return refuse('line1_dn_already_assigned', `line 1 already has ${s.line1Dn}: remove it first`, 'dn');
      return accept({ type: 'CtiRoutePointLine1DnAssigned', data: { name: s.name, clusterId: s.clusterId, dn: c.dn } });
    case 'RemoveCtiRoutePointLine1Dn':
      if (s.line1Dn === undefined) return refuse('line1_dn_not_assigned', 'line 1 has no directory number', 'name');
      return accept({ type: 'CtiRoutePointLine1DnRemoved', data: { name: s.name, clusterId: s.clusterId, dn: s.line1Dn } });
  }
};

const evolve = (s: CtiRoutePointState, e: CtiRoutePointEvent): CtiRoutePointState => {
  switch (e.type) {
    case 'CtiRoutePointCreated':
      return { exists: true, ...e.data };
    case 'CtiRoutePointConfigured':
      return { ...s, devicePool: e.data.devicePool, location: e.data.location, trustedRelayPoint: e.data.trustedRelayPoint };
    case 'CtiRoutePointLine1DnAssigned':
      return { ...s, line1Dn: e.data.dn };
    case 'CtiRoutePointLine1DnRemoved': {
      const { line1Dn: _d, ...rest } = s;
      return rest;
    }
    default:
      return s;
  }
};

/**
 * The CTI route point aggregate. Refusals: `cti_route_point_already_exists`,
 * `cti_route_point_not_found`, `wrong_stream`, `line1_dn_already_assigned`, `line1_dn_not_assigned`.
 * The DN's uniqueness in the cluster is not checked here: the workflow reserves it in
 * its `dn-<cluster>-<dn>` stream in the same atomic append.
 */
export const ctiRoutePointDecider: Decider<CtiRoutePointCommand, CtiRoutePointEvent, CtiRoutePointState, DomainError | ValidationError> = {
  decide,
  evolve,
  initialState: initialCtiRoutePointState,
};
