import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/index.js';
import { decodeEndUserCommand, type EndUserCommand } from './commands.js';
import { endUserDecider } from './decider.js';
import type { EndUserEvent } from './events.js';

const spec = deciderSpec(endUserDecider);

const cmd = (input: Record<string, unknown>): EndUserCommand => {
  const decoded = decodeEndUserCommand(input);
  if (E.isLeft(decoded)) throw new Error(`bad test command: ${JSON.stringify(decoded.left)}`);
  return decoded.right;
};

const personal = { firstName: 'Alice', lastName: 'Martin', email: 'alice@example.com' };
const created: EndUserEvent = {
  type: 'EndUserCreated',
  data: { userId: 'alice', clusterId: 'c1', personal, primaryExtension: '2001', userProfile: 'Standard' },
};
const assigned = (deviceName: string): EndUserEvent => ({ type: 'PhoneAssignedToUser', data: { userId: 'alice', deviceName } });
const phones = (n: number) => Array.from({ length: n }, (_, i) => assigned(`SEP00000000000${i.toString(16).toUpperCase()}`));

test('CreateEndUser records the user with personal data under `personal`', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateEndUser', userId: 'alice', clusterId: 'c1', personal, primaryExtension: '2001', userProfile: 'Standard' }))
    .thenEvents([created]);
});

test('the self-provisioning id defaults to the primary extension and follows it until set explicitly', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ChangePrimaryExtension', userId: 'alice', primaryExtension: '2101' }))
    .thenState((s) => {
      assert.is(s.primaryExtension, '2101');
      assert.is(s.selfProvisioningId, '2101');
    });
  spec
    .given([created, { type: 'SelfProvisioningIdChanged', data: { userId: 'alice', selfProvisioningId: '777' } }])
    .when(cmd({ type: 'ChangePrimaryExtension', userId: 'alice', primaryExtension: '2101' }))
    .thenState((s) => assert.is(s.selfProvisioningId, '777'));
  spec
    .given([created, { type: 'SelfProvisioningIdChanged', data: { userId: 'alice', selfProvisioningId: '777' } }])
    .when(cmd({ type: 'ChangeSelfProvisioningId', userId: 'alice' }))
    .thenState((s) => assert.is(s.selfProvisioningId, '2001'));
});

test('a user without primary extension has no self-provisioning id unless one is set', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateEndUser', userId: 'carol', clusterId: 'c1', personal }))
    .thenState((s) => {
      assert.is(s.primaryExtension, undefined);
      assert.is(s.selfProvisioningId, undefined);
    });
  spec
    .given([])
    .when(cmd({ type: 'CreateEndUser', userId: 'carol', clusterId: 'c1', personal, selfProvisioningId: '4242' }))
    .thenState((s) => assert.is(s.selfProvisioningId, '4242'));
});

test('CreateEndUser is refused when the user exists', () => {
  spec
    .given([created])
    .when(cmd({ type: 'CreateEndUser', userId: 'alice', clusterId: 'c1', personal }))
    .thenError('user_already_exists', { field: 'userId' });
});

test('changes to an unknown user are refused naming userId', () => {
  spec
    .given([])
    .when(cmd({ type: 'ChangePrimaryExtension', userId: 'nobody', primaryExtension: '1' }))
    .thenError('user_not_found', {
      field: 'userId',
    });
});

test('a command for another user than the stream holds is refused', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ChangePrimaryExtension', userId: 'bob', primaryExtension: '1' }))
    .thenError('wrong_stream', { field: 'userId' });
});

test('setting the same value again changes nothing', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ChangePrimaryExtension', userId: 'alice', primaryExtension: '2001' }))
    .thenNothing();
  spec
    .given([created])
    .when(cmd({ type: 'ChangeUserProfile', userId: 'alice', userProfile: 'Standard' }))
    .thenNothing();
  spec
    .given([created])
    .when(cmd({ type: 'ChangePersonalDetails', userId: 'alice', personal }))
    .thenNothing();
});

test('ChangeUserProfile sets profile and feature group template, clearing absent ones', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ChangeUserProfile', userId: 'alice', featureGroupTemplate: 'Sales FGT' }))
    .thenEvents([{ type: 'UserProfileChanged', data: { userId: 'alice', featureGroupTemplate: 'Sales FGT' } }]);
  spec
    .given([created, { type: 'UserProfileChanged', data: { userId: 'alice', featureGroupTemplate: 'Sales FGT' } }])
    .when(cmd({ type: 'ChangeUserProfile', userId: 'alice', userProfile: 'Restricted' }))
    .thenState((s) => {
      assert.is(s.userProfile, 'Restricted');
      assert.is(s.featureGroupTemplate, undefined);
    });
});

test('ChangePersonalDetails keeps personal data under `personal`', () => {
  const next = { firstName: 'Alice', lastName: 'Durand' };
  spec
    .given([created])
    .when(cmd({ type: 'ChangePersonalDetails', userId: 'alice', personal: next }))
    .thenEvents([{ type: 'PersonalDetailsChanged', data: { userId: 'alice', personal: next } }]);
});

test('AssignPhone: 9 phones and limit 10 may add exactly one more; 10 is refused', () => {
  spec
    .given([created, ...phones(9)])
    .when(cmd({ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP0000000000AA', limit: 10 }))
    .thenEvents([assigned('SEP0000000000AA')]);
  spec
    .given([created, ...phones(10)])
    .when(cmd({ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP0000000000AA', limit: 10 }))
    .thenError('provisioning_limit_reached', { field: 'userId', details: { limit: 10, phones: 10 } });
});

test('AssignPhone of an owned phone changes nothing (no double count)', () => {
  spec
    .given([created, ...phones(3)])
    .when(cmd({ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP000000000001', limit: 3 }))
    .thenNothing();
});

test('AssignPhone replacing a phone does not count the replaced phone twice', () => {
  spec
    .given([created, ...phones(10)])
    .when(cmd({ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP0000000000AA', limit: 10, replacing: 'SEP000000000003' }))
    .thenEvents([
      { type: 'PhoneUnassignedFromUser', data: { userId: 'alice', deviceName: 'SEP000000000003', reason: 'replaced' } },
      assigned('SEP0000000000AA'),
    ]);
});

test('AssignPhone with a lowered limit below the current count still refuses a replacement that would exceed it', () => {
  spec
    .given([created, ...phones(5)])
    .when(cmd({ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP0000000000AA', limit: 3, replacing: 'SEP000000000000' }))
    .thenError('provisioning_limit_reached');
});

test('AssignPhone refuses a nonsensical limit', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AssignPhone', userId: 'alice', deviceName: 'SEP0000000000AA', limit: 0 }))
    .thenError('invalid_provisioning_limit');
});

test('UnassignPhone removes the phone from the list; an unowned phone is refused', () => {
  spec
    .given([created, ...phones(2)])
    .when(
      cmd({ type: 'UnassignPhone', userId: 'alice', deviceName: 'SEP000000000001', reason: 'provisioned-by-other-user', newOwner: 'bob' }),
    )
    .thenState((s) => assert.equal(s.phones, ['SEP000000000000']));
  spec
    .given([created])
    .when(cmd({ type: 'UnassignPhone', userId: 'alice', deviceName: 'SEP000000000001', reason: 'removed' }))
    .thenError('phone_not_assigned_to_user', { field: 'deviceName' });
});

test('decodeEndUserCommand names the field at fault', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ type: 'CreateEndUser', userId: 'a', clusterId: 'c1', personal, primaryExtension: '20a1' }, 'primaryExtension'],
    [{ type: 'CreateEndUser', userId: 'a', clusterId: 'c1', personal, primaryExtension: '٢٠٠١' }, 'primaryExtension'],
    [{ type: 'CreateEndUser', userId: 'a', clusterId: 'c1', personal, selfProvisioningId: '12*' }, 'selfProvisioningId'],
    [{ type: 'CreateEndUser', userId: 'a', clusterId: 'c1', personal: { firstName: 'A', lastName: '' } }, 'personal.lastName'],
    [{ type: 'CreateEndUser', userId: 'a', clusterId: 'c1', personal: { ...personal, email: 'nope' } }, 'personal.email'],
    [{ type: 'CreateEndUser', userId: ' a', clusterId: 'c1', personal }, 'userId'],
    [{ type: 'Nope', userId: 'a' }, 'type'],
    [{ type: 'toString', userId: 'a' }, 'type'],
  ];
  for (const [input, field] of cases) {
    const r = decodeEndUserCommand(input);
    assert.ok(E.isLeft(r), JSON.stringify(input));
    if (E.isLeft(r)) assert.is(r.left.field, field, JSON.stringify(r.left));
  }
});

test.run();
