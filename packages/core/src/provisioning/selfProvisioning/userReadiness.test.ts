import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demoWorld, ok } from '../../testing/provisioningFixtures.js';
import { deviceTemplateDecider } from '../deviceTemplate/decider.js';
import { type EndUserState, initialEndUserState } from '../endUser/decider.js';
import { featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { lineTemplateDecider } from '../lineTemplate/decider.js';
import { userProfileDecider } from '../userProfile/decider.js';
import { type ConfigurationLookups, resolveUserSetup, userReadiness } from './userReadiness.js';

const c = 'c1';
const profile = (name: string, extra: Record<string, unknown> = {}) => ({
  ...userProfileDecider.initialState(),
  exists: true,
  name,
  clusterId: c,
  allowProvisioning: true,
  deskPhoneTemplate: 'UDT',
  lineTemplate: 'ULT',
  ...extra,
});
const lookups = (
  profiles: ReturnType<typeof profile>[],
  extra: Partial<Record<'noUdt' | 'noUlt', boolean>> = {},
): ConfigurationLookups => ({
  userProfile: (name) => profiles.find((p) => p.name === name) ?? userProfileDecider.initialState(),
  featureGroupTemplate: (name) =>
    name === 'FGT'
      ? { ...featureGroupTemplateDecider.initialState(), exists: true, name, clusterId: c, userProfile: 'Std' }
      : name === 'EmptyFGT'
        ? { ...featureGroupTemplateDecider.initialState(), exists: true, name, clusterId: c }
        : featureGroupTemplateDecider.initialState(),
  deviceTemplate: (name) =>
    extra.noUdt ? deviceTemplateDecider.initialState() : { ...deviceTemplateDecider.initialState(), exists: true, name, clusterId: c },
  lineTemplate: (name) =>
    extra.noUlt ? lineTemplateDecider.initialState() : { ...lineTemplateDecider.initialState(), exists: true, name, clusterId: c },
});
const user = (extra: Partial<EndUserState> = {}): EndUserState => ({
  ...initialEndUserState(),
  exists: true,
  userId: 'u',
  clusterId: c,
  primaryExtension: '2001',
  userProfile: 'Std',
  ...extra,
});
const codes = (u: EndUserState | undefined, l = lookups([profile('Std')])) => userReadiness(u, l).map((i) => i.code);

test('a user with extension, an allowing profile with both templates, under the limit, is ready', () => {
  assert.equal(codes(user()), []);
});

test('each unmet prerequisite is named, with the setting and its fix', () => {
  assert.equal(codes(undefined), ['user_not_found']);
  assert.equal(codes(user({ primaryExtension: undefined })), ['user_has_no_primary_extension']);
  assert.equal(codes(user({ userProfile: undefined })), ['user_has_no_user_profile']);
  assert.equal(codes(user({ userProfile: 'Ghost' })), ['user_profile_not_found']);
  assert.equal(codes(user(), lookups([profile('Std', { allowProvisioning: false })])), ['self_provisioning_not_allowed']);
  assert.equal(codes(user(), lookups([profile('Std', { deskPhoneTemplate: undefined, lineTemplate: undefined })])), [
    'user_profile_has_no_device_template',
    'user_profile_has_no_line_template',
  ]);
  assert.equal(codes(user(), lookups([profile('Std')], { noUdt: true, noUlt: true })), [
    'device_template_not_found',
    'line_template_not_found',
  ]);
  assert.equal(codes(user({ phones: ['A', 'B'] }), lookups([profile('Std', { provisioningLimit: 2 })])), ['provisioning_limit_reached']);
  const [item] = userReadiness(user(), lookups([profile('Std', { allowProvisioning: false })]));
  assert.equal({ step: item?.step, setting: item?.setting }, { step: 'user', setting: 'userProfile.allowProvisioning' });
  assert.match(item?.fix ?? '', 'Allow End User to Provision their own phones');
});

test('several problems are all reported, most fundamental first', () => {
  assert.equal(
    codes(
      user({ primaryExtension: undefined, phones: ['A'] }),
      lookups([profile('Std', { allowProvisioning: false, provisioningLimit: 1 })]),
    ),
    ['user_has_no_primary_extension', 'self_provisioning_not_allowed', 'provisioning_limit_reached'],
  );
});

test('the profile comes from the feature group template when the user has none; their own wins otherwise', () => {
  const l = lookups([profile('Std'), profile('Own', { allowProvisioning: false })]);
  assert.equal(codes(user({ userProfile: undefined, featureGroupTemplate: 'FGT' }), l), []);
  assert.is(resolveUserSetup(user({ userProfile: undefined, featureGroupTemplate: 'FGT' }), l).profileSource, 'feature-group-template');
  assert.equal(codes(user({ userProfile: 'Own', featureGroupTemplate: 'FGT' }), l), ['self_provisioning_not_allowed']);
  assert.equal(codes(user({ userProfile: undefined, featureGroupTemplate: 'EmptyFGT' }), l), ['user_has_no_user_profile']);
  assert.equal(codes(user({ userProfile: undefined, featureGroupTemplate: 'Nope' }), l), ['feature_group_template_not_found']);
});

test('a profile or template of another cluster does not count', () => {
  assert.equal(codes(user(), lookups([profile('Std', { clusterId: 'c2' })])), ['user_profile_not_found']);
});

test('the demo users: alice ready, carol without extension, dave restricted', async () => {
  const w = await demoWorld();
  assert.equal(await ok(w.sp.userReadiness('alice')), []);
  assert.equal(
    (await ok(w.sp.userReadiness('carol'))).map((i) => i.code),
    ['user_has_no_primary_extension'],
  );
  assert.equal(
    (await ok(w.sp.userReadiness('dave'))).map((i) => i.code),
    ['self_provisioning_not_allowed'],
  );
  assert.equal(
    (await ok(w.sp.userReadiness('zoe'))).map((i) => i.code),
    ['user_not_found'],
  );
});

test.run();
