import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatMigrationSummary, parseMigrationArgs } from '../migration/migration.js';
import { failure, fixture, ok } from '../testing/fixture.js';

const setUp = async () => {
  const f = await fixture();
  const a = f.admin;
  await ok(f.sc.admin.setDefaultPasswordRule(a, { domain: 'Default', enabled: true, password: 'Welcome-2026' }));
  await ok(f.sc.admin.createAccount(a, { userId: 'carol', domain: 'Default', roles: ['Ordering'] }));
  await ok(f.sc.admin.createDomain(a, { domain: 'Sales', createSelfCareAccounts: true }));
  await ok(f.sc.admin.createAccount(a, { userId: 'sam', domain: 'Sales' }));
  await ok(f.sc.admin.createDomain(a, { domain: 'Support', defaultPassword: { enabled: true, password: 'Support-Default-1' } }));
  await ok(f.sc.admin.createAccount(a, { userId: 'sue', domain: 'Support' }));
  return f;
};

test('ENABLE ALL: only domains with both rules; users enabled and given the default password; a summary', async () => {
  const f = await setUp();
  const request = parseMigrationArgs(['ALL', 'ENABLE']);
  assert.ok(E.isRight(request));
  if (E.isLeft(request)) return;
  const summary = await ok(f.sc.admin.migrate(f.admin, request.right));
  assert.equal(
    summary.domains.map((d) => ({
      domain: d.domain,
      skipped: d.skipped,
      enabled: d.enabled,
      pw: d.defaultPasswordApplied,
      same: d.unchanged,
    })),
    [
      { domain: 'Default', skipped: null, enabled: ['carol'], pw: ['carol'], same: ['alice', 'bob'] },
      { domain: 'Sales', skipped: 'rules_not_set', enabled: [], pw: [], same: [] },
      { domain: 'Support', skipped: 'rules_not_set', enabled: [], pw: [], same: [] },
    ],
  );
  assert.equal(summary.totals, { domainsProcessed: 1, domainsSkipped: 2, usersChanged: 1, usersUnchanged: 2, usersFailed: 0 });
  assert.match(formatMigrationSummary(summary), 'selfcare-migrate ALL ENABLE: 1 domain(s) processed, 2 skipped; 1 user(s) changed');
  // carol can now log in with the domain's default password and lands in personal settings (she has another role).
  assert.is((await ok(f.sc.login({ userId: 'carol', password: 'Welcome-2026' }))).landing, 'personal-settings');
  // sam was not touched.
  assert.equal((await ok(f.sc.userSettings(f.forUser('sam')))).roles, []);
  const migrated = (await f.log()).filter((e) => e.metadata.channel === 'cli');
  assert.equal(
    migrated.map((e) => e.type),
    ['AccountRolesChanged', 'CredentialSet', 'AccountPasswordSet'],
  );
  // Running it again changes nothing.
  const again = await ok(f.sc.admin.migrate(f.admin, request.right));
  assert.is(again.totals.usersChanged, 0);
});

test('DISABLE one domain closes the sessions of its users; an unknown domain is refused', async () => {
  const f = await setUp();
  const summary = await ok(f.sc.admin.migrate(f.admin, { target: 'Default', action: 'DISABLE' }));
  assert.equal(
    summary.domains.map((d) => [d.domain, d.disabled, d.unchanged]),
    [['Default', ['alice', 'bob'], ['carol']]],
  );
  assert.is((await failure(f.sc.carousel(f.alice))).code, 'self_care_not_enabled');
  const unknown = await failure(f.sc.admin.migrate(f.admin, { target: 'Nowhere', action: 'ENABLE' }));
  assert.equal([unknown.code, unknown.field], ['domain_not_found', 'target']);
});

test('a domain named alone without both rules is reported skipped, untouched', async () => {
  const f = await setUp();
  const before = (await f.log()).length;
  const summary = await ok(f.sc.admin.migrate(f.admin, { target: 'Sales', action: 'ENABLE' }));
  assert.equal(
    summary.domains.map((d) => [d.domain, d.skipped]),
    [['Sales', 'rules_not_set']],
  );
  assert.is((await f.log()).length, before);
});

test.run();
