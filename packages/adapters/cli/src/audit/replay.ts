import { type AuditReplay, headPosition, replayLog } from '@selfprov/app';
import { describeActor } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, UsageError } from '../args.js';
import { createProgress } from '../progress.js';
import { openRaw, parseInstant, storeError, table } from './support.js';

const personalText = (personal: unknown): { name: string; email: string } => {
  const p = (personal ?? {}) as { firstName?: unknown; lastName?: unknown; email?: unknown; $encrypted?: unknown };
  if (p.$encrypted !== undefined) return { name: '(encrypted)', email: '' };
  return {
    name: [p.firstName, p.lastName].filter((x) => typeof x === 'string').join(' '),
    email: typeof p.email === 'string' ? p.email : '',
  };
};

const printReplay = (r: AuditReplay) => {
  const out: string[] = [];
  out.push(
    `State ${r.at ? `at ${r.at}` : 'now'}: ${r.eventsApplied.toLocaleString('en-US')} of ${r.eventsRead.toLocaleString('en-US')} events applied (last at position ${r.lastPosition})`,
    '',
    'USERS',
    table(
      ['USER', 'NAME', 'EMAIL', 'EXT', 'PROFILE', 'PHONES', 'SINCE'],
      r.users.map((u) => {
        const p = personalText(u.personal);
        return [u.userId, p.name, p.email, u.primaryExtension ?? '', u.userProfile ?? '', u.phones.join(',') || '-', u.since ?? ''];
      }),
    ),
    '',
    'PHONES',
    table(
      ['DEVICE', 'MODEL', 'STATE', 'OWNER', 'OWNER SINCE', 'GIVEN BY', 'LINES', 'REGISTERED'],
      r.phones.map((p) => [
        p.deviceName,
        p.model,
        p.state,
        p.owner ?? '-',
        p.ownerSince ?? '',
        p.ownerBy ? `${p.ownerBy.eventType} by ${describeActor(p.ownerBy.actor)} via ${p.ownerBy.channel}` : '',
        p.lines.map((l) => `${l.index}:${l.dn}`).join(',') || '-',
        p.registered ? 'yes' : 'no',
      ]),
    ),
    '',
    'CLUSTERS',
  );
  for (const c of r.clusters) {
    const a = c.autoRegistration;
    const sp = c.selfProvisioning;
    out.push(
      `${c.clusterId} (${JSON.stringify(c.name)}): auto-registration ${a.enabled ? 'on' : 'off'}${a.startDn ? `, DNs ${a.startDn}-${a.endDn}` : ''}${a.deviceTemplate ? `, UDT ${JSON.stringify(a.deviceTemplate)}` : ''}${a.lineTemplate ? `, ULT ${JSON.stringify(a.lineTemplate)}` : ''}; ` +
        (sp
          ? `self-provisioning ${sp.authentication}, languages ${sp.languages.join(',')}, route point ${sp.ctiRoutePoint}, application user ${sp.applicationUser}`
          : 'self-provisioning not configured') +
        `; replaced phones: ${c.enterpriseParameters.replacedPhone}; authentication code ${c.authenticationCodeSet ? 'set' : 'not set'}`,
    );
  }
  const held = Object.entries(r.directoryNumbers).flatMap(([cluster, dns]) =>
    Object.entries(dns).map(([dn, holder]) => {
      const h = holder as { kind?: string; deviceName?: string; userId?: string };
      return [cluster, dn, `${h.kind}:${h.kind === 'phone' ? h.deviceName : h.userId}`];
    }),
  );
  out.push('', 'DIRECTORY NUMBERS HELD', held.length === 0 ? '(none)' : table(['CLUSTER', 'DN', 'HELD BY'], held));
  const settings = [
    ...Object.entries(r.settings.phones).map(([d, s]) => ['phone', d, JSON.stringify(s)]),
    ...Object.entries(r.settings.lines).map(([l, s]) => ['line', l, JSON.stringify(s)]),
    ...Object.entries(r.settings.singleNumberReach).map(([u, s]) => ['single number reach', u, JSON.stringify(s.alternateNumbers)]),
  ];
  out.push('', 'SELF-CARE SETTINGS', settings.length === 0 ? '(none changed)' : table(['KIND', 'OF', 'SETTINGS'], settings));
  console.log(out.join('\n'));
};

export const replay = async (argv: readonly string[]): Promise<number> => {
  const { values } = parseOptions(argv, { store: { type: 'string' }, at: { type: 'string' }, format: { type: 'string' } });
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError('--format must be table or json');
  const at = values.at === undefined ? undefined : parseInstant(values.at, 'at', 'end');
  const store = await openRaw('replay', values.store);
  if (!store) return 1;
  try {
    const head = await headPosition(store.events);
    const progress = createProgress(process.stderr, 'replay', E.isRight(head) ? head.right : 0);
    const r = await replayLog(store, at, { onProgress: (p, n) => progress.update(p, n) });
    progress.done();
    if (E.isLeft(r)) {
      console.error(storeError('replay', r.left));
      return 1;
    }
    if (format === 'json') console.log(JSON.stringify(r.right, null, 2));
    else printReplay(r.right);
    return 0;
  } finally {
    await store.close();
  }
};
