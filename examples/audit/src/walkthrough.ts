/**
 * An auditor's walkthrough on the demo data, through `@selfprov/app`'s audit API (the same code
 * `selfprov audit ...` runs). A clock the script moves by hand gives every step a known instant:
 *
 * - 1 March, 09:00: the demo is seeded (cluster, templates, users alice, bob, carol, dave);
 * - 2 March, 08:00: phone SEP001122334455 is plugged in and auto-registers (temporary DN 1000);
 * - 3 March, 10:15: alice provisions it from the IVR (PIN checked), extension 2001 on line 1;
 * - 4 March, 14:30: bob's new phone SEP0011223344AA auto-registers and he provisions it.
 *
 * Then the auditor verifies the hash chains, replays the state on 2 and on 4 March ("who owned
 * SEP001122334455 on 3 March, and since when?"), traces the phone, erases alice's personal data,
 * and verifies again: the history of actions and the chains are intact, her name reads [erased].
 */
import {
  type AuditReplay,
  createSelfprov,
  eraseUser,
  exportLog,
  replayLog,
  type Selfprov,
  seedDemoData,
  trailOf,
  verifyLog,
} from '@selfprov/app';
import { describeActor, manualClock, type Runtime, systemRuntime, type TrailEntry, verifyPin } from '@selfprov/core';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';

type Outcome<A> = E.Either<{ readonly code: string; readonly message: string }, A>;

/** Unwraps a result (or runs a TaskEither) or throws with the typed error's code and message. */
const must = async <A>(what: string, result: Promise<Outcome<A>> | (() => Promise<Outcome<A>>)): Promise<A> => {
  const r = await (typeof result === 'function' ? result() : result);
  if (E.isLeft(r)) throw new Error(`${what} failed: ${r.left.code}: ${r.left.message}`);
  return r.right;
};

export interface WalkthroughResult {
  readonly verifiedBefore: boolean;
  readonly verifiedAfter: boolean;
  readonly ownerOn2March?: string;
  readonly ownerOn4March?: string;
  readonly ownerSince?: string;
  readonly aliceNameAfterErasure: string;
  readonly trail: readonly TrailEntry[];
  readonly exported: number;
}

const owner = (r: AuditReplay, device: string) => r.phones.find((p) => p.deviceName === device);

/** Runs the story on `store` (a `sqlite:` URL: erasure needs durable keys), printing each step with `print`. */
export const runWalkthrough = async (store: string, print: (line: string) => void): Promise<WalkthroughResult> => {
  const clock = manualClock('2026-03-01T09:00:00.000Z');
  const runtime: Runtime = { ...systemRuntime(), clock };
  const app: Selfprov = await must('opening the store', createSelfprov({ store, runtime, hasher: createScryptHasher({ log2N: 12 }) }));
  try {
    print('== The story (the clock is set by hand, so every instant is known)');
    const seeded = await must('seeding the demo', seedDemoData(app));
    print(`2026-03-01 09:00  demo seeded: ${seeded.eventsWritten} events, ${seeded.secretsSet} secrets (in the credential store only)`);

    clock.set('2026-03-02T08:00:00.000Z');
    const phone = await must(
      'auto-registration',
      app.selfProvisioning.autoRegisterPhone(
        { clusterId: 'cluster-1', mac: '00:11:22:33:44:55', model: 'Cisco 8845', protocol: 'SIP' },
        { actor: { kind: 'device', id: 'SEP001122334455' }, channel: 'sip' },
      ),
    );
    print(`2026-03-02 08:00  ${phone.deviceName} plugged in: auto-registered with temporary DN ${phone.directoryNumber}`);

    clock.set('2026-03-03T10:15:00.000Z');
    const pin = await must('PIN check', verifyPin(app.credentials, { subject: 'alice', secret: '73915824', device: phone.deviceName }));
    await must(
      'provisioning for alice',
      app.selfProvisioning.provisionPhone(
        { clusterId: 'cluster-1', deviceName: phone.deviceName, selfProvisioningId: '2001', authentication: { method: 'pin' } },
        { actor: { kind: 'user', id: 'alice' }, channel: 'ivr', commandId: 'walkthrough:alice' },
      ),
    );
    print(`2026-03-03 10:15  alice dials the IVR from it (PIN ${pin.outcome}) and provisions it: extension 2001`);

    clock.set('2026-03-04T14:30:00.000Z');
    const bobs = await must(
      "bob's auto-registration",
      app.selfProvisioning.autoRegisterPhone(
        { clusterId: 'cluster-1', mac: '00:11:22:33:44:AA', model: 'Cisco 8865', protocol: 'SIP' },
        { actor: { kind: 'device', id: 'SEP0011223344AA' }, channel: 'sip' },
      ),
    );
    await must(
      'provisioning for bob',
      app.selfProvisioning.provisionPhone(
        {
          clusterId: 'cluster-1',
          deviceName: bobs.deviceName,
          selfProvisioningId: '2002',
          authentication: { method: 'authentication-code' },
        },
        { actor: { kind: 'administrator', id: 'helpdesk', onBehalfOf: 'bob' }, channel: 'ivr', commandId: 'walkthrough:bob' },
      ),
    );
    print(`2026-03-04 14:30  ${bobs.deviceName} auto-registers; the helpdesk provisions it for bob (administrator code)`);

    print('\n== 1. Verify the hash chains (selfprov audit verify)');
    const before = await must('verification', verifyLog(app.store));
    print(`${before.ok ? 'intact' : 'BROKEN'}: ${before.events} events in ${before.streams} streams, every chain checked`);

    print('\n== 2. Replay: who owned SEP001122334455, and since when? (selfprov audit replay --at ...)');
    const on2 = await must('replay on 2 March', replayLog(app.store, '2026-03-02T23:59:59.999Z'));
    const p2 = owner(on2, phone.deviceName);
    print(`end of 2 March: ${p2?.deviceName} ${p2?.state}, owner ${p2?.owner ?? 'nobody'}, line 1 DN ${p2?.lines[0]?.dn}`);
    const on4 = await must('replay on 4 March', replayLog(app.store, '2026-03-04T23:59:59.999Z'));
    const p4 = owner(on4, phone.deviceName);
    print(
      `end of 4 March: ${p4?.deviceName} ${p4?.state}, owner ${p4?.owner} since ${p4?.ownerSince} (${p4?.ownerBy?.eventType} by ${p4?.ownerBy ? describeActor(p4.ownerBy.actor) : '?'} via ${p4?.ownerBy?.channel}), lines ${p4?.lines.map((l) => `${l.index}:${l.dn}`).join(',')}`,
    );
    const alice = on4.users.find((u) => u.userId === 'alice');
    print(
      `  alice: ${alice?.personal.firstName} ${alice?.personal.lastName} <${alice?.personal.email}>, phones ${alice?.phones.join(',')}`,
    );

    print('\n== 3. Trail of the phone (selfprov audit trail --device SEP001122334455)');
    const trail: TrailEntry[] = [];
    await must('trail', trailOf(app.store, { kind: 'device', deviceName: phone.deviceName }, { onEntry: (e) => void trail.push(e) }));
    for (const e of trail) print(`${e.at}  #${e.globalPosition}  ${describeActor(e.actor)} via ${e.channel}: ${e.change}`);

    print("\n== 4. Erase alice's personal data (selfprov users erase alice)");
    clock.set('2026-03-06T09:00:00.000Z');
    const erased = await must(
      'erasure',
      eraseUser(app.store, 'alice', { actor: { kind: 'administrator', id: 'dpo' }, channel: 'cli', commandId: 'walkthrough:erase' }),
    );
    print(
      `key deleted: ${erased.keyDeleted}, credentials removed: ${erased.credentialsRemoved}, recorded at position ${erased.event.globalPosition}`,
    );
    const later = await must('replay after erasure', replayLog(app.store, undefined));
    const gone = later.users.find((u) => u.userId === 'alice');
    print(
      `  alice now: ${gone?.personal.firstName} ${gone?.personal.lastName} <${gone?.personal.email}>; still owns ${gone?.phones.join(',')}`,
    );
    const userTrail: TrailEntry[] = [];
    await must('trail of alice', trailOf(app.store, { kind: 'user', userId: 'alice' }, { onEntry: (e) => void userTrail.push(e) }));
    print(`  her trail keeps every action (${userTrail.length} entries), e.g. ${userTrail[0]?.change}`);

    print('\n== 5. Verify again, and export for offline tools');
    const after = await must('verification', verifyLog(app.store));
    print(`${after.ok ? 'intact' : 'BROKEN'}: ${after.events} events: erasure deleted a key, not an event`);
    let exported = 0;
    await must(
      'export',
      exportLog(app.store, {
        onEvent: () => {
          exported += 1;
        },
      }),
    );
    print(`selfprov audit export --format jsonl would write ${exported} lines, personal data still encrypted`);

    return {
      verifiedBefore: before.ok,
      verifiedAfter: after.ok,
      ...(p2?.owner === undefined ? {} : { ownerOn2March: p2.owner }),
      ...(p4?.owner === undefined ? {} : { ownerOn4March: p4.owner }),
      ...(p4?.ownerSince === undefined ? {} : { ownerSince: p4.ownerSince }),
      aliceNameAfterErasure: `${gone?.personal.firstName} ${gone?.personal.lastName}`,
      trail,
      exported,
    };
  } finally {
    await app.close();
  }
};
