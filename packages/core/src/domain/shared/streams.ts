/**
 * Stream names of the domain, in one place (see docs/architecture.md, "Stream catalogue").
 * Entity ids are unique per library instance; directory numbers are unique per cluster.
 */
export const streams = {
  cluster: (clusterId: string) => `cluster-${clusterId}`,
  ctiRoutePoint: (name: string) => `cti-route-point-${name}`,
  applicationUser: (userId: string) => `application-user-${userId}`,
  deviceTemplate: (name: string) => `udt-${name}`,
  lineTemplate: (name: string) => `ult-${name}`,
  userProfile: (name: string) => `user-profile-${name}`,
  featureGroupTemplate: (name: string) => `feature-group-template-${name}`,
  user: (userId: string) => `user-${userId}`,
  phone: (deviceName: string) => `phone-${deviceName}`,
  /** A DN reservation: who holds number `dn` in `clusterId` (created with `no_stream`, released by an event). */
  directoryNumber: (clusterId: string, dn: string) => `dn-${clusterId}-${dn}`,
  ivrCall: (callId: string) => `ivr-call-${callId}`,
} as const;

/** Longest prefixes first: `user-profile-` before `user-`. Built once (this runs for every event a read model folds). */
const prefixes: readonly (readonly [string, keyof typeof streams])[] = [
  ['cti-route-point-', 'ctiRoutePoint'],
  ['application-user-', 'applicationUser'],
  ['user-profile-', 'userProfile'],
  ['feature-group-template-', 'featureGroupTemplate'],
  ['cluster-', 'cluster'],
  ['udt-', 'deviceTemplate'],
  ['ult-', 'lineTemplate'],
  ['user-', 'user'],
  ['phone-', 'phone'],
  ['dn-', 'directoryNumber'],
  ['ivr-call-', 'ivrCall'],
];

/** Inverse of the catalogue: which kind of stream an id names (for read models and audit). */
export const streamKind = (streamId: string): keyof typeof streams | undefined => {
  for (let i = 0; i < prefixes.length; i++) {
    const entry = prefixes[i] as readonly [string, keyof typeof streams];
    if (streamId.startsWith(entry[0])) return entry[1];
  }
  return undefined;
};
