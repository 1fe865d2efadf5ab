import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import type { ApplicationUserCommand } from './commands.js';
import { applicationUserDecider } from './decider.js';
import type { ApplicationUserEvent } from './events.js';

const spec = deciderSpec(applicationUserDecider);
const cmd = (c: Record<string, unknown>): ApplicationUserCommand => c as unknown as ApplicationUserCommand;
const userId = 'selfprov-ivr';
const created: ApplicationUserEvent = {
  type: 'ApplicationUserCreated',
  data: { userId, clusterId: 'c1', presenceGroup: 'Standard Presence group' },
};
const controls: ApplicationUserEvent = { type: 'ControlledDeviceAssociated', data: { userId, device: 'SelfProvIVR' } };

test('an application user is created with the default BLF presence group', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateApplicationUser', userId, clusterId: 'c1' }))
    .thenEvents([created]);
  spec
    .given([])
    .when(cmd({ type: 'CreateApplicationUser', userId, clusterId: 'c1', presenceGroup: 'IVR group' }))
    .thenState((s) => assert.equal([s.exists, s.presenceGroup, s.controlledDevices], [true, 'IVR group', []]));
});

test('an application user id is unique', () => {
  spec
    .given([created])
    .when(cmd({ type: 'CreateApplicationUser', userId, clusterId: 'c1' }))
    .thenError('application_user_already_exists', {
      field: 'userId',
    });
});

test('malformed user ids and presence groups name the field', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateApplicationUser', userId: 'self prov', clusterId: 'c1' }))
    .thenError('invalid_input', { field: 'userId' });
  spec
    .given([])
    .when(cmd({ type: 'CreateApplicationUser', userId, clusterId: 'c1', presenceGroup: 'x'.repeat(101) }))
    .thenError('invalid_input', { field: 'presenceGroup' });
});

test('the presence group changes; the same group changes nothing', () => {
  spec
    .given([created])
    .when(cmd({ type: 'SetApplicationUserPresenceGroup', userId, presenceGroup: 'IVR group' }))
    .thenEvents([{ type: 'ApplicationUserPresenceGroupSet', data: { userId, presenceGroup: 'IVR group' } }]);
  spec
    .given([created])
    .when(cmd({ type: 'SetApplicationUserPresenceGroup', userId, presenceGroup: 'Standard Presence group' }))
    .thenNothing();
});

test('commands on a missing user or naming another user are refused', () => {
  spec
    .given([])
    .when(cmd({ type: 'AssociateControlledDevice', userId, device: 'SelfProvIVR' }))
    .thenError('application_user_not_found');
  spec
    .given([created])
    .when(cmd({ type: 'AssociateControlledDevice', userId: 'other', device: 'SelfProvIVR' }))
    .thenError('wrong_stream');
});

test('the route point becomes a controlled device; associating it twice changes nothing', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AssociateControlledDevice', userId, device: 'SelfProvIVR' }))
    .thenEvents([controls]);
  spec
    .given([created, controls])
    .when(cmd({ type: 'AssociateControlledDevice', userId, device: 'SelfProvIVR' }))
    .thenNothing();
  spec
    .given([created, controls])
    .when(cmd({ type: 'AssociateControlledDevice', userId, device: 'OtherRP' }))
    .thenState((s) => assert.equal(s.controlledDevices, ['SelfProvIVR', 'OtherRP']));
});

test('a controlled device is dissociated; dissociating an uncontrolled device is refused', () => {
  spec
    .given([created, controls])
    .when(cmd({ type: 'DissociateControlledDevice', userId, device: 'SelfProvIVR' }))
    .thenState((s) => assert.equal(s.controlledDevices, []));
  spec
    .given([created])
    .when(cmd({ type: 'DissociateControlledDevice', userId, device: 'SelfProvIVR' }))
    .thenError('device_not_controlled', {
      field: 'device',
    });
});

test('a malformed device name names the field', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AssociateControlledDevice', userId, device: 'Self Prov' }))
    .thenError('invalid_input', { field: 'device' });
});

test.run();
