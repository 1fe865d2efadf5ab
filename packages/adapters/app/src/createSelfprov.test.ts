import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCredentialPolicy } from '@selfprov/core';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSelfprov, demoSecrets, openStore, seedDemoData } from './index.js';

const hasher = createScryptHasher({ log2N: 10 });
const must = <A>(r: E.Either<{ code: string; message: string }, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

test('the demo seeds once on a SQLite file; seeding again writes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-app-'));
  try {
    const app = must(await createSelfprov({ store: `sqlite:${join(dir, 'events.db')}`, hasher }));
    const first = must(await seedDemoData(app));
    assert.ok(first.eventsWritten > 0);
    assert.is(first.secretsSet, 1 + Object.keys(demoSecrets.pins).length + demoSecrets.selfCareUsers.length);
    const again = must(await seedDemoData(app));
    assert.is(again.eventsWritten, 0);
    assert.is(again.secretsSet, 0);
    assert.equal(must(await app.selfProvisioning.systemReadiness(first.clusterId)()), []);
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('self-care sees the phones provisioning gives a user (the directory is bound to the read models)', async () => {
  const app = must(await createSelfprov({ store: 'memory:', hasher }));
  const seed = must(await seedDemoData(app));
  const session = must(await app.selfCare.login({ userId: 'alice', password: demoSecrets.selfCarePassword })());
  const alice = must(await app.selfCare.authenticate(session.token)());
  assert.is(must(await app.selfCare.carousel(alice)()).items.length, 0);
  const phone = must(
    await app.selfProvisioning.autoRegisterPhone({
      clusterId: seed.clusterId,
      mac: '001122334455',
      model: 'Cisco 8845',
      protocol: 'SIP',
    })(),
  );
  must(
    await app.selfProvisioning.provisionPhone({
      clusterId: seed.clusterId,
      deviceName: phone.deviceName,
      userId: 'alice',
      authentication: { method: 'pin' },
    })(),
  );
  const view = must(await app.selfCare.carousel(alice)());
  assert.equal(
    view.items.map((i) => [i.deviceName, i.lines.map((l) => l.directoryNumber)]),
    [['SEP001122334455', ['2001']]],
  );
  // Bob may not touch alice's phone.
  const bobSession = must(await app.selfCare.login({ userId: 'bob', password: demoSecrets.selfCarePassword })());
  const bob = must(await app.selfCare.authenticate(bobSession.token)());
  const refused = await app.selfCare.phone.setDoNotDisturb(bob, { deviceName: phone.deviceName, enabled: true })();
  assert.ok(E.isLeft(refused) && refused.left.code === 'not_owner');
  await app.close();
});

test('self-care passwords and IVR PINs follow one credential policy: the same threshold locks each, and each lockout refuses the right secret', async () => {
  const app = must(await createSelfprov({ store: 'memory:', hasher }));
  must(await seedDemoData(app));
  const threshold = defaultCredentialPolicy.lockoutThreshold;
  assert.ok(threshold >= 2, 'the test needs a threshold of at least 2');
  const pin = demoSecrets.pins.alice as string;
  const verifyPin = (secret: string, n: number) =>
    app.ivrGateway.verifyCredential({
      callId: `call-${n}`,
      userId: 'alice',
      secret,
      allowedMethods: ['pin'],
      // One device per attempt: the per-device throttle stays out of the way of the account lockout.
      callingDevice: `SEP0000000000${n.toString().padStart(2, '0')}`,
    })();

  // Below the threshold, the right secret still opens (and resets the count) for both kinds.
  for (let i = 0; i < threshold - 1; i++) {
    const wrong = await app.selfCare.login({ userId: 'alice', password: 'not-the-password' })();
    assert.ok(E.isLeft(wrong) && wrong.left.code !== 'account_locked', `failure ${i + 1} does not lock yet`);
    const wrongPin = await verifyPin('11112222', i);
    assert.equal(E.isLeft(wrongPin) ? wrongPin.left.refusal : 'verified', 'wrong_credential');
    assert.is(E.isLeft(wrongPin) ? wrongPin.left.attemptsLeft : undefined, threshold - 1 - i);
  }
  must(await app.selfCare.login({ userId: 'alice', password: demoSecrets.selfCarePassword })());
  const opened = await verifyPin(pin, 10);
  assert.equal(opened, E.right({ method: 'pin' }), 'the right PIN below the threshold is verified');

  // At the threshold, each credential locks and the right secret is refused with a typed answer.
  for (let i = 0; i < threshold; i++) {
    assert.ok(E.isLeft(await app.selfCare.login({ userId: 'alice', password: 'not-the-password' })()));
    assert.ok(E.isLeft(await verifyPin('11112222', 20 + i)));
  }
  const locked = await app.selfCare.login({ userId: 'alice', password: demoSecrets.selfCarePassword })();
  assert.is(E.isLeft(locked) ? locked.left.code : 'logged in', 'account_locked');
  const lockedPin = await verifyPin(pin, 30);
  assert.is(E.isLeft(lockedPin) ? lockedPin.left.refusal : 'verified', 'locked_out');
  // Bob's credentials are his own: alice's lockouts do not touch them.
  must(await app.selfCare.login({ userId: 'bob', password: demoSecrets.selfCarePassword })());
  await app.close();
});

test('a malformed store URL is a typed error naming the field', async () => {
  const r = await openStore('mysql://x');
  assert.ok(E.isLeft(r) && r.left.code === 'invalid_store_url' && r.left.field === 'store');
  const unreachable = await openStore('postgres://nobody@127.0.0.1:1/none');
  assert.ok(E.isLeft(unreachable) && unreachable.left.code === 'store_unavailable');
});

test.run();
