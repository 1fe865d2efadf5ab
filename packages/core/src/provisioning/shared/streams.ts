import { type StreamCatalogue, streamCatalogue, streamEntryOf } from '../../kernel/streamCatalogue.js';

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

/** The provisioning domain's part of the stream catalogue (kernel/streamCatalogue.ts). */
export const provisioningStreamCatalogue: StreamCatalogue = streamCatalogue([
  { prefix: 'cluster-', kind: 'cluster', subject: 'configuration' },
  { prefix: 'cti-route-point-', kind: 'ctiRoutePoint', subject: 'configuration' },
  { prefix: 'application-user-', kind: 'applicationUser', subject: 'configuration' },
  { prefix: 'udt-', kind: 'deviceTemplate', subject: 'configuration' },
  { prefix: 'ult-', kind: 'lineTemplate', subject: 'configuration' },
  { prefix: 'user-profile-', kind: 'userProfile', subject: 'configuration' },
  { prefix: 'feature-group-template-', kind: 'featureGroupTemplate', subject: 'configuration' },
  { prefix: 'user-', kind: 'user', subject: 'user' },
  { prefix: 'phone-', kind: 'phone', subject: 'device' },
  // dn-<cluster>-<dn>: cluster ids may hold dashes, numbers never do.
  { prefix: 'dn-', kind: 'directoryNumber', subject: 'directory-number', subjectId: (rest) => rest.slice(rest.lastIndexOf('-') + 1) },
  { prefix: 'ivr-call-', kind: 'ivrCall', subject: 'call' },
]);

/**
 * Inverse of the catalogue: which kind of stream an id names (for read models and audit). Answers
 * only the provisioning domain's kinds; given the merged catalogue, a stream another package
 * declares (`phone-settings-...`) is recognised as not ours instead of being taken for a phone.
 */
export const streamKind = (
  streamId: string,
  catalogue: StreamCatalogue = provisioningStreamCatalogue,
): keyof typeof streams | undefined => {
  const kind = streamEntryOf(catalogue, streamId)?.kind;
  return kind !== undefined && kind in streams ? (kind as keyof typeof streams) : undefined;
};
