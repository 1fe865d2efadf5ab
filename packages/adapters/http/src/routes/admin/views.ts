import type { PhoneState } from '@selfprov/core';

/** How the admin API shows the read models' states. */

export const phoneView = (p: PhoneState) => ({
  deviceName: p.deviceName,
  mac: p.mac,
  model: p.model,
  protocol: p.protocol,
  clusterId: p.clusterId,
  owner: p.owner ?? null,
  state: p.state,
  registered: p.registered,
  lines: p.lines.map((l) => ({ index: l.index, directoryNumber: l.dn, lineTemplate: l.lineTemplate ?? null })),
  templates: {
    device: p.deviceTemplate ?? null,
    lines: [...new Set(p.lines.flatMap((l) => (l.lineTemplate === undefined ? [] : [l.lineTemplate])))],
  },
});

/** Whether the admin API lists a phone (and answers it by name): it exists and was not removed. */
export const listedPhone = (p: PhoneState) => p.exists && !p.removed;
