import { type StreamCatalogue, streamCatalogue } from '@selfprov/core/kernel';

/**
 * Self-care's part of the stream catalogue (packages/core/src/kernel/streamCatalogue.ts): the
 * streams of streams.ts, with whose each is. The composition root merges it with the other
 * packages' catalogues, so an auditor's trail of a user or a device includes their self-care changes.
 */
export const selfCareStreamCatalogue: StreamCatalogue = streamCatalogue([
  { prefix: 'selfcare-domain-', kind: 'selfCareDomain', subject: 'configuration' },
  { prefix: 'selfcare-account-', kind: 'selfCareAccount', subject: 'user' },
  { prefix: 'phone-settings-', kind: 'phoneSettings', subject: 'device' },
  // line-settings-<device>-<index>: the device is everything before the last dash.
  { prefix: 'line-settings-', kind: 'lineSettings', subject: 'device', subjectId: (rest) => rest.slice(0, rest.lastIndexOf('-')) },
  { prefix: 'snr-', kind: 'singleNumberReach', subject: 'user' },
  { prefix: 'selfcare-visibility', kind: 'selfCareVisibility', subject: 'configuration', exact: true },
]);
