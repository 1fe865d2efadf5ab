import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ErrorShape } from '../../kernel/errors.js';
import type { RecordedEvent } from '../../kernel/eventstore/envelope.js';
import type { MemoryEventStore } from '../../kernel/eventstore/memory.js';
import type { EventStore } from '../../kernel/eventstore/port.js';
import type { Runtime } from '../../kernel/runtime/ports.js';
import { admin, demoWorld, deviceOf, macOf, ok, plugIn, provisionBySpId } from '../../testing/provisioningFixtures.js';
import type { DnHolderData } from '../directoryNumber/events.js';
import { type EndUserState, endUserDecider, initialEndUserState } from '../endUser/decider.js';
import type { EndUserEvent } from '../endUser/events.js';
import { initialPhoneState, type PhoneState, phoneDecider } from '../phone/decider.js';
import type { PhoneEvent } from '../phone/events.js';
import { streams } from '../shared/streams.js';
import { userProfileDecider } from '../userProfile/decider.js';
import type { UserProfileEvent } from '../userProfile/events.js';
import { createSelfProvisioning, type SelfProvisioning } from './facade.js';

/**
 * Concurrency properties on the memory store, with fast-check's scheduler deciding
 * the order in which every store call (and every retry back-off) resumes. Two
 * facades share the store: two processes with their own read models.
 */

const scheduled = (s: fc.Scheduler, inner: EventStore): EventStore => {
  const tick = (label: string) => s.schedule(Promise.resolve(), label);
  return {
    append: (id, expected, events) => () => tick('append').then(() => inner.append(id, expected, events)()),
    appendMulti: (requests) => () => tick('appendMulti').then(() => inner.appendMulti(requests)()),
    readStream: (id, options) => () => tick(`read ${id}`).then(() => inner.readStream(id, options)()),
    readAll: (options) => () => tick('readAll').then(() => inner.readAll(options)()),
    subscribe: (options) => inner.subscribe(options),
    close: () => inner.close(),
  };
};

/** Two "processes" over the scheduled store, each with its own read models; back-offs are scheduled too. */
const processes = (s: fc.Scheduler, store: MemoryEventStore, runtime: Runtime): SelfProvisioning[] => {
  const shared = scheduled(s, store);
  const r: Runtime = { ...runtime, timers: { sleep: () => s.schedule(Promise.resolve(), 'sleep') } };
  return [createSelfProvisioning({ store: shared, runtime: r }), createSelfProvisioning({ store: shared, runtime: r })];
};

const settle = async <A>(s: fc.Scheduler, tasks: Promise<E.Either<ErrorShape, A>>[]) => s.waitFor(Promise.all(tasks));

const allEvents = async (store: EventStore): Promise<readonly RecordedEvent[]> => ok(store.readAll({ maxCount: 1_000_000 }));

/**
 * The cross-stream invariants of docs/architecture.md section 3, checked on the whole log:
 * owner on the phone <=> phone in the owner's list; each auto-registered phone holds
 * its line-1 DN and a phone holds no other; a user line holds only its user's
 * extension; a user never owns more phones than their profile's limit.
 */
const checkInvariants = async (store: EventStore) => {
  const events = await allEvents(store);
  const users = new Map<string, EndUserState>();
  const phones = new Map<string, PhoneState>();
  const held = new Map<string, DnHolderData>();
  for (const e of events) {
    if (e.streamId.startsWith('phone-')) {
      const id = e.streamId.slice('phone-'.length);
      phones.set(id, phoneDecider.evolve(phones.get(id) ?? initialPhoneState(), e as unknown as PhoneEvent));
    } else if (e.type === 'DirectoryNumberReserved' || e.type === 'DirectoryNumberReleased') {
      const d = e.data as { clusterId: string; directoryNumber: string; holder: DnHolderData };
      if (e.type === 'DirectoryNumberReserved') {
        assert.not.ok(held.has(`${d.clusterId}/${d.directoryNumber}`), `DN ${d.directoryNumber} reserved twice`);
        held.set(`${d.clusterId}/${d.directoryNumber}`, d.holder);
      } else held.delete(`${d.clusterId}/${d.directoryNumber}`);
    } else if (e.streamId.startsWith('user-') && !e.streamId.startsWith('user-profile-')) {
      const id = e.streamId.slice('user-'.length);
      users.set(id, endUserDecider.evolve(users.get(id) ?? initialEndUserState(), e as unknown as EndUserEvent));
    }
  }
  for (const [name, phone] of phones) {
    if (!phone.exists) continue;
    if (phone.owner !== undefined)
      assert.ok(users.get(phone.owner)?.phones.includes(name), `${name} owned by ${phone.owner} but not in their list`);
    if (phone.state === 'autoregistered') {
      const dn = phone.lines[0]?.dn ?? '';
      assert.equal(held.get(`${phone.clusterId}/${dn}`), { kind: 'phone', deviceName: name }, `${name} holds ${dn}`);
    }
  }
  for (const [userId, user] of users) {
    assert.is(new Set(user.phones).size, user.phones.length, `${userId} lists a phone twice`);
    for (const p of user.phones) assert.is(phones.get(p)?.owner, userId, `${userId} lists ${p}, owned by ${phones.get(p)?.owner}`);
    assert.ok(user.phones.length <= 20);
  }
  for (const [key, holder] of held) {
    const dn = key.split('/')[1];
    if (holder.kind === 'phone') {
      const p = phones.get(holder.deviceName);
      assert.ok(
        p?.exists && p.state === 'autoregistered' && p.lines[0]?.dn === dn,
        `${key} held by ${holder.deviceName}, which does not use it`,
      );
    }
  }
  return { events, users, phones, held };
};

const codeOf = <A>(r: E.Either<ErrorShape, A>): string => (E.isLeft(r) ? r.left.code : 'ok');

test('concurrent auto-registrations get distinct DNs, lowest first; over-subscribed, exactly the range size succeed', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 7 }), async (s, range, phonesCount) => {
      const w = await demoWorld();
      const endDn = String(1000 + range - 1);
      await ok(
        w.sp.configure(
          'cluster',
          {
            type: 'ConfigureAutoRegistration',
            clusterId: w.clusterId,
            startDn: '1000',
            endDn,
            deviceTemplate: 'Standard Desk Phone',
            lineTemplate: 'Standard Line',
          },
          admin,
        ),
      );
      const procs = processes(s, w.store, w.runtime);
      const results = await settle(
        s,
        Array.from({ length: phonesCount }, (_, i) =>
          (procs[i % 2] as SelfProvisioning).autoRegisterPhone({
            clusterId: w.clusterId,
            mac: macOf(i),
            model: 'Cisco 8845',
            protocol: 'SIP',
          })(),
        ),
      );
      const dns = results.flatMap((r) => (E.isRight(r) ? [r.right.directoryNumber] : []));
      const expected = Math.min(range, phonesCount);
      assert.is(dns.length, expected, JSON.stringify(results.map(codeOf)));
      assert.equal(
        [...dns].sort(),
        Array.from({ length: expected }, (_, i) => String(1000 + i)),
      );
      for (const r of results) if (E.isLeft(r)) assert.is(r.left.code, 'dn_range_exhausted');
      await checkInvariants(w.store);
    }),
    { numRuns: 40 },
  );
});

test('concurrent registrations of one MAC create one phone', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (s, n) => {
      const w = await demoWorld();
      const procs = processes(s, w.store, w.runtime);
      const notations = ['00:ab:00:00:00:01', '00AB00000001', '00ab.0000.0001', '00-AB-00-00-00-01'];
      const results = await settle(
        s,
        Array.from({ length: n }, (_, i) =>
          (procs[i % 2] as SelfProvisioning).autoRegisterPhone({
            clusterId: w.clusterId,
            mac: notations[i % notations.length],
            model: 'Cisco 8845',
            protocol: 'SIP',
          })(),
        ),
      );
      assert.equal(results.map(codeOf).sort(), ['ok', ...Array.from({ length: n - 1 }, () => 'mac_already_registered')].sort());
      const { events, held } = await checkInvariants(w.store);
      assert.is(events.filter((e) => e.type === 'PhoneAutoRegistered').length, 1);
      assert.is(held.size, 1);
    }),
    { numRuns: 40 },
  );
});

test('concurrent provisionings of one user never exceed the limit', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 5 }),
      async (s, limit, existingWanted, concurrent) => {
        const existing = Math.min(existingWanted, limit);
        const w = await demoWorld();
        await ok(
          w.sp.configure(
            'userProfile',
            {
              type: 'UpdateUserProfile',
              name: 'Standard',
              allowProvisioning: true,
              provisioningLimit: limit,
              deskPhoneTemplate: 'Standard Desk Phone',
              lineTemplate: 'Standard Line',
            },
            admin,
          ),
        );
        for (let i = 0; i < existing + concurrent; i++) await plugIn(w, i);
        for (let i = 0; i < existing; i++) await ok(provisionBySpId(w, i, '2001'));
        const procs = processes(s, w.store, w.runtime);
        const results = await settle(
          s,
          Array.from({ length: concurrent }, (_, k) =>
            (procs[k % 2] as SelfProvisioning).provisionPhone({
              clusterId: w.clusterId,
              deviceName: deviceOf(existing + k),
              selfProvisioningId: '2001',
              authentication: { method: 'pin' },
            })(),
          ),
        );
        const succeeded = results.filter(E.isRight).length;
        assert.is(succeeded, Math.min(concurrent, limit - existing), JSON.stringify(results.map(codeOf)));
        for (const r of results) if (E.isLeft(r)) assert.is(r.left.code, 'provisioning_limit_reached');
        const { users } = await checkInvariants(w.store);
        assert.is(users.get('alice')?.phones.length, existing + succeeded);
      },
    ),
    { numRuns: 40 },
  );
});

test('a provisioning fully happens or leaves no trace, whatever runs beside it (takeovers, profile changes, an outage)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      async (s, takeoverAllowed, revokeConcurrently, outage, revokeDelay, outageDelay) => {
        const w = await demoWorld();
        if (takeoverAllowed)
          await ok(
            w.sp.configure(
              'userProfile',
              {
                type: 'UpdateUserProfile',
                name: 'Standard',
                allowProvisioning: true,
                allowProvisioningOfPhoneOwnedByOtherUser: true,
                deskPhoneTemplate: 'Standard Desk Phone',
                lineTemplate: 'Standard Line',
              },
              admin,
            ),
          );
        await plugIn(w, 1);
        await plugIn(w, 2);
        const procs = processes(s, w.store, w.runtime);
        const [p0, p1] = procs as [SelfProvisioning, SelfProvisioning];
        const request = (sp: SelfProvisioning, n: number, spId: string, commandId: string) =>
          sp.provisionPhone(
            { clusterId: w.clusterId, deviceName: deviceOf(n), selfProvisioningId: spId, authentication: { method: 'pin' } },
            { commandId },
          )();
        const tasks: Promise<E.Either<ErrorShape, unknown>>[] = [
          request(p0, 1, '2001', 'alice-1'),
          request(p1, 1, '2002', 'bob-1'),
          request(p1, 2, '2001', 'alice-2'),
        ];
        // Waits `ticks` scheduler steps, so a concurrent change can land anywhere inside a provisioning.
        const after = async (ticks: number) => {
          for (let i = 0; i < ticks; i++) await s.schedule(Promise.resolve(), 'wait');
        };
        if (revokeConcurrently)
          tasks.push(
            after(revokeDelay).then(() =>
              p0.configure(
                'userProfile',
                {
                  type: 'UpdateUserProfile',
                  name: 'Standard',
                  allowProvisioning: false,
                  deskPhoneTemplate: 'Standard Desk Phone',
                  lineTemplate: 'Standard Line',
                },
                { ...admin, commandId: 'revoke' },
              )(),
            ),
          );
        if (outage) {
          tasks.push(
            after(outageDelay).then(async () => {
              w.store.simulateOutage(true);
              await after(3);
              w.store.simulateOutage(false);
              return E.right(undefined);
            }),
          );
        }
        const results = await settle(s, tasks);
        w.store.simulateOutage(false);
        const { events } = await checkInvariants(w.store);
        for (const [i, id] of ['alice-1', 'bob-1', 'alice-2'].entries()) {
          const mine = events.filter((e) => e.metadata.commandId === id);
          const result = results[i] as E.Either<ErrorShape, unknown>;
          if (E.isLeft(result)) {
            assert.equal(mine, [], `${id} failed (${result.left.code}) but left events`);
            continue;
          }
          // Everything a provisioning writes is there, in one contiguous append.
          const types = mine.map((e) => e.type);
          for (const t of ['PhoneProvisioned', 'PhoneResetRequested', 'PhoneAssignedToUser'])
            assert.ok(types.includes(t), `${id}: ${types}`);
          const provisioned = mine.find((e) => e.type === 'PhoneProvisioned')?.data as {
            releasedDirectoryNumber?: string;
            previousOwner?: string;
          };
          if (provisioned.releasedDirectoryNumber !== undefined) assert.ok(types.includes('DirectoryNumberReleased'), id);
          if (provisioned.previousOwner !== undefined) assert.ok(types.includes('PhoneUnassignedFromUser'), id);
          const positions = mine.map((e) => e.globalPosition);
          assert.equal(
            positions,
            positions.map((_, k) => (positions[0] ?? 0) + k),
            `${id} not contiguous`,
          );
          // The guarded profile allowed it at the moment of the append.
          const before = events.filter(
            (e) => e.streamId === streams.userProfile('Standard') && e.globalPosition < (positions[0] ?? 0),
          ) as unknown as UserProfileEvent[];
          assert.ok(
            before.reduce(userProfileDecider.evolve, userProfileDecider.initialState()).allowProvisioning,
            `${id} after revocation`,
          );
        }
        // Without takeovers, phone 1 went to at most one user.
        if (!takeoverAllowed) assert.ok([results[0], results[1]].filter((r) => r !== undefined && E.isRight(r)).length <= 1);
      },
    ),
    { numRuns: 60 },
  );
});

test.run();
