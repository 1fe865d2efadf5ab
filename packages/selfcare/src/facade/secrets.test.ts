import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, ok, PASSWORD } from '../testing/fixture.js';

test('no password, PIN, default password or session token in any event, and none in any error', async () => {
  const f = await fixture();
  const secrets = [PASSWORD, 'Welcome-2026', 'Another-Pass-77', '73915824', '51739264', 'wrong-guess-1', 'Admin-Chosen-55', '11123456'];
  const errors: unknown[] = [];
  const attempt = async (task: () => Promise<E.Either<unknown, unknown>>) => {
    const r = await task();
    if (E.isLeft(r)) errors.push(r.left);
    return r;
  };
  await ok(f.sc.admin.setDefaultPasswordRule(f.admin, { domain: 'Default', enabled: true, password: 'Welcome-2026' }));
  await ok(f.sc.admin.createAccount(f.admin, { userId: 'carol', domain: 'Default', roles: ['SelfCareUser'] }));
  const carol = await ok(f.sc.login({ userId: 'carol', password: 'Welcome-2026' }));
  await attempt(f.sc.login({ userId: 'alice', password: 'wrong-guess-1' }));
  await attempt(f.sc.user.changePassword(f.alice, { currentPassword: 'wrong-guess-1', newPassword: 'Another-Pass-77' }));
  await ok(f.sc.user.changePassword(f.alice, { currentPassword: PASSWORD, newPassword: 'Another-Pass-77' }));
  await ok(f.sc.user.changePhonePin(f.alice, { pin: '73915824' }));
  await ok(f.sc.user.changeVoicemailPin(f.alice, { pin: '51739264' }));
  await attempt(f.sc.user.changePhonePin(f.alice, { pin: '11123456' }));
  await attempt(f.sc.user.changeVoicemailPin(f.alice, { pin: '51739264' }));
  await ok(f.sc.user.changePassword(f.forUser('bob'), { newPassword: 'Admin-Chosen-55' }));
  await attempt(f.sc.admin.setPassword(f.admin, { userId: 'bob', password: 'Admin-Chosen-55' }));
  const tokens = [carol.token, (await ok(f.sc.login({ userId: 'alice', password: 'Another-Pass-77' }))).token];
  assert.ok(errors.length >= 5);

  const log = JSON.stringify(await f.log());
  for (const s of [...secrets, ...tokens]) {
    assert.not.ok(log.includes(s), `a secret leaked into the event log`);
    assert.not.ok(JSON.stringify(errors).includes(s), `a secret leaked into an error`);
  }
  // Sessions are recorded by their token's fingerprint only.
  const opened = (await f.log()).filter((e) => e.type === 'SessionOpened').map((e) => Object.keys(e.data as object).sort());
  assert.ok(opened.length > 0);
  for (const keys of opened) assert.equal(keys, ['expiresAt', 'landing', 'openedAt', 'sessionId', 'tokenHash', 'userId']);
});

test('whatever the secret, it never reaches the log (property)', async () => {
  const f = await fixture();
  await fc.assert(
    fc.asyncProperty(
      fc.string({ minLength: 10, maxLength: 40 }).filter((s) => s.trim() === s && !/[\u0000-\u001f]/.test(s)),
      fc.stringMatching(/^[0-9]{8,12}$/),
      async (password, pin) => {
        await f.sc.login({ userId: 'bob', password })();
        await f.sc.user.changePassword(f.forUser('bob'), { newPassword: password })();
        await f.sc.user.changePhonePin(f.forUser('bob'), { pin })();
        const log = JSON.stringify(await f.log());
        f.clock.advance(31 * 60_000); // past any lockout the guesses caused
        return !log.includes(JSON.stringify(password).slice(1, -1)) && !log.includes(`"${pin}"`);
      },
    ),
    { numRuns: 25 },
  );
  // The secrets did flow through: some were accepted and recorded (as facts, not values).
  const recorded = (await f.log()).filter((e) => e.type === 'AccountPasswordSet' || e.type === 'PinChanged');
  assert.ok(recorded.length > 2);
});

test.run();
