import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import type { UserProfileCommand } from './commands.js';
import { userProfileDecider } from './decider.js';
import type { UserProfileEvent } from './events.js';

const spec = deciderSpec(userProfileDecider);
const cmd = (c: Record<string, unknown>): UserProfileCommand => c as unknown as UserProfileCommand;
const name = 'Standard';
const create = (extra: Record<string, unknown> = {}) => cmd({ type: 'CreateUserProfile', name, clusterId: 'c1', ...extra });
const update = (extra: Record<string, unknown> = {}) => cmd({ type: 'UpdateUserProfile', name, ...extra });
const templates = { deskPhoneTemplate: 'Standard Desk Phone', lineTemplate: 'Standard Line' };
const created: UserProfileEvent = {
  type: 'UserProfileCreated',
  data: {
    name,
    clusterId: 'c1',
    deskPhoneTemplate: 'Standard Desk Phone',
    mobileDeviceTemplate: null,
    profileTemplate: null,
    lineTemplate: 'Standard Line',
    allowProvisioning: true,
    provisioningLimit: 10,
    allowProvisioningOfPhoneOwnedByOtherUser: false,
  },
};

test('a profile takes the vendor defaults: provisioning not allowed, limit 10, no takeover of others’ phones', () => {
  spec
    .given([])
    .when(create())
    .thenState((s) => {
      assert.ok(s.exists);
      assert.equal([s.allowProvisioning, s.provisioningLimit, s.allowProvisioningOfPhoneOwnedByOtherUser], [false, 10, false]);
      assert.equal(
        [s.deskPhoneTemplate, s.mobileDeviceTemplate, s.profileTemplate, s.lineTemplate],
        [undefined, undefined, undefined, undefined],
      );
    });
});

test('a profile names its templates and allows self-provisioning', () => {
  spec
    .given([])
    .when(create({ ...templates, allowProvisioning: true }))
    .thenEvents([created]);
});

test('the three UDT slots are distinct', () => {
  spec
    .given([])
    .when(create({ deskPhoneTemplate: 'Desk', mobileDeviceTemplate: 'Mobile', profileTemplate: 'EM Profile', lineTemplate: 'Line' }))
    .thenState((s) =>
      assert.equal(
        [s.deskPhoneTemplate, s.mobileDeviceTemplate, s.profileTemplate, s.lineTemplate],
        ['Desk', 'Mobile', 'EM Profile', 'Line'],
      ),
    );
});

test('a profile name is unique', () => {
  spec.given([created]).when(create()).thenError('user_profile_already_exists', { field: 'name' });
});

test('the limit is 1 to 20: 0 and 21 are refused naming the field', () => {
  spec
    .given([])
    .when(create({ provisioningLimit: 0 }))
    .thenError('invalid_input', { field: 'provisioningLimit' });
  spec
    .given([])
    .when(create({ provisioningLimit: 21 }))
    .thenError('invalid_input', { field: 'provisioningLimit' });
  spec
    .given([])
    .when(create({ provisioningLimit: 2.5 }))
    .thenError('invalid_input', { field: 'provisioningLimit' });
  spec
    .given([])
    .when(create({ provisioningLimit: '10' }))
    .thenError('invalid_input', { field: 'provisioningLimit' });
  spec
    .given([])
    .when(create({ provisioningLimit: 1 }))
    .thenState((s) => assert.is(s.provisioningLimit, 1));
  spec
    .given([])
    .when(create({ provisioningLimit: 20 }))
    .thenState((s) => assert.is(s.provisioningLimit, 20));
});

test('property: every integer limit is accepted iff 1 <= limit <= 20', () => {
  fc.assert(
    fc.property(fc.integer({ min: -50, max: 100 }), (limit) => {
      const r = userProfileDecider.decide(create({ provisioningLimit: limit }), userProfileDecider.initialState());
      assert.is(r._tag === 'Right', limit >= 1 && limit <= 20, String(limit));
    }),
  );
});

test('bad flags and template names name the field', () => {
  spec
    .given([])
    .when(create({ allowProvisioning: 'yes' }))
    .thenError('invalid_input', { field: 'allowProvisioning' });
  spec
    .given([])
    .when(create({ allowProvisioningOfPhoneOwnedByOtherUser: 1 }))
    .thenError('invalid_input', {
      field: 'allowProvisioningOfPhoneOwnedByOtherUser',
    });
  spec
    .given([])
    .when(create({ lineTemplate: '' }))
    .thenError('invalid_input', { field: 'lineTemplate' });
  spec
    .given([])
    .when(create({ deskPhoneTemplate: ' Desk' }))
    .thenError('invalid_input', { field: 'deskPhoneTemplate' });
});

test('the form is saved again as a whole; the same values change nothing', () => {
  spec
    .given([created])
    .when(update({ ...templates, allowProvisioning: true, provisioningLimit: 5, allowProvisioningOfPhoneOwnedByOtherUser: true }))
    .thenEvents([
      {
        type: 'UserProfileUpdated',
        data: {
          name,
          deskPhoneTemplate: 'Standard Desk Phone',
          mobileDeviceTemplate: null,
          profileTemplate: null,
          lineTemplate: 'Standard Line',
          allowProvisioning: true,
          provisioningLimit: 5,
          allowProvisioningOfPhoneOwnedByOtherUser: true,
        },
      },
    ]);
  spec
    .given([created])
    .when(update({ ...templates, allowProvisioning: true }))
    .thenNothing();
});

test('an update that omits a template clears it, and omitted settings return to their defaults', () => {
  spec
    .given([created])
    .when(update({ deskPhoneTemplate: 'Standard Desk Phone' }))
    .thenState((s) => {
      assert.is(s.lineTemplate, undefined);
      assert.is(s.allowProvisioning, false);
      assert.is(s.clusterId, 'c1');
    });
});

test('updates of a missing profile or naming another are refused', () => {
  spec.given([]).when(update()).thenError('user_profile_not_found', { field: 'name' });
  spec
    .given([created])
    .when(update({ name: 'Restricted' }))
    .thenError('wrong_stream');
});

test.run();
