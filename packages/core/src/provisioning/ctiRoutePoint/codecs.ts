import * as t from 'io-ts';
import { ClusterId, DirectoryNumber, Name } from '../shared/codecs.js';
import { checkedString, commandCodec, withDefault } from '../shared/configurationCodecKit.js';

/**
 * A CTI route point's (or any controlled device's) device name: 1-50 letters,
 * digits, `.`, `_`, `-` (no spaces), e.g. `SelfProvIVR`. Unique per library
 * instance: it names the stream `cti-route-point-<name>`.
 */
export const RoutePointName = checkedString(
  'RoutePointName',
  (s) => /^[A-Za-z0-9._-]{1,50}$/.test(s),
  'must be 1-50 letters, digits, . _ or - (no spaces)',
);

/** "Use Trusted Relay Point": `default` follows the common device configuration (the vendor's default). */
export const TrustedRelayPoint = t.keyof({ default: null, on: null, off: null }, 'TrustedRelayPoint');
export type TrustedRelayPoint = t.TypeOf<typeof TrustedRelayPoint>;

/** The vendor's default location, used when none is given. */
export const DEFAULT_LOCATION = 'Hub_None';

const settings = {
  devicePool: Name,
  location: withDefault(Name, DEFAULT_LOCATION as Name),
  trustedRelayPoint: withDefault(TrustedRelayPoint, 'default'),
};

/** Step 3 of the task flow: a new route point. */
export const CreateCtiRoutePoint = commandCodec('CreateCtiRoutePoint', { name: RoutePointName, clusterId: ClusterId, ...settings });
/** Saves the route point's form again (full replacement; omitted fields take their defaults). */
export const ConfigureCtiRoutePoint = commandCodec('ConfigureCtiRoutePoint', { name: RoutePointName, ...settings });
/** Step 4: the extension users dial to reach the IVR, on line 1. */
export const AssignCtiRoutePointLine1Dn = commandCodec('AssignCtiRoutePointLine1Dn', { name: RoutePointName, dn: DirectoryNumber });
export const RemoveCtiRoutePointLine1Dn = commandCodec('RemoveCtiRoutePointLine1Dn', { name: RoutePointName });

export const ctiRoutePointCommandCodecs = {
  CreateCtiRoutePoint,
  ConfigureCtiRoutePoint,
  AssignCtiRoutePointLine1Dn,
  RemoveCtiRoutePointLine1Dn,
} as const;
