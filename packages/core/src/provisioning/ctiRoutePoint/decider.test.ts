import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import type { CtiRoutePointCommand } from './commands.js';
import { ctiRoutePointDecider } from './decider.js';
import type { CtiRoutePointEvent } from './events.js';

const spec = deciderSpec(ctiRoutePointDecider);
const cmd = (c: Record<string, unknown>): CtiRoutePointCommand => c as unknown as CtiRoutePointCommand;
const name = 'SelfProvIVR';
const created: CtiRoutePointEvent = {
  type: 'CtiRoutePointCreated',
  data: { name, clusterId: 'c1', devicePool: 'Default', location: 'Hub_None', trustedRelayPoint: 'default' },
};
const dnAssigned: CtiRoutePointEvent = { type: 'CtiRoutePointLine1DnAssigned', data: { name, clusterId: 'c1', dn: '8000' } };

test('a route point is created with its device pool; location and trusted relay point take the vendor defaults', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateCtiRoutePoint', name, clusterId: 'c1', devicePool: 'Default' }))
    .thenEvents([created]);
});

test('a route point is created with an explicit location and trusted relay point', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateCtiRoutePoint', name, clusterId: 'c1', devicePool: 'HQ', location: 'Paris', trustedRelayPoint: 'on' }))
    .thenState((s) => {
      assert.ok(s.exists);
      assert.equal([s.devicePool, s.location, s.trustedRelayPoint, s.line1Dn], ['HQ', 'Paris', 'on', undefined]);
    });
});

test('a route point name is unique', () => {
  spec
    .given([created])
    .when(cmd({ type: 'CreateCtiRoutePoint', name, clusterId: 'c1', devicePool: 'Default' }))
    .thenError('cti_route_point_already_exists', { field: 'name' });
});

test('bad names, device pools and trusted relay point values name the field', () => {
  const create = (extra: Record<string, unknown>) =>
    cmd({ type: 'CreateCtiRoutePoint', name, clusterId: 'c1', devicePool: 'Default', ...extra });
  spec
    .given([])
    .when(create({ name: 'Self Prov' }))
    .thenError('invalid_input', { field: 'name' });
  spec
    .given([])
    .when(create({ name: 'x'.repeat(51) }))
    .thenError('invalid_input', { field: 'name' });
  spec
    .given([])
    .when(create({ devicePool: '' }))
    .thenError('invalid_input', { field: 'devicePool' });
  spec
    .given([])
    .when(create({ trustedRelayPoint: 'yes' }))
    .thenError('invalid_input', { field: 'trustedRelayPoint' });
  spec
    .given([])
    .when(create({ clusterId: undefined }))
    .thenError('invalid_input', { field: 'clusterId' });
});

test('the route point form is saved again; the same values change nothing', () => {
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureCtiRoutePoint', name, devicePool: 'HQ', trustedRelayPoint: 'off' }))
    .thenEvents([{ type: 'CtiRoutePointConfigured', data: { name, devicePool: 'HQ', location: 'Hub_None', trustedRelayPoint: 'off' } }]);
  spec
    .given([created])
    .when(cmd({ type: 'ConfigureCtiRoutePoint', name, devicePool: 'Default' }))
    .thenNothing();
});

test('commands on a missing route point or naming another one are refused', () => {
  spec
    .given([])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '8000' }))
    .thenError('cti_route_point_not_found', { field: 'name' });
  spec
    .given([created])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name: 'Other', dn: '8000' }))
    .thenError('wrong_stream');
});

test('line 1 gets the IVR extension', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '8000' }))
    .thenEvents([dnAssigned]);
  spec
    .given([created])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '8000' }))
    .thenState((s) => assert.is(s.line1Dn, '8000'));
});

test('assigning the same DN again changes nothing; another DN must wait for a removal', () => {
  spec
    .given([created, dnAssigned])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '8000' }))
    .thenNothing();
  spec
    .given([created, dnAssigned])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '8001' }))
    .thenError('line1_dn_already_assigned', {
      field: 'dn',
    });
});

test('the line 1 DN is digits only', () => {
  spec
    .given([created])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '8OOO' }))
    .thenError('invalid_input', { field: 'dn' });
  spec
    .given([created])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '٨٠٠٠' }))
    .thenError('invalid_input', { field: 'dn' });
  spec
    .given([created])
    .when(cmd({ type: 'AssignCtiRoutePointLine1Dn', name, dn: '*8000' }))
    .thenError('invalid_input', { field: 'dn' });
});

test('the line 1 DN is removed; removing an absent DN is refused', () => {
  spec
    .given([created, dnAssigned])
    .when(cmd({ type: 'RemoveCtiRoutePointLine1Dn', name }))
    .thenEvents([{ type: 'CtiRoutePointLine1DnRemoved', data: { name, clusterId: 'c1', dn: '8000' } }]);
  spec
    .given([created, dnAssigned])
    .when(cmd({ type: 'RemoveCtiRoutePointLine1Dn', name }))
    .thenState((s) => assert.is(s.line1Dn, undefined));
  spec
    .given([created])
    .when(cmd({ type: 'RemoveCtiRoutePointLine1Dn', name }))
    .thenError('line1_dn_not_assigned');
});

test('properties the caller adds never reach an event', () => {
  spec
    .given([])
    .when(cmd({ type: 'CreateCtiRoutePoint', name, clusterId: 'c1', devicePool: 'Default', secret: 'hunter2' }))
    .thenMatches((events) => assert.not.ok(JSON.stringify(events).includes('hunter2')));
});

test('unknown commands are refused', () => {
  spec
    .given([created])
    .when(cmd({ type: 'DeleteEverything', name }))
    .thenError('unknown_command', { field: 'type' });
});

test.run();
