import { deciderSpec } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type DomainRulesState, initialDomainRules } from '../domainRules/decider.js';
import { administrator } from '../shared/principal.js';
import { initialVisibility } from '../visibility/decider.js';
import { authorize } from './access.js';
import type { RecordLogin } from './commands.js';
import { accountDecider, landingOf, loginPrecheck } from './decider.js';
import type { AccountEvent } from './events.js';

const spec = deciderSpec(accountDecider);
const ruleOn: DomainRulesState = { ...initialDomainRules(), exists: true, domain: 'Default', createSelfCareAccounts: true };
const ruleOff: DomainRulesState = { ...ruleOn, createSelfCareAccounts: false };
const personal = { firstName: 'Alice', lastName: 'Anders', email: null };
const created = (roles = ['SelfCareUser']): AccountEvent => ({
  type: 'SelfCareAccountCreated',
  data: { userId: 'alice', domain: 'Default', roles, personal },
});
const passwordSet: AccountEvent = { type: 'AccountPasswordSet', data: { userId: 'alice', source: 'administrator' } };
const session = {
  sessionId: 's1',
  tokenHash: 'ab'.repeat(32),
  openedAt: '2026-03-01T08:00:00.000Z',
  expiresAt: '2026-03-01T08:30:00.000Z',
};
const opened: AccountEvent = { type: 'SessionOpened', data: { userId: 'alice', ...session, landing: 'self-care' } };
const login = (outcome: RecordLogin['data']['outcome']): RecordLogin => ({
  type: 'RecordLogin',
  data: { userId: 'alice', outcome, session },
});

test('an account with SelfCareUser needs the domain rule; without the role it does not', () => {
  const create = (domainRules: DomainRulesState, roles: string[]) =>
    ({
      type: 'CreateAccount',
      data: { userId: 'alice', domain: 'Default', roles, personal },
      actor: 'administrator',
      domainRules,
    }) as const;
  spec
    .given([])
    .when(create(ruleOff, ['SelfCareUser']))
    .thenError('self_care_rule_off', { field: 'roles' });
  spec
    .given([])
    .when(create(ruleOff, ['Ordering']))
    .thenEvents([created(['Ordering'])]);
  spec
    .given([])
    .when(create(ruleOn, ['SelfCareUser']))
    .thenEvents([created()]);
  spec
    .given([created()])
    .when(create(ruleOn, ['SelfCareUser']))
    .thenError('account_exists');
  spec.given([]).when(create(initialDomainRules(), [])).thenError('domain_not_found', { field: 'domain' });
  spec
    .given([])
    .when({ ...create(ruleOn, []), actor: 'user' })
    .thenError('not_authorized');
});

test('a new account has an empty password: login is refused without even checking one', () => {
  spec
    .given([created()])
    .when(login({ result: 'not_attempted' }))
    .thenEvents([{ type: 'LoginFailed', data: { userId: 'alice', reason: 'password_not_set', lockedUntil: null } }]);
  spec
    .given([created()])
    .when(login({ result: 'verified' }))
    .thenMatches((events) => assert.is(events[0]?.type, 'LoginFailed'));
});

test('login outcomes: a session on success, the reason recorded otherwise', () => {
  spec
    .given([created(), passwordSet])
    .when(login({ result: 'verified' }))
    .thenEvents([opened]);
  spec
    .given([created(), passwordSet])
    .when(login({ result: 'wrong_secret' }))
    .thenEvents([{ type: 'LoginFailed', data: { userId: 'alice', reason: 'wrong_password', lockedUntil: null } }]);
  spec
    .given([created(), passwordSet])
    .when(login({ result: 'locked_out', until: '2026-03-01T08:30:00.000Z' }))
    .thenEvents([{ type: 'LoginFailed', data: { userId: 'alice', reason: 'locked_out', lockedUntil: '2026-03-01T08:30:00.000Z' } }]);
  spec
    .given([created(['Ordering']), passwordSet])
    .when(login({ result: 'verified' }))
    .thenEvents([{ type: 'LoginFailed', data: { userId: 'alice', reason: 'self_care_not_enabled', lockedUntil: null } }]);
  spec
    .given([])
    .when(login({ result: 'verified' }))
    .thenError('account_not_found');
});

test('self-care-only users land in the portal; users with other roles in personal settings', () => {
  assert.is(landingOf(['SelfCareUser']), 'self-care');
  assert.is(landingOf(['SelfCareUser', 'Maintenance']), 'personal-settings');
  spec
    .given([created(['SelfCareUser', 'Ordering']), passwordSet])
    .when(login({ result: 'verified' }))
    .thenMatches((events) => assert.is((events[0]?.data as { landing?: string } | undefined)?.landing, 'personal-settings'));
});

test('taking the role away closes the sessions; giving it needs the rule', () => {
  spec
    .given([created(), passwordSet, opened])
    .when({ type: 'SetSelfCareRole', data: { userId: 'alice', enabled: false }, actor: 'administrator', domainRules: ruleOff })
    .thenEvents([
      { type: 'AccountRolesChanged', data: { userId: 'alice', roles: [] } },
      { type: 'SessionClosed', data: { userId: 'alice', sessionId: 's1', reason: 'self_care_disabled' } },
    ]);
  spec
    .given([created([])])
    .when({ type: 'SetSelfCareRole', data: { userId: 'alice', enabled: true }, actor: 'administrator', domainRules: ruleOff })
    .thenError('self_care_rule_off');
  spec
    .given([created([])])
    .when({
      type: 'SetSelfCareRole',
      data: { userId: 'alice', enabled: true, expectedDomain: 'Sales' },
      actor: 'administrator',
      domainRules: ruleOn,
    })
    .thenError('domain_mismatch', { field: 'domain' });
  spec
    .given([created()])
    .when({ type: 'SetSelfCareRole', data: { userId: 'alice', enabled: true }, actor: 'administrator', domainRules: ruleOn })
    .thenNothing();
});

test("a password change by the user closes the user's other sessions", () => {
  const other: AccountEvent = {
    type: 'SessionOpened',
    data: { userId: 'alice', ...session, sessionId: 's2', tokenHash: 'cd'.repeat(32), landing: 'self-care' },
  };
  spec
    .given([created(), passwordSet, opened, other])
    .when({ type: 'RecordPasswordSet', data: { userId: 'alice', source: 'user', keepSessionId: 's1' }, actor: 'user' })
    .thenEvents([
      { type: 'AccountPasswordSet', data: { userId: 'alice', source: 'user' } },
      { type: 'SessionClosed', data: { userId: 'alice', sessionId: 's2', reason: 'password_changed' } },
    ]);
  spec
    .given([created()])
    .when({ type: 'RecordPasswordSet', data: { userId: 'alice', source: 'administrator' }, actor: 'user' })
    .thenError('not_authorized');
});

test('primary phone only among own phones', () => {
  spec
    .given([created()])
    .when({ type: 'ChangePrimaryPhone', data: { userId: 'alice', deviceName: 'SEPBOB' }, ownPhones: ['SEPALICE'] })
    .thenError('not_owner', { field: 'primaryPhone' });
  spec
    .given([created()])
    .when({ type: 'ChangePrimaryPhone', data: { userId: 'alice', deviceName: 'SEPALICE' }, ownPhones: ['SEPALICE'] })
    .thenEvents([{ type: 'PrimaryPhoneChanged', data: { userId: 'alice', deviceName: 'SEPALICE' } }]);
});

test('name and email go under personal; unchanged values add nothing', () => {
  spec
    .given([created()])
    .when({ type: 'ChangeName', data: { userId: 'alice', firstName: 'Alicia', lastName: 'Anders' } })
    .thenEvents([{ type: 'NameChanged', data: { userId: 'alice', personal: { firstName: 'Alicia', lastName: 'Anders' } } }]);
  spec
    .given([created()])
    .when({ type: 'ChangeName', data: { userId: 'alice', firstName: 'Alice', lastName: 'Anders' } })
    .thenNothing();
  spec
    .given([created()])
    .when({ type: 'ChangeEmail', data: { userId: 'alice', email: 'alice@example.com' } })
    .thenEvents([{ type: 'EmailChanged', data: { userId: 'alice', personal: { email: 'alice@example.com' } } }]);
});

test('PIN changes record which PIN and who, never the PIN', () => {
  spec
    .given([created()])
    .when({ type: 'RecordPinChanged', data: { userId: 'alice', pin: 'voicemail' }, actor: 'administrator' })
    .thenEvents([{ type: 'PinChanged', data: { userId: 'alice', pin: 'voicemail', by: 'administrator' } }]);
});

test('logout closes the session once', () => {
  spec
    .given([created(), opened])
    .when({ type: 'Logout', data: { userId: 'alice', sessionId: 's1' } })
    .thenEvents([{ type: 'SessionClosed', data: { userId: 'alice', sessionId: 's1', reason: 'logout' } }]);
  spec
    .given([created()])
    .when({ type: 'Logout', data: { userId: 'alice', sessionId: 's1' } })
    .thenNothing();
});

const fold = (events: AccountEvent[]) => events.reduce(accountDecider.evolve, accountDecider.initialState());

test('authorize: sessions must be open and unexpired, the role present, the feature visible', () => {
  const account = fold([created(), passwordSet, opened]);
  const visibility = initialVisibility();
  const user = { kind: 'user' as const, userId: 'alice', sessionId: 's1' };
  const at = (iso: string) => new Date(iso);
  const base = { principal: user, account, visibility, page: 'phone' as const, feature: 'SpeedDials' as const };
  assert.equal(authorize({ ...base, now: at('2026-03-01T08:29:59.999Z') }), E.right('alice'));
  const expired = authorize({ ...base, now: at('2026-03-01T08:30:00.000Z') });
  assert.is(E.isLeft(expired) && expired.left.code, 'session_expired');
  const unknown = authorize({ ...base, principal: { ...user, sessionId: 'nope' }, now: at('2026-03-01T08:00:00.000Z') });
  assert.is(E.isLeft(unknown) && unknown.left.code, 'not_authenticated');
  const noRole = authorize({ ...base, account: fold([created([]), passwordSet, opened]), now: at('2026-03-01T08:00:00.000Z') });
  assert.is(E.isLeft(noRole) && noRole.left.code, 'self_care_not_enabled');
  const hidden = authorize({ ...base, visibility: { ...visibility, phone: ['General'] }, now: at('2026-03-01T08:00:00.000Z') });
  assert.equal(E.isLeft(hidden) && [hidden.left.code, hidden.left.details], ['feature_hidden', { page: 'phone', feature: 'SpeedDials' }]);
});

test('authorize: an administrator must name the user acted for', () => {
  const base = {
    account: accountDecider.initialState(),
    visibility: initialVisibility(),
    now: new Date(),
    page: 'user' as const,
    feature: 'Pin' as const,
  };
  const none = authorize({ ...base, principal: administrator('root') });
  assert.is(E.isLeft(none) && none.left.code, 'subject_required');
  assert.equal(authorize({ ...base, principal: administrator('root', 'alice') }), E.right('alice'));
});

test('loginPrecheck names why a login cannot be attempted', () => {
  assert.is(loginPrecheck(accountDecider.initialState()), 'account_not_found');
  assert.is(loginPrecheck(fold([created([])])), 'self_care_not_enabled');
  assert.is(loginPrecheck(fold([created()])), 'password_not_set');
  assert.is(loginPrecheck(fold([created(), passwordSet])), undefined);
});

test('expired sessions are dropped when a later session opens', () => {
  const later: AccountEvent = {
    type: 'SessionOpened',
    data: {
      userId: 'alice',
      sessionId: 's2',
      tokenHash: 'cd'.repeat(32),
      openedAt: '2026-03-01T09:00:00.000Z',
      expiresAt: '2026-03-01T09:30:00.000Z',
      landing: 'self-care',
    },
  };
  assert.equal(
    fold([created(), passwordSet, opened, later]).sessions.map((s) => s.sessionId),
    ['s2'],
  );
});

test.run();
