// Calls are recorded as `ivr-call-<callId>` events (secrets only as counts) and
// survive a restart: a new driver on the same store resumes them, timers included.
import { checkPin, defaultCredentialPolicy, type RecordedEvent, sequentialIds, streams } from '@selfprov/core';
import * as fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ivrCallStream } from './driver/record.js';
import { createIvrDriver } from './driver.js';
import { ALICE_PIN, AUTH_CODE, harness, idsOf, NEW_PHONE, unwrap } from './testing/harness.js';

const typesOf = (events: readonly RecordedEvent[]) =>
  events.map((e) => (e.type === 'IvrKeyPressed' ? `key ${(e.data as { key: string }).key}` : e.type));

test('every input of a call is recorded, in order, as an event of ivr-call-<callId>', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start({ callId: 'call-42' });
  await h.keys(callId, '1');
  await h.scheduler.advance(10_000);
  await h.keys(callId, `2001#1${ALICE_PIN.slice(0, 3)}`);
  await h.keys(callId, `${ALICE_PIN.slice(3)}#`);
  const events = await h.events(callId);
  assert.equal(typesOf(events), [
    'IvrCallStarted',
    'key 1',
    'IvrTimerFired',
    'key 2',
    'key 0',
    'key 0',
    'key 1',
    'key #',
    'IvrEffectCompleted',
    'key 1',
    ...Array<string>(ALICE_PIN.length).fill('IvrSecretDigitEntered'),
    'key #',
    'IvrEffectCompleted',
    'IvrEffectCompleted',
  ]);
  assert.ok(events.every((e) => e.streamId === ivrCallStream('call-42') && e.streamId === 'ivr-call-call-42'));
  assert.ok(events.every((e) => e.metadata.channel === 'ivr' && e.metadata.actor.kind === 'device' && e.metadata.actor.id === NEW_PHONE));
  assert.ok(events.every((e) => e.metadata.correlationId === 'call-42'));
  assert.is((events[2]?.data as { timer?: string } | undefined)?.timer, 'xstate.after.firstDigit.ivr.provision.enterId.first');
  assert.is(events[2]?.occurredAt, '2026-01-01T00:00:10.000Z', 'recorded at the driver clock');
  const started = events[0]?.data as { input: { authenticationMode: string; languages: string[] }; dialled: null };
  assert.is(started.input.authenticationMode, 'secure-users');
  assert.equal(started.input.languages, ['en_US']);
});

test('secret digits are recorded only as a count: PINs and the authentication code appear in no event and no log line', async () => {
  const h = await harness({ authenticationMode: 'secure-users-and-admins' });
  const a = await h.start({ callId: 'wrong-then-right' });
  await h.keys(a.callId, '12001#1');
  await h.keys(a.callId, '90817263#'); // a wrong PIN
  const during = h.driver.view(a.callId);
  await h.keys(a.callId, `${ALICE_PIN}#`);
  const b = await h.start({ callId: 'admin', device: 'SEP00AABBCC0009' });
  await h.keys(b.callId, `12002#1${AUTH_CODE}#`);
  const log = await h.allEventsJson();
  for (const secret of [ALICE_PIN, '90817263', AUTH_CODE]) {
    assert.not.ok(log.includes(secret), 'not in the event log');
    assert.not.ok(JSON.stringify(h.logs).includes(secret), 'not in the logs');
  }
  assert.ok(during !== undefined && !JSON.stringify(during).includes('90817263'), 'not in the machine context');
  const counts = (await h.events(a.callId)).filter((e) => e.type === 'IvrSecretDigitEntered');
  assert.is(counts.length, 16);
  assert.ok(
    counts.every((e) => Object.keys(e.data as object).join() === 'at'),
    'a secret digit event carries only its time',
  );
});

test('the machine context counts secret digits and never holds them', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  await h.keys(callId, '12001#1');
  await h.keys(callId, '7391');
  const view = h.driver.view(callId);
  assert.is(view?.context.secretCount, 4);
  assert.is(view?.context.digits, '');
});

test('property: whatever the PIN, it never reaches the event log, the logs or the context', async () => {
  // PINs the credential policy accepts (the real rules of packages/core/src/credentials/rules.ts).
  const pin = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 12 })
    .map((ds) => ds.join(''))
    .filter((p) => E.isRight(checkPin(p, {}, defaultCredentialPolicy)));
  await fc.assert(
    fc.asyncProperty(pin, fc.boolean(), async (secret, correct) => {
      const h = await harness({ authenticationMode: 'secure-users', pins: { alice: correct ? secret : '86319572' } });
      const { callId } = await h.start();
      await h.keys(callId, '12001#1');
      await h.keys(callId, secret);
      const context = JSON.stringify(h.driver.view(callId)?.context);
      await h.keys(callId, '#');
      const text = (await h.allEventsJson()) + JSON.stringify(h.logs) + context;
      return !text.includes(secret) && ((await h.phone(NEW_PHONE))?.state === 'provisioned') === correct;
    }),
    { numRuns: 40 },
  );
});

test('restart mid-entry: a new driver resumes the call; the pending inter-digit timer is re-armed with its remaining time', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  await h.scheduler.advance(2_000);
  await h.keys(callId, '2001');
  await h.scheduler.advance(3_000);
  h.driver.close(); // the process dies
  const d2 = h.restart();
  const resumed = unwrap(await d2.resume(callId)());
  assert.is(resumed.state, 'provision.enterId.more');
  assert.equal(idsOf(resumed), []);
  assert.equal(d2.view(callId)?.pendingTimers, [
    { id: 'xstate.after.interDigit.ivr.provision.enterId.more', dueAt: '2026-01-01T00:00:07.000Z' },
  ]);
  await h.scheduler.advance(1_999);
  assert.equal(h.spontaneous, []);
  await h.scheduler.advance(1);
  assert.equal(h.spontaneous.map(idsOf), [['confirm-self-provisioning-id']], 'the entry ended on the re-armed timer');
  assert.equal(idsOf(await h.keys(callId, '1', d2)), ['please-wait', 'phone-provisioned', 'goodbye']);
});

test('restart after a timer fell due: it fires at once on resume', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  h.driver.close();
  await h.scheduler.advance(60_000); // nobody was there to fire the first-digit timer
  const d2 = h.restart();
  const resumed = unwrap(await d2.resume(callId)());
  assert.equal(idsOf(resumed), ['no-input', 'enter-self-provisioning-id']);
  assert.is(d2.view(callId)?.context.tries, 1);
});

test('restart mid-PIN: the secret was never stored, so the entry restarts with a prompt', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  await h.keys(callId, '12001#1');
  await h.keys(callId, ALICE_PIN.slice(0, 4));
  h.driver.close();
  const d2 = h.restart();
  const resumed = unwrap(await d2.resume(callId)());
  assert.equal(idsOf(resumed), ['secret-entry-restarted', 'enter-pin']);
  assert.is(d2.view(callId)?.context.secretCount, 0);
  assert.equal(idsOf(await h.keys(callId, `${ALICE_PIN}#`, d2)), ['please-wait', 'phone-provisioned', 'goodbye']);
  assert.is((await h.phone(NEW_PHONE))?.owner, 'alice');
  assert.not.ok((await h.allEventsJson()).includes(ALICE_PIN));
});

test('restart while the PIN was being checked: the entry restarts (the secret is gone)', async () => {
  const h = await harness({ authenticationMode: 'secure-users' });
  const { callId } = await h.start();
  await h.keys(callId, `12001#1${ALICE_PIN}`);
  h.gate.hold('verifyCredential');
  const lost = h.driver.digits(callId, '#')();
  await h.gate.reached();
  h.driver.close();
  const d2 = h.restart();
  assert.equal(idsOf(unwrap(await d2.resume(callId)())), ['secret-entry-restarted', 'enter-pin']);
  h.gate.release();
  const old = await lost; // the dead process's late answer cannot be recorded: the stream moved on
  assert.ok(old._tag === 'Right');
  await h.driver.idle();
  assert.ok(h.logs.some((l) => l.event === 'record_failed'));
  assert.equal(idsOf(await h.keys(callId, `${ALICE_PIN}#`, d2)), ['please-wait', 'phone-provisioned', 'goodbye']);
});

test('restart while provisioning: the command is issued again with the same command id and applied once', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '12001#');
  h.gate.hold('provisionPhone');
  void h.driver.digits(callId, '1')();
  await h.gate.reached();
  h.driver.close();
  const d2 = h.restart();
  const resuming = d2.resume(callId)();
  await h.gate.reached(2); // the resumed call issued the command again: both are held
  h.gate.release();
  const turn = unwrap(await resuming);
  assert.equal(idsOf(turn), ['please-wait', 'phone-provisioned', 'goodbye']);
  await h.driver.idle();
  const provisioned = (await h.allEvents()).filter((e) => e.type === 'PhoneProvisioned' && e.streamId === streams.phone(NEW_PHONE));
  assert.equal(
    provisioned.map((e) => e.metadata.commandId),
    [`ivr-${callId}-provision`],
    'the domain applied the command once',
  );
  assert.is(h.gate.calls.filter((c) => c === 'provisionPhone').length, 2);
  const completions = (await h.events(callId)).filter(
    (e) => e.type === 'IvrEffectCompleted' && (e.data as { effect: string }).effect === 'provisionPhone',
  );
  assert.is(completions.length, 1);
});

test('keys sent to a driver that does not hold the call resume it first', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '1');
  h.driver.close();
  const d2 = h.restart();
  assert.equal(idsOf(await h.keys(callId, '2001#', d2)), ['confirm-self-provisioning-id']);
  assert.equal(typesOf(await h.events(callId)).slice(2), [
    'IvrCallResumed',
    'key 2',
    'key 0',
    'key 0',
    'key 1',
    'key #',
    'IvrEffectCompleted',
  ]);
});

test('a second driver that resumed the call wins: the old one can no longer record', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  const d2 = h.restart();
  unwrap(await d2.resume(callId)());
  const stale = await h.driver.digits(callId, '1')();
  assert.ok(stale._tag === 'Left' && stale.left.code === 'wrong_expected_version');
  assert.equal(idsOf(await h.keys(callId, '1', d2)), ['enter-self-provisioning-id']);
});

test('resuming: an ended call, an unknown call, a damaged record', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.driver.hangUp(callId)();
  const ended = await h.restart().resume(callId)();
  assert.ok(ended._tag === 'Left' && ended.left.code === 'call_ended');
  const unknown = await h.restart().resume('never-called')();
  assert.ok(unknown._tag === 'Left' && unknown.left.code === 'unknown_call');
  const other = await h.start({ callId: 'damaged' });
  await h.keys(other.callId, '1');
  unwrap(
    await h.store.append(ivrCallStream('damaged'), 'any', [
      { type: 'IvrKeyPressed', data: { key: 'X', at: 'later' }, metadata: { actor: { kind: 'system', id: 'test' }, channel: 'system' } },
    ])(),
  );
  h.driver.close();
  const damaged = await h.restart().resume('damaged')();
  assert.ok(damaged._tag === 'Left' && damaged.left.code === 'call_record_invalid' && damaged.left.field === 'events[2]');
});

test('property: replaying the recorded inputs rebuilds the same state and context', async () => {
  const step = fc.oneof(
    fc.constantFrom('1', '2', '2001#', '2002#', '9', '*', '#', '20', '01'),
    fc.constantFrom(1_000, 5_000, 10_000).map((ms) => ({ ms })),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
      const h = await harness({ authenticationMode: 'non-secure', languages: ['en_US', 'fr_FR'] });
      const { callId } = await h.start();
      for (const s of steps) {
        if (typeof s === 'string') await h.driver.digits(callId, s)();
        else await h.scheduler.advance(s.ms);
      }
      const live = h.driver.view(callId);
      h.driver.close();
      const d2 = createIvrDriver({ gateway: h.gateway, store: h.store, scheduler: h.scheduler, ids: sequentialIds(9) });
      const resumed = await d2.resume(callId)();
      if (live === undefined) return resumed._tag === 'Left' && resumed.left.code === 'call_ended';
      const again = d2.view(callId);
      return (
        again !== undefined &&
        again.state === live.state &&
        JSON.stringify(again.context) === JSON.stringify(live.context) &&
        JSON.stringify(again.pendingTimers) === JSON.stringify(live.pendingTimers)
      );
    }),
    { numRuns: 60 },
  );
});

test.run();
