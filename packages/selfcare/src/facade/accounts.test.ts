import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failure, fixture, ok, PASSWORD } from '../testing/fixture.js';

test('an account with an empty password cannot log in until an administrator sets one', async () => {
  const f = await fixture();
  await ok(f.sc.admin.createAccount(f.admin, { userId: 'carol', domain: 'Default', roles: ['SelfCareUser'] }));
  const refused = await failure(f.sc.login({ userId: 'carol', password: 'anything-at-all' }));
  assert.is(refused.code, 'invalid_credentials');
  const last = (await f.log()).at(-1);
  assert.equal([last?.type, last?.data], ['LoginFailed', { userId: 'carol', reason: 'password_not_set', lockedUntil: null }]);
  await ok(f.sc.admin.setPassword(f.admin, { userId: 'carol', password: 'Sunflower-Pass-1' }));
  const session = await ok(f.sc.login({ userId: 'carol', password: 'Sunflower-Pass-1' }));
  assert.is(session.landing, 'self-care');
});

test('with DefaultCUPMPassword set, a new self-care account logs in with the default password', async () => {
  const f = await fixture();
  await ok(
    f.sc.admin.createDomain(f.admin, {
      domain: 'Sales',
      createSelfCareAccounts: true,
      defaultPassword: { enabled: true, password: 'Welcome-2026' },
    }),
  );
  await ok(f.sc.admin.createAccount(f.admin, { userId: 'sam', domain: 'Sales', roles: ['SelfCareUser'] }));
  const set = (await f.log()).filter((e) => e.type === 'AccountPasswordSet' && (e.data as { userId: string }).userId === 'sam');
  assert.equal(
    set.map((e) => e.data),
    [{ userId: 'sam', source: 'domain-default' }],
  );
  assert.ok(await ok(f.sc.login({ userId: 'sam', password: 'Welcome-2026' })));
  // A non-self-care account gets no password.
  await ok(f.sc.admin.createAccount(f.admin, { userId: 'olga', domain: 'Sales', roles: ['Ordering'] }));
  assert.not.ok(await f.hasSecret('olga', 'password'));
});

test('DefaultCUPMPassword cannot be enabled without data; its data goes through the policy', async () => {
  const f = await fixture();
  const missing = await failure(f.sc.admin.setDefaultPasswordRule(f.admin, { domain: 'Default', enabled: true }));
  assert.equal([missing.code, missing.field], ['default_password_missing', 'password']);
  const weak = await failure(f.sc.admin.setDefaultPasswordRule(f.admin, { domain: 'Default', enabled: true, password: 'short' }));
  assert.equal([weak.code, weak.field], ['password_too_short', 'password']);
  const unknown = await failure(f.sc.admin.setDefaultPasswordRule(f.admin, { domain: 'Nowhere', enabled: true, password: 'Welcome-2026' }));
  assert.is(unknown.code, 'domain_not_found');
});

test('the SelfCareUser role is given only where CreateSelfCareAccounts is on', async () => {
  const f = await fixture();
  await ok(f.sc.admin.createDomain(f.admin, { domain: 'Legacy' }));
  const before = (await f.log()).length;
  const refused = await failure(f.sc.admin.createAccount(f.admin, { userId: 'lee', domain: 'Legacy', roles: ['SelfCareUser'] }));
  assert.equal([refused.code, refused.field], ['self_care_rule_off', 'roles']);
  await ok(f.sc.admin.createAccount(f.admin, { userId: 'lee', domain: 'Legacy', roles: ['Maintenance'] }));
  const grant = await failure(f.sc.admin.setSelfCareRole(f.admin, { userId: 'lee', enabled: true }));
  assert.is(grant.code, 'self_care_rule_off');
  assert.is((await f.log()).length, before + 1);
  await ok(f.sc.admin.setCreateSelfCareAccountsRule(f.admin, { domain: 'Legacy', enabled: true }));
  await ok(f.sc.admin.setSelfCareRole(f.admin, { userId: 'lee', enabled: true }));
  const acct = await ok(f.sc.userSettings(f.forUser('lee')));
  assert.equal(acct.roles, ['Maintenance', 'SelfCareUser']);
  assert.is(acct.selfCareOnly, false);
});

test('self-care-only users land in the portal; users with other roles in personal settings', async () => {
  const f = await fixture();
  await ok(f.sc.admin.createAccount(f.admin, { userId: 'mia', domain: 'Default', roles: ['SelfCareUser', 'Ordering'] }));
  await ok(f.sc.admin.setPassword(f.admin, { userId: 'mia', password: 'Blue-Harbour-9' }));
  assert.is((await ok(f.sc.login({ userId: 'mia', password: 'Blue-Harbour-9' }))).landing, 'personal-settings');
  assert.is((await ok(f.sc.login({ userId: 'alice', password: PASSWORD }))).landing, 'self-care');
});

test('unknown user, wrong password, no role: the same answer; nothing is appended for an unknown user', async () => {
  const f = await fixture();
  const before = (await f.log()).length;
  assert.is((await failure(f.sc.login({ userId: 'nobody', password: PASSWORD }))).code, 'invalid_credentials');
  assert.is((await failure(f.sc.login({ userId: '../etc', password: PASSWORD }))).code, 'invalid_credentials');
  assert.is((await f.log()).length, before);
  assert.is((await failure(f.sc.login({ userId: 'alice', password: 'wrong-password' }))).code, 'invalid_credentials');
  await ok(f.sc.admin.setSelfCareRole(f.admin, { userId: 'bob', enabled: false }));
  assert.is((await failure(f.sc.login({ userId: 'bob', password: PASSWORD }))).code, 'invalid_credentials');
  const reasons = (await f.log()).filter((e) => e.type === 'LoginFailed').map((e) => (e.data as { reason: string }).reason);
  assert.equal(reasons, ['wrong_password', 'self_care_not_enabled']);
});

test('lockout after three failures, for the policy duration', async () => {
  const f = await fixture();
  await failure(f.sc.login({ userId: 'alice', password: 'wrong-1' }));
  await failure(f.sc.login({ userId: 'alice', password: 'wrong-2' }));
  const locked = await failure(f.sc.login({ userId: 'alice', password: 'wrong-3' }));
  assert.is(locked.code, 'account_locked');
  assert.equal(locked.details, { until: '2026-03-01T08:30:00.000Z' });
  assert.is((await failure(f.sc.login({ userId: 'alice', password: PASSWORD }))).code, 'account_locked');
  // What the credentials port reports is recorded in the account stream, as facts: the fixture's
  // password and login, the three failures and the lockout, then the refusal of the right password
  // while locked (the core module's events, packages/core/src/credentials/operations/).
  const audit = (await f.log())
    .filter((e) => e.streamId === 'selfcare-account-alice' && e.type.startsWith('Credential'))
    .map((e) => e.type);
  assert.equal(audit, [
    'CredentialSet',
    'CredentialVerified',
    'CredentialVerificationFailed',
    'CredentialVerificationFailed',
    'CredentialVerificationFailed',
    'CredentialLockedOut',
    'CredentialVerificationRefused',
  ]);
  f.clock.advance(30 * 60_000);
  assert.ok(await ok(f.sc.login({ userId: 'alice', password: PASSWORD })));
});

test('failed logins are throttled per caller (deviceKey) across accounts, for the throttle window', async () => {
  const f = await fixture();
  // The core module's default: 10 failures per caller per 15 minutes (packages/core/src/credentials/codecs.ts).
  for (const userId of ['carol', 'dan', 'erin', 'finn', 'gus']) {
    await ok(f.sc.admin.createAccount(f.admin, { userId, domain: 'Default', roles: ['SelfCareUser'] }));
    await ok(f.sc.admin.setPassword(f.admin, { userId, password: PASSWORD }));
    // Two failures each: below every account's lockout threshold.
    for (const n of [1, 2])
      assert.is((await failure(f.sc.login({ userId, password: `wrong-${n}`, deviceKey: 'ip:203.0.113.7' }))).code, 'invalid_credentials');
  }
  const throttled = await failure(f.sc.login({ userId: 'alice', password: PASSWORD, deviceKey: 'ip:203.0.113.7' }));
  assert.equal([throttled.code, throttled.field], ['login_throttled', 'password']);
  const last = (await f.log()).at(-1);
  assert.equal([last?.type, last?.data], ['LoginFailed', { userId: 'alice', reason: 'throttled', lockedUntil: null }]);
  // Another caller is not throttled; the first one is again once the window has passed.
  assert.ok(await ok(f.sc.login({ userId: 'alice', password: PASSWORD, deviceKey: 'ip:198.51.100.1' })));
  f.clock.advance(15 * 60_000);
  assert.ok(await ok(f.sc.login({ userId: 'alice', password: PASSWORD, deviceKey: 'ip:203.0.113.7' })));
});

test('sessions expire: authenticate and every command refuse an expired session, appending nothing', async () => {
  const f = await fixture({ options: { sessionMinutes: 15 } });
  const session = await ok(f.sc.login({ userId: 'alice', password: PASSWORD }));
  assert.is(session.expiresAt, '2026-03-01T08:15:00.000Z');
  const alice = await ok(f.sc.authenticate(session.token));
  f.clock.advance(15 * 60_000 - 1);
  await ok(f.sc.phone.setDoNotDisturb(alice, { deviceName: 'SEP001122334455', enabled: true }));
  f.clock.advance(1);
  assert.is((await failure(f.sc.authenticate(session.token))).code, 'session_expired');
  const before = (await f.log()).length;
  const refused = await failure(f.sc.phone.setDoNotDisturb(alice, { deviceName: 'SEP001122334455', enabled: false }));
  assert.equal([refused.code, refused.field], ['session_expired', 'session']);
  assert.is((await failure(f.sc.carousel(alice))).code, 'session_expired');
  assert.is((await f.log()).length, before);
});

test('logout closes the session; an unknown token is not authenticated', async () => {
  const f = await fixture();
  await ok(f.sc.logout(f.alice));
  assert.is(
    (await failure(f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP001122334455', enabled: true }))).code,
    'not_authenticated',
  );
  assert.is((await failure(f.sc.authenticate('not-a-token'))).code, 'not_authenticated');
});

test('taking self-care away ends the sessions', async () => {
  const f = await fixture();
  await ok(f.sc.admin.setSelfCareRole(f.admin, { userId: 'alice', enabled: false }));
  const closed = (await f.log()).filter((e) => e.type === 'SessionClosed');
  assert.equal(
    closed.map((e) => (e.data as { reason: string }).reason),
    ['self_care_disabled'],
  );
  assert.is((await failure(f.sc.carousel(f.alice))).code, 'self_care_not_enabled');
});

test('an administrator acting for a selected user is recorded as such in the metadata', async () => {
  const f = await fixture();
  const result = await ok(f.sc.phone.setDoNotDisturb(f.forUser('alice'), { deviceName: 'SEP001122334455', enabled: true }));
  assert.equal(result.events[0]?.metadata.actor, { kind: 'administrator', id: 'admin', onBehalfOf: 'alice' });
  assert.is(result.events[0]?.metadata.channel, 'selfcare');
  assert.is((result.events[0]?.data as { userId?: string } | undefined)?.userId, 'alice');
  const own = await ok(f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP001122334455', enabled: false }));
  assert.equal(own.events[0]?.metadata.actor, { kind: 'user', id: 'alice' });
  assert.is(
    (await failure(f.sc.phone.setDoNotDisturb(f.admin, { deviceName: 'SEP001122334455', enabled: true }))).code,
    'subject_required',
  );
});

test('users cannot run administration commands', async () => {
  const f = await fixture();
  for (const task of [
    () => failure(f.sc.admin.createDomain(f.alice, { domain: 'Mine' })),
    () => failure(f.sc.admin.setCreateSelfCareAccountsRule(f.alice, { domain: 'Default', enabled: false })),
    () => failure(f.sc.admin.setDefaultPasswordRule(f.alice, { domain: 'Default', enabled: false })),
    () => failure(f.sc.admin.createAccount(f.alice, { userId: 'eve', domain: 'Default', roles: ['SelfCareUser'] })),
    () => failure(f.sc.admin.setSelfCareRole(f.alice, { userId: 'bob', enabled: false })),
    () => failure(f.sc.admin.setPassword(f.alice, { userId: 'bob', password: 'Hijacked-123' })),
    () => failure(f.sc.admin.setVisibleFeatures(f.alice, { page: 'phone', features: [] })),
    () => failure(f.sc.admin.runBatch(f.alice, 'action,userId,domain,role\n')),
    () => failure(f.sc.admin.migrate(f.alice, { target: 'ALL', action: 'DISABLE' })),
  ]) {
    assert.is(((await task()) as { code: string }).code, 'not_authorized');
  }
});

test('a command id makes a retry a no-op', async () => {
  const f = await fixture();
  const first = await ok(f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP001122334455', enabled: true }, { commandId: 'dnd-1' }));
  await ok(f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP001122334455', enabled: false }));
  const again = await ok(f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP001122334455', enabled: true }, { commandId: 'dnd-1' }));
  assert.ok(again.alreadyHandled);
  assert.is(again.events[0]?.eventId, first.events[0]?.eventId);
});

test.run();
