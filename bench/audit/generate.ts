/**
 * Writes a demo-shaped log of about `--events` events into a new SQLite file, through the real
 * SQLite store (hash chains and all) and personal-data protection, the way the running system
 * writes it: the demo configuration (seeded through its commands), then users, and phones living
 * the demo's life: auto-registration (phone + DN reservation), registration, an IVR call (key
 * presses, secret digits, effects, the PIN check), provisioning (phone, user, DN release and
 * reservation, reset), then registration churn. Streams interleave in the global log (phones go
 * through their lives in groups), occurredAt advances one second per step.
 *
 *   node --conditions=source --import tsx bench/audit/generate.ts --events 1000000 --out /tmp/audit.db
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSqliteEventStore } from '../../packages/adapters/sqlite/src/index.js';
import {
  type AppendRequest,
  aesGcmCipher,
  type EventMetadata,
  type EventStore,
  type JsonValue,
  manualClock,
  type NewEvent,
  seedDemo,
  systemRuntime,
  withPersonalDataProtection,
} from '../../packages/core/src/index.js';
import { createMemoryKeyStore } from '../../packages/core/src/privacy/ports.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, out: { type: 'string' } } });
const target = Number(values.events);
const out = values.out;
if (!out || !(target > 0)) throw new Error('usage: generate.ts --events N --out FILE');

const USERS = Math.max(10, Math.round(target / 400));
const GROUP = 32;
const CHURN = 6;
const EVENTS_PER_PHONE = 42;
const phones = Math.ceil((target - USERS * 2) / EVENTS_PER_PHONE);

for (const suffix of ['', '-wal', '-shm']) rmSync(out + suffix, { force: true });
const sqlite = createSqliteEventStore({ path: out });
const runtime = { ...systemRuntime(), clock: manualClock('2026-01-05T08:00:00.000Z') };
const store: EventStore = withPersonalDataProtection(sqlite, { keys: createMemoryKeyStore(runtime.random), cipher: aesGcmCipher() });

let instant = Date.parse('2026-01-05T09:00:00.000Z');
const tick = () => {
  instant += 1000;
  return new Date(instant).toISOString();
};
const must = async (what: string, task: () => Promise<{ _tag: string; left?: { message: string } }>) => {
  const r = await task();
  if (r._tag === 'Left') throw new Error(`${what}: ${r.left?.message}`);
};
const ev = (type: string, data: JsonValue, metadata: EventMetadata, occurredAt: string): NewEvent => ({ type, data, metadata, occurredAt });

const seeded = await seedDemo({ store, runtime })();
if (seeded._tag === 'Left') throw new Error(seeded.left.message);

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const userId = (u: number) => `user${pad(u, 5)}`;
const extension = (u: number) => String(30000 + u);
const system: EventMetadata = { actor: { kind: 'system', id: 'bench' }, channel: 'system' };

// Users (personal data encrypted per user by the protection layer), and their PINs being set.
for (let u = 0; u < USERS; u += 50) {
  const at = tick();
  const batch: Promise<void>[] = [];
  for (let i = u; i < Math.min(USERS, u + 50); i++)
    batch.push(
      must('user', () =>
        store.append(`user-${userId(i)}`, 'no_stream', [
          ev(
            'EndUserCreated',
            {
              userId: userId(i),
              clusterId: 'cluster-1',
              personal: { firstName: `First${i}`, lastName: `Last${i}`, email: `${userId(i)}@example.com` },
              primaryExtension: extension(i),
              userProfile: 'Standard',
            },
            system,
            at,
          ),
          ev('CredentialSet', { subject: userId(i), kind: 'pin', by: 'system', mustChange: false }, system, at),
        ])(),
      ),
    );
  await Promise.all(batch);
}

const dnStream = (dn: string) => `dn-cluster-1-${dn}`;
const seen = new Set<number>();

/** The demo life of phone `p`, as a list of steps; each step is one atomic append (one command). */
const life = (p: number): ((at: string) => AppendRequest[])[] => {
  const device = `SEP${pad(p, 12)}`;
  const mac = pad(p, 12);
  const u = p % USERS;
  const user = userId(u);
  const ext = extension(u);
  const tempDn = String(1000 + (p % 100));
  const call = `00000000-0000-4000-8000-${pad(p, 12)}`;
  const ivrCall = `ivr-call-${call}`;
  const dev: EventMetadata = { actor: { kind: 'device', id: device }, channel: 'ivr', correlationId: call };
  const steps: ((at: string) => AppendRequest[])[] = [];
  const one = (streamId: string, type: string, data: JsonValue, metadata: EventMetadata) => (at: string) => [
    { streamId, expected: 'any' as const, events: [ev(type, data, metadata, at)] },
  ];
  steps.push((at) => {
    const meta: EventMetadata = { actor: { kind: 'device', id: device }, channel: 'sip', commandId: `${call}-autoregister` };
    return [
      {
        streamId: `phone-${device}`,
        expected: 'no_stream',
        events: [
          ev(
            'PhoneAutoRegistered',
            {
              deviceName: device,
              mac,
              model: 'Cisco 8845',
              protocol: 'SIP',
              clusterId: 'cluster-1',
              directoryNumber: tempDn,
              deviceTemplate: 'Standard Desk Phone',
              lineTemplate: 'Standard Line',
            },
            meta,
            at,
          ),
        ],
      },
      {
        streamId: dnStream(tempDn),
        expected: 'any',
        events: [
          ev(
            'DirectoryNumberReserved',
            { clusterId: 'cluster-1', directoryNumber: tempDn, holder: { kind: 'phone', deviceName: device } },
            meta,
            at,
          ),
        ],
      },
    ];
  });
  steps.push(one(`phone-${device}`, 'PhoneRegistered', { deviceName: device }, { actor: { kind: 'device', id: device }, channel: 'sip' }));
  steps.push((at) =>
    one(
      ivrCall,
      'IvrCallStarted',
      {
        input: {
          callId: call,
          device,
          languages: ['en_US', 'fr_FR'],
          authenticationMode: 'secure-users-and-admins',
          dialledIsIvr: true,
          options: {
            firstDigitTimeoutMs: 10000,
            interDigitTimeoutMs: 5000,
            maxTries: 3,
            maxDigits: { selfProvisioningId: 24, extension: 24, secret: 32 },
          },
        },
        dialled: null,
        at,
      },
      dev,
    )(at),
  );
  for (const key of ['1', '1', ...ext.split(''), '#']) steps.push((at) => one(ivrCall, 'IvrKeyPressed', { key, at }, dev)(at));
  steps.push((at) =>
    one(ivrCall, 'IvrEffectCompleted', { effect: 'identifyUser', outcome: { ok: true, value: { userId: user } }, at }, dev)(at),
  );
  steps.push((at) => one(ivrCall, 'IvrKeyPressed', { key: '1', at }, dev)(at));
  for (let i = 0; i < 8; i++) steps.push((at) => one(ivrCall, 'IvrSecretDigitEntered', { at }, dev)(at));
  steps.push((at) => one(ivrCall, 'IvrKeyPressed', { key: '#', at }, dev)(at));
  steps.push(one(`user-${user}`, 'CredentialVerified', { subject: user, kind: 'pin', device }, dev));
  steps.push((at) =>
    one(ivrCall, 'IvrEffectCompleted', { effect: 'verifyCredential', outcome: { ok: true, value: { method: 'pin' } }, at }, dev)(at),
  );
  steps.push((at) => {
    const meta: EventMetadata = {
      actor: { kind: 'user', id: user },
      channel: 'ivr',
      commandId: `ivr-${call}-provision`,
      correlationId: call,
    };
    const first = !seen.has(u);
    seen.add(u);
    return [
      {
        streamId: `phone-${device}`,
        expected: 'any',
        events: [
          ev(
            'PhoneProvisioned',
            {
              deviceName: device,
              clusterId: 'cluster-1',
              owner: user,
              deviceTemplate: 'Standard Desk Phone',
              lines: [{ index: 1, dn: ext, lineTemplate: 'Standard Line' }],
              releasedDirectoryNumber: tempDn,
            },
            meta,
            at,
          ),
          ev('PhoneResetRequested', { deviceName: device, reason: 'provisioned' }, meta, at),
        ],
      },
      { streamId: `user-${user}`, expected: 'any', events: [ev('PhoneAssignedToUser', { userId: user, deviceName: device }, meta, at)] },
      {
        streamId: dnStream(tempDn),
        expected: 'any',
        events: [
          ev(
            'DirectoryNumberReleased',
            { clusterId: 'cluster-1', directoryNumber: tempDn, holder: { kind: 'phone', deviceName: device } },
            meta,
            at,
          ),
        ],
      },
      ...(first
        ? [
            {
              streamId: dnStream(ext),
              expected: 'no_stream' as const,
              events: [
                ev(
                  'DirectoryNumberReserved',
                  { clusterId: 'cluster-1', directoryNumber: ext, holder: { kind: 'user-line', userId: user } },
                  meta,
                  at,
                ),
              ],
            },
          ]
        : []),
    ];
  });
  steps.push((at) =>
    one(ivrCall, 'IvrEffectCompleted', { effect: 'provisionPhone', outcome: { ok: true, value: { extension: ext } }, at }, dev)(at),
  );
  for (let i = 0; i < CHURN; i++) {
    steps.push(
      one(`phone-${device}`, 'PhoneUnregistered', { deviceName: device }, { actor: { kind: 'device', id: device }, channel: 'sip' }),
    );
    steps.push(
      one(`phone-${device}`, 'PhoneRegistered', { deviceName: device }, { actor: { kind: 'device', id: device }, channel: 'sip' }),
    );
  }
  return steps;
};

// Phones in groups: the group's phones take each step together (one group commit), so the streams
// of the group interleave in the global log like real concurrent traffic. Appended to the SQLite
// store directly: no personal data in these events.
let written = 0;
const started = performance.now();
for (let g = 0; g < phones; g += GROUP) {
  const lives = Array.from({ length: Math.min(GROUP, phones - g) }, (_, i) => life(g + i));
  const longest = Math.max(...lives.map((l) => l.length));
  for (let s = 0; s < longest; s++) {
    const at = tick();
    const calls = lives.flatMap((l) => {
      const step = l[s];
      return step ? [step(at)] : [];
    });
    await Promise.all(calls.map((requests) => must('append', () => sqlite.appendMulti(requests)())));
    written += calls.reduce((n, r) => n + r.reduce((m, q) => m + q.events.length, 0), 0);
  }
  if (g % (GROUP * 100) === 0) process.stdout.write(`\r  ${written.toLocaleString('en-US')} events`);
}
const head = await sqlite.readAll({ direction: 'backward', maxCount: 1 })();
await sqlite.close();
process.stdout.write(
  `\r  wrote ${written.toLocaleString('en-US')} phone events (${phones} phones, ${USERS} users) in ${((performance.now() - started) / 1000).toFixed(1)} s; log head ${head._tag === 'Right' ? head.right[0]?.globalPosition : '?'}\n`,
);
