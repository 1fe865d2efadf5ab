// The IVR on the real domain as seeded: demo seed, facade workflows, credentials module (testing/domain.ts).
import { PassThrough } from 'node:stream';
import { type JsonValue, streams } from '@selfprov/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { refusalForDomainError } from './domainGateway.js';
import type { AuthenticationMode } from './gateway.js';
import { runTerminalIvr } from './terminal.js';
import { DEMO, domainWorld } from './testing/domain.js';
import { idsOf, unwrap } from './testing/harness.js';

const phoneOf = async (w: Awaited<ReturnType<typeof domainWorld>>, device: string) => unwrap(await w.sp.phone(device)());

test('the demo as shipped (two languages, users and administrators): a piped script provisions alice', async () => {
  const w = await domainWorld();
  const device = await w.newPhone(1);
  const input = new PassThrough();
  input.end(`1\n1\n2001#\n1\n${DEMO.pins.alice}#\n`);
  const output = new PassThrough();
  let text = '';
  output.on('data', (c) => {
    text += String(c);
  });
  const r = await runTerminalIvr({ gateway: w.gateway, store: w.store, device, input, output, scheduler: w.scheduler });
  assert.is(r.outcome, 'completed');
  assert.equal(r.prompts.slice(0, 3), ['welcome', 'language-option', 'language-option']);
  assert.ok(text.includes('Your phone is now provisioned with extension 2001.'));
  const phone = await phoneOf(w, device);
  assert.is(phone?.state, 'provisioned');
  assert.is(phone?.owner, 'alice');
  assert.is(phone?.lines[0]?.dn, '2001');
});

test('each authentication mode provisions through the domain (non-secure: id only; PIN; administrator code)', async () => {
  const cases: [AuthenticationMode, string, string][] = [
    ['non-secure', '12001#1', 'device'],
    ['secure-users', `12001#1${DEMO.pins.alice}#`, 'user'],
    ['secure-users-and-admins', `12001#1${DEMO.pins.alice}#`, 'user'],
    ['secure-users-and-admins', `12001#1*${DEMO.code}#`, 'administrator'],
  ];
  for (const [mode, keys, actor] of cases) {
    const w = await domainWorld();
    await w.setMode(mode);
    const device = await w.newPhone(2);
    const { callId } = unwrap(await w.driver.startCall({ device })());
    const turn = unwrap(await w.driver.digits(callId, keys)());
    assert.equal(idsOf(turn).slice(-2), ['phone-provisioned', 'goodbye'], `${mode} ${actor}`);
    assert.is((await phoneOf(w, device))?.owner, 'alice');
    const provisioned = unwrap(await w.store.readStream(streams.phone(device))()).events.find((e) => e.type === 'PhoneProvisioned');
    assert.is(provisioned?.metadata.actor.kind, actor);
    assert.is(provisioned?.metadata.channel, 'ivr');
    assert.is(provisioned?.metadata.correlationId, callId);
  }
});

test('three wrong PINs lock the account (credential policy), the IVR says so, and the right PIN is refused until the lockout ends', async () => {
  const w = await domainWorld();
  await w.setMode('secure-users');
  const device = await w.newPhone(3);
  const first = unwrap(await w.driver.startCall({ device, callId: 'lock-1' })());
  unwrap(await w.driver.digits(first.callId, '12001#1')());
  const wrong1 = unwrap(await w.driver.digits(first.callId, '90817263#')());
  assert.equal(idsOf(wrong1), ['wrong-credential', 'enter-pin']);
  assert.is(wrong1.prompts[0]?.text, 'That PIN or code is not correct. Attempts left: 2.');
  assert.equal(idsOf(unwrap(await w.driver.digits(first.callId, '81726354#')())), ['wrong-credential', 'enter-pin']);
  const locked = unwrap(await w.driver.digits(first.callId, '72635419#')());
  assert.equal(idsOf(locked), ['locked-out', 'goodbye']);

  const during = unwrap(await w.driver.startCall({ device, callId: 'lock-2' })());
  assert.equal(idsOf(unwrap(await w.driver.digits(during.callId, `12001#1${DEMO.pins.alice}#`)())).slice(-2), ['locked-out', 'goodbye']);
  assert.is((await phoneOf(w, device))?.state, 'autoregistered');

  await w.scheduler.advance(30 * 60_000 - 1_000);
  const almost = unwrap(await w.driver.startCall({ device, callId: 'lock-3' })());
  assert.equal(idsOf(unwrap(await w.driver.digits(almost.callId, `12001#1${DEMO.pins.alice}#`)())).slice(-2), ['locked-out', 'goodbye']);
  await w.scheduler.advance(1_000);
  const after = unwrap(await w.driver.startCall({ device, callId: 'lock-4' })());
  assert.equal(idsOf(unwrap(await w.driver.digits(after.callId, `12001#1${DEMO.pins.alice}#`)())).slice(-2), [
    'phone-provisioned',
    'goodbye',
  ]);

  // The user's stream records the failures and the lockout, never the PIN.
  const log = JSON.stringify(unwrap(await w.store.readAll({ maxCount: 100_000 })()) as unknown as JsonValue);
  assert.ok(log.includes('CredentialLockedOut') && log.includes('CredentialVerificationFailed'));
  for (const secret of [DEMO.pins.alice, '90817263', '81726354', '72635419']) assert.not.ok(log.includes(secret));
});

test('domain refusals reach the caller as their prompts', async () => {
  const w = await domainWorld();
  await w.setMode('non-secure');
  const run = async (device: string, keys: string) =>
    idsOf(unwrap(await w.driver.digits(unwrap(await w.driver.startCall({ device })()).callId, keys)()));
  const a = await w.newPhone(4);
  assert.equal((await run(a, '12004#1')).slice(-2), ['not-allowed-by-profile', 'goodbye'], 'dave: Restricted profile');
  assert.equal((await run(a, '19999#')).slice(-2), ['unknown-self-provisioning-id', 'enter-self-provisioning-id']);
  assert.equal((await run(a, '12001#1')).slice(-2), ['phone-provisioned', 'goodbye']);
  assert.equal((await run(a, '12001#1')).slice(-2), ['already-provisioned', 'goodbye'], 'the same phone again');
  const b = await w.newPhone(5);
  assert.equal((await run(b, '22001#')).slice(-2), ['old-phone-still-registered', 'goodbye'], 'alice’s phone is registered');
  unwrap(await w.sp.recordRegistration({ deviceName: a, registered: false })());
  assert.equal((await run(b, '22001#')).slice(-2), ['phone-replaced', 'goodbye']);
  assert.is((await phoneOf(w, b))?.owner, 'alice');
  assert.equal((await run(await w.newPhone(6), '22002#')).slice(-2), ['no-phone-to-replace', 'goodbye'], 'bob has no phone yet');
});

test('system not ready: the caller is told at once when a prerequisite is unmet', async () => {
  const w = await domainWorld();
  const device = await w.newPhone(7);
  unwrap(
    await w.sp.configure('cluster', {
      type: 'DeactivateService',
      clusterId: DEMO.clusterId,
      node: 'cucm-pub.example.com',
      service: 'ctiManager',
    })(),
  );
  const turn = unwrap(await w.driver.startCall({ device })());
  assert.equal(idsOf(turn), ['system-not-ready', 'goodbye']);
});

test('call settings come from the cluster: languages, mode, the route point DN', async () => {
  const w = await domainWorld();
  const device = await w.newPhone(8);
  const settings = unwrap(await w.gateway.callSettings(device, undefined)());
  assert.equal(settings, {
    languages: ['en_US', 'fr_FR'],
    authenticationMode: 'secure-users-and-admins',
    ivrDirectoryNumber: '8000',
    dialledIsIvr: true,
  });
  assert.is(unwrap(await w.gateway.callSettings(device, '8001')()).dialledIsIvr, false);
});

test('domain error codes map to refusals; unknown codes are a generic failure', () => {
  assert.is(refusalForDomainError({ code: 'provisioning_limit_reached' }), 'limit_reached');
  assert.is(refusalForDomainError({ code: 'phone_owned_by_other_user' }), 'owned_by_another_user');
  assert.is(refusalForDomainError({ code: 'user_has_no_primary_extension' }), 'no_primary_extension');
  assert.is(refusalForDomainError({ code: 'services_inactive' }), 'system_not_ready');
  assert.is(refusalForDomainError({ code: 'wrong_expected_version' }), 'failure');
});

test.run();
