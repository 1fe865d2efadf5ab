import { deciderSpec } from '@selfprov/core/testkit';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DomainName } from '../shared/codecs.js';
import { defaultPasswordApplies, domainRulesDecider, migrationApplies } from './decider.js';
import type { DomainRulesEvent } from './events.js';

const spec = deciderSpec(domainRulesDecider);
const domain = 'Sales' as DomainName;
const created = (createSelfCareAccounts = false): DomainRulesEvent => ({
  type: 'SelfCareDomainCreated',
  data: { domain, createSelfCareAccounts },
});

test('a new domain has CreateSelfCareAccounts off by default, as given otherwise', () => {
  spec
    .given([])
    .when({ type: 'CreateDomain', data: { domain, createSelfCareAccounts: false }, actor: 'administrator' })
    .thenState((s) => {
      assert.is(s.createSelfCareAccounts, false);
      assert.equal(s.defaultPassword, { enabled: false, dataSet: false });
    });
  spec
    .given([])
    .when({ type: 'CreateDomain', data: { domain, createSelfCareAccounts: true }, actor: 'administrator' })
    .thenEvents([created(true)]);
});

test('only an administrator changes domain rules; a domain exists once', () => {
  spec
    .given([])
    .when({ type: 'CreateDomain', data: { domain, createSelfCareAccounts: true }, actor: 'user' })
    .thenError('not_authorized');
  spec
    .given([created()])
    .when({ type: 'CreateDomain', data: { domain, createSelfCareAccounts: true }, actor: 'administrator' })
    .thenError('domain_exists', { field: 'domain' });
  spec
    .given([])
    .when({ type: 'SetCreateSelfCareAccountsRule', data: { domain, enabled: true }, actor: 'administrator' })
    .thenError('domain_not_found');
});

test('CreateSelfCareAccounts toggles; setting it to its value changes nothing', () => {
  spec
    .given([created()])
    .when({ type: 'SetCreateSelfCareAccountsRule', data: { domain, enabled: true }, actor: 'administrator' })
    .thenEvents([{ type: 'CreateSelfCareAccountsRuleChanged', data: { domain, enabled: true } }]);
  spec
    .given([created(true)])
    .when({ type: 'SetCreateSelfCareAccountsRule', data: { domain, enabled: true }, actor: 'administrator' })
    .thenNothing();
});

test('DefaultCUPMPassword cannot be enabled without data; with data it applies', () => {
  spec
    .given([created(true)])
    .when({ type: 'SetDefaultPasswordRule', data: { domain, enabled: true, dataProvided: false }, actor: 'administrator' })
    .thenError('default_password_missing', { field: 'password' });
  spec
    .given([created(true)])
    .when({ type: 'SetDefaultPasswordRule', data: { domain, enabled: true, dataProvided: true }, actor: 'administrator' })
    .thenState((s) => {
      assert.ok(defaultPasswordApplies(s));
      assert.ok(migrationApplies(s));
    });
});

test('disabling keeps the data; re-enabling needs no new data', () => {
  const withData: DomainRulesEvent = {
    type: 'DefaultPasswordRuleChanged',
    data: { domain, enabled: true, dataSet: true, dataChanged: true },
  };
  spec
    .given([created(), withData])
    .when({ type: 'SetDefaultPasswordRule', data: { domain, enabled: false, dataProvided: false }, actor: 'administrator' })
    .thenEvents([{ type: 'DefaultPasswordRuleChanged', data: { domain, enabled: false, dataSet: true, dataChanged: false } }]);
  spec
    .given([created(), { ...withData, data: { ...withData.data, enabled: false } }])
    .when({ type: 'SetDefaultPasswordRule', data: { domain, enabled: true, dataProvided: false }, actor: 'administrator' })
    .thenState((s) => assert.ok(defaultPasswordApplies(s)));
});

test('migration applies only with both rules set', () => {
  const withData: DomainRulesEvent = {
    type: 'DefaultPasswordRuleChanged',
    data: { domain, enabled: true, dataSet: true, dataChanged: true },
  };
  const fold = (events: DomainRulesEvent[]) => events.reduce(domainRulesDecider.evolve, domainRulesDecider.initialState());
  assert.is(migrationApplies(fold([created(true)])), false);
  assert.is(migrationApplies(fold([created(false), withData])), false);
  assert.is(migrationApplies(fold([created(true), withData])), true);
});

test.run();
