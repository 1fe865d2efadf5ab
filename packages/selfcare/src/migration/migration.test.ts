import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accountDecider } from '../account/decider.js';
import type { AccountEvent } from '../account/events.js';
import { domainRulesDecider } from '../domainRules/decider.js';
import type { DomainRulesEvent } from '../domainRules/events.js';
import { emptyView } from '../readModel/projection.js';
import { formatMigrationSummary, parseMigrationArgs, planMigration, summarise } from './migration.js';

const view = () => {
  const v = emptyView();
  const domain = (name: string, events: DomainRulesEvent[]) =>
    v.domains.set(name, events.reduce(domainRulesDecider.evolve, domainRulesDecider.initialState()));
  const both = (name: string): DomainRulesEvent[] => [
    { type: 'SelfCareDomainCreated', data: { domain: name, createSelfCareAccounts: true } },
    { type: 'DefaultPasswordRuleChanged', data: { domain: name, enabled: true, dataSet: true, dataChanged: true } },
  ];
  domain('Default', both('Default'));
  domain('Sales', [{ type: 'SelfCareDomainCreated', data: { domain: 'Sales', createSelfCareAccounts: true } }]);
  domain('Support', both('Support'));
  const account = (userId: string, d: string, roles: string[], password: boolean) => {
    const events: AccountEvent[] = [
      { type: 'SelfCareAccountCreated', data: { userId, domain: d, roles, personal: { firstName: null, lastName: null, email: null } } },
      ...(password ? [{ type: 'AccountPasswordSet' as const, data: { userId, source: 'administrator' as const } }] : []),
    ];
    v.accounts.set(userId, events.reduce(accountDecider.evolve, accountDecider.initialState()));
  };
  account('alice', 'Default', ['SelfCareUser'], true);
  account('carol', 'Default', [], false);
  account('dave', 'Default', ['SelfCareUser'], false);
  account('sam', 'Sales', [], false);
  account('sue', 'Support', [], true);
  return v;
};

test('CLI arguments: ALL|<domain> ENABLE|DISABLE', () => {
  assert.equal(parseMigrationArgs(['ALL', 'ENABLE']), E.right({ target: 'ALL', action: 'ENABLE' }));
  assert.equal(parseMigrationArgs(['Default', 'disable']), E.right({ target: 'Default', action: 'DISABLE' }));
  for (const [args, field] of [
    [[], 'target'],
    [['ALL'], 'action'],
    [['ALL', 'MAYBE'], 'action'],
    [['ALL', 'ENABLE', 'x'], 'arguments'],
    [['bad/name', 'ENABLE'], 'target'],
  ] as const) {
    const r = parseMigrationArgs(args);
    assert.is(E.isLeft(r) && r.left.field, field, JSON.stringify(args));
  }
});

test('ENABLE ALL touches only the domains with both rules set', () => {
  const plan = planMigration(view(), { target: 'ALL', action: 'ENABLE' });
  assert.equal(
    plan,
    E.right([
      {
        domain: 'Default',
        skipped: null,
        steps: [
          { userId: 'alice', grant: false, revoke: false, defaultPassword: false },
          { userId: 'carol', grant: true, revoke: false, defaultPassword: true },
          { userId: 'dave', grant: false, revoke: false, defaultPassword: true },
        ],
      },
      { domain: 'Sales', skipped: 'rules_not_set', steps: [] },
      { domain: 'Support', skipped: null, steps: [{ userId: 'sue', grant: true, revoke: false, defaultPassword: false }] },
    ]),
  );
});

test('DISABLE one domain; an unknown domain is refused', () => {
  const plan = planMigration(view(), { target: 'Default', action: 'DISABLE' });
  assert.ok(E.isRight(plan));
  assert.equal(E.isRight(plan) && plan.right.map((d) => d.steps.filter((s) => s.revoke).map((s) => s.userId)), [['alice', 'dave']]);
  const unknown = planMigration(view(), { target: 'Nowhere', action: 'ENABLE' });
  assert.ok(E.isLeft(unknown) && unknown.left.code === 'domain_not_found' && unknown.left.field === 'target');
});

test('summary totals and text', () => {
  const s = summarise('ALL', 'ENABLE', [
    {
      domain: 'Default',
      skipped: null,
      enabled: ['carol'],
      disabled: [],
      defaultPasswordApplied: ['carol', 'dave'],
      unchanged: ['alice'],
      failed: [],
    },
    { domain: 'Sales', skipped: 'rules_not_set', enabled: [], disabled: [], defaultPasswordApplied: [], unchanged: [], failed: [] },
  ]);
  assert.equal(s.totals, { domainsProcessed: 1, domainsSkipped: 1, usersChanged: 2, usersUnchanged: 1, usersFailed: 0 });
  const text = formatMigrationSummary(s);
  assert.match(text, 'Default: 1 enabled, 2 given the default password, 1 unchanged, 0 failed');
  assert.match(text, 'Sales: skipped');
});

test.run();
