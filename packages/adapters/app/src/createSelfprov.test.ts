import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('self-care passwords and IVR PINs share one credential policy: a wrong password counts toward lockout', async () => {
  const app = must(await createSelfprov({ store: 'memory:', hasher }));
  must(await seedDemoData(app));
  for (let i = 0; i < 3; i++) {
    const wrong = await app.selfCare.login({ userId: 'alice', password: 'not-the-password' })();
    assert.ok(E.isLeft(wrong));
  }
  const locked = await app.selfCare.login({ userId: 'alice', password: demoSecrets.selfCarePassword })();
  assert.ok(E.isLeft(locked), 'the right password is refused while locked out');
  await app.close();
});

test('a malformed store URL is a typed error naming the field', async () => {
  const r = await openStore('mysql://x');
  assert.ok(E.isLeft(r) && r.left.code === 'invalid_store_url' && r.left.field === 'store');
  const unreachable = await openStore('postgres://nobody@127.0.0.1:1/none');
  assert.ok(E.isLeft(unreachable) && unreachable.left.code === 'store_unavailable');
});

test.run();
