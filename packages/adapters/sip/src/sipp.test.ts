// The adapter driven by sipp, a real SIP peer, from the scenario files in ../scenarios:
// a phone registers, dials the IVR, types the demo flow (RFC 4733 or SIP INFO) and is
// provisioned; the refusals (wrong PIN, unknown id, range exhausted), a hang-up and a
// CANCEL. Every run: loopback, ephemeral ports, `-m`, `-timeout`, `-trace_err`; the
// assertions are sipp's exit code and the domain's state. Independent calls run in
// parallel (each against its own server) to keep the file short in time. Without sipp
// every test fails (naming the package to install): a missing peer is never a skip.
import type { RecordedEvent } from '@selfprov/core';
import { simulatedScheduler } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, type Harness, startHarness } from './testing/harness.js';
import { explain, runSipp, SIPP, SIPP_MISSING, type SippRun, startSipp } from './testing/sipp.js';

const MAC = '001122334455';
const run = (name: string, body: () => Promise<void>) =>
  test(name, async () => {
    if (SIPP === undefined) assert.unreachable(SIPP_MISSING);
    await body();
  });

const sipp = async (h: Harness, scenario: string, mac: string, extra: { notifyPort?: number; transport?: 'u1' | 't1' } = {}) => {
  const localPort = await freePort();
  return runSipp({
    scenario,
    server: { host: '127.0.0.1', port: h.sip.udpPort },
    transport: extra.transport ?? 'u1',
    localPort,
    // Without a resync listener, the phone registers its own address as Contact.
    keys: { mac, ivr: '8000', notify_port: String(extra.notifyPort ?? localPort) },
    timeoutS: 40,
  });
};

/** A phone's scenario, with its resync listener (the Contact it registers) waiting for NOTIFY check-sync. */
const phoneWithListener = async (h: Harness, scenario: string, mac: string, transport: 'u1' | 't1' = 'u1') => {
  const listener = await startSipp({
    scenario: 'resync-listener.xml',
    server: { host: '127.0.0.1', port: h.sip.udpPort },
    transport,
    timeoutS: 40,
  });
  // The phone registers the listener's port as its Contact: only once the listener has bound it.
  await listener.bound;
  const phone = await sipp(h, scenario, mac, { notifyPort: listener.localPort, transport });
  // A phone that failed never gets provisioned: do not wait for a NOTIFY that will not come.
  const resync = phone.code === 0 ? await listener.done : undefined;
  return { phone, resync };
};

const phoneOf = async (h: Harness, deviceName: string) => {
  const p = await h.app.selfProvisioning.phone(deviceName)();
  assert.ok(E.isRight(p));
  return p.right;
};

const ivrEvents = async (h: Harness): Promise<RecordedEvent[]> => {
  const all = await h.app.events.readAll({ maxCount: 100_000 })();
  assert.ok(E.isRight(all));
  return all.right.filter((e) => e.streamId.startsWith('ivr-call-'));
};

const refusals = (events: readonly RecordedEvent[]) =>
  events
    .filter((e) => e.type === 'IvrEffectCompleted')
    .map((e) => (e.data as { outcome: { ok: boolean; refusal?: string } }).outcome)
    .filter((o) => !o.ok)
    .map((o) => o.refusal);

const assertOk = (r: SippRun | undefined, what: string) => {
  assert.ok(r, `${what}: did not run`);
  assert.is(r.code, 0, `${what}: ${explain(r)}`);
};

/**
 * sipp exits as soon as it has sent its last message: the server may not have read it yet. Waits
 * until the server has ended the SIP call and, when the IVR took it, the IVR its session (its last
 * event recorded).
 */
const callEnded = async (h: Harness, { ivr = true } = {}) => {
  await h.logged((e) => e.event === 'call_ended', 'call_ended');
  if (ivr) await h.logged((e) => e.event === 'ivr_call_ended', 'ivr_call_ended');
};

const assertProvisioned = async (h: Harness, deviceName: string) => {
  await callEnded(h);
  // The listener's 200 to the NOTIFY, too, may still be on its way when sipp exits.
  await h.logged((e) => e.event === 'check_sync_notified' && e.details?.deviceName === deviceName, `check_sync_notified ${deviceName}`);
  const phone = await phoneOf(h, deviceName);
  assert.is(phone?.state, 'provisioned');
  assert.is(phone?.owner, 'alice');
  assert.equal(
    phone?.lines.map((l) => [l.index, l.dn]),
    [[1, '2001']],
  );
  // The temporary DN went back to the pool; the registration moved to the extension.
  const free = await h.app.selfProvisioning.freeDirectoryNumbers('cluster-1', 1)();
  assert.equal(E.isRight(free) ? free.right : undefined, ['1000']);
  assert.is(h.sip.server.binding(deviceName)?.dn, '2001');
  assert.equal(h.sip.server.resyncStats(), { sent: 1, answered: 1 });
  // Secrets never reach the event log.
  const all = await h.app.events.readAll({ maxCount: 100_000 })();
  assert.ok(E.isRight(all));
  assert.not.ok(JSON.stringify(all.right).includes('73915824'), 'the PIN is in the event log');
};

run('a new phone registers: auto-registered with the lowest free DN, named in the 200 OK', async () => {
  const h = await startHarness();
  try {
    const r = await sipp(h, 'register.xml', MAC);
    assertOk(r, 'register');
    const phone = await phoneOf(h, `SEP${MAC}`);
    assert.is(phone?.state, 'autoregistered');
    assert.is(phone?.registered, true);
    assert.equal(
      phone?.lines.map((l) => l.dn),
      ['1000'],
    );
    assert.is(h.sip.server.binding(`SEP${MAC}`)?.dn, '1000');
  } finally {
    await h.close();
  }
});

run('the demo flow provisions the phone: keys as RFC 4733 (PCMU) and as SIP INFO (PCMA), each with its resync NOTIFY', async () => {
  const [rtp, info] = await Promise.all([startHarness(), startHarness()]);
  try {
    const [a, b] = await Promise.all([
      phoneWithListener(rtp, 'provision-rfc4733.xml', MAC),
      phoneWithListener(info, 'provision-info.xml', '00AABBCCDDEE'),
    ]);
    assertOk(a.phone, 'RFC 4733 phone');
    assertOk(a.resync, 'RFC 4733 resync listener');
    assertOk(b.phone, 'INFO phone');
    assertOk(b.resync, 'INFO resync listener');
    await assertProvisioned(rtp, `SEP${MAC}`);
    await assertProvisioned(info, 'SEP00AABBCCDDEE');
    const codecs = (h: Harness) => h.logs.filter((l) => l.event === 'call_answered').map((l) => l.details?.codec);
    assert.equal(codecs(rtp), ['PCMU']);
    assert.equal(codecs(info), ['PCMA']);
    // The IVR heard every key once: 1, 1, 2001#, 1, 73915824#.
    const keys = (h: Harness) => h.logs.find((l) => l.event === 'call_ended')?.details?.keys;
    assert.is(keys(rtp), 17);
    assert.is(keys(info), 17);
    const types = (await ivrEvents(rtp)).map((e) => e.type);
    assert.ok(types.includes('IvrCallStarted') && types.filter((t) => t === 'IvrSecretDigitEntered').length === 8);

    // The phone registers again (after its resync): it now answers with the user's extension.
    const again = await sipp(rtp, 'register.xml', MAC);
    assertOk(again, 're-register');
    assert.is(rtp.sip.server.binding(`SEP${MAC}`)?.dn, '2001');
  } finally {
    await Promise.all([rtp.close(), info.close()]);
  }
});

run('refusals: a wrong PIN three times, an unknown id three times, a hang-up mid-PIN, a CANCEL while ringing', async () => {
  const servers = await Promise.all([
    startHarness(),
    startHarness(),
    startHarness(),
    // It rings until the CANCEL: its SIP clock is simulated and never moved, so the answer cannot overtake it.
    startHarness({ calls: { answerDelayMs: 1500 }, sipScheduler: simulatedScheduler() }),
  ]);
  const [wrongPin, unknownId, hangup, cancel] = servers as [Harness, Harness, Harness, Harness];
  try {
    const runs = await Promise.all([
      sipp(wrongPin, 'wrong-pin.xml', MAC),
      sipp(unknownId, 'unknown-id.xml', MAC),
      sipp(hangup, 'hangup.xml', MAC),
      sipp(cancel, 'cancel.xml', MAC),
    ]);
    assertOk(runs[0], 'wrong PIN');
    assertOk(runs[1], 'unknown id');
    assertOk(runs[2], 'hang-up');
    assertOk(runs[3], 'cancel');
    await Promise.all([callEnded(wrongPin), callEnded(unknownId), callEnded(hangup), callEnded(cancel, { ivr: false })]);
    for (const h of servers) {
      // Nothing was provisioned: the phone keeps its temporary DN, no owner, no resync.
      const phone = await phoneOf(h, `SEP${MAC}`);
      assert.is(phone?.state, 'autoregistered');
      assert.is(phone?.owner, undefined);
      assert.equal(
        phone?.lines.map((l) => l.dn),
        ['1000'],
      );
      assert.equal(h.sip.server.calls(), []);
      assert.is(h.sip.server.resyncStats().sent, 0);
    }
    const wrong = refusals(await ivrEvents(wrongPin));
    assert.equal(wrong, ['wrong_credential', 'wrong_credential', 'wrong_credential']);
    assert.equal(refusals(await ivrEvents(unknownId)), ['unknown_id', 'unknown_id', 'unknown_id']);
    const hung = (await ivrEvents(hangup)).map((e) => e.type);
    assert.is(hung.at(-1), 'IvrCallerHungUp');
    assert.is(hung.filter((t) => t === 'IvrSecretDigitEntered').length, 4);
    // Cancelled before the answer: the IVR never took the call.
    assert.equal(await ivrEvents(cancel), []);
  } finally {
    await Promise.all(servers.map((h) => h.close()));
  }
});

run('the range is exhausted: the next new phone gets 503 and is not created', async () => {
  const h = await startHarness();
  try {
    const narrowed = await h.app.selfProvisioning.configure('cluster', {
      type: 'ConfigureAutoRegistration',
      clusterId: 'cluster-1',
      startDn: '1000',
      endDn: '1000',
      deviceTemplate: 'Standard Desk Phone',
      lineTemplate: 'Standard Line',
    })();
    assert.ok(E.isRight(narrowed), JSON.stringify(narrowed));
    assertOk(await sipp(h, 'register.xml', MAC), 'first phone');
    assertOk(await sipp(h, 'register-exhausted.xml', '00AABBCCDDEE'), 'second phone');
    assert.is((await phoneOf(h, 'SEP00AABBCCDDEE'))?.exists ?? false, false);
    assert.is(h.sip.server.binding('SEP00AABBCCDDEE'), undefined);
  } finally {
    await h.close();
  }
});

run('over TCP: register, dial the IVR, keys as SIP INFO, provisioned', async () => {
  const h = await startHarness();
  try {
    const { phone, resync } = await phoneWithListener(h, 'provision-info.xml', MAC, 't1');
    assertOk(phone, 'TCP phone');
    assertOk(resync, 'TCP resync listener');
    await assertProvisioned(h, `SEP${MAC}`);
  } finally {
    await h.close();
  }
});

test.run();
