import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { handleMultiStreamCommand } from '../../kernel/command/handler.js';
import { createMemoryEventStore } from '../../kernel/eventstore/memory.js';
import { systemRuntime } from '../../kernel/runtime/ports.js';
import { streams } from '../shared/streams.js';
import { type ConfigurationAggregate, commandReferences, configurationCommand } from './references.js';

const udt = {
  type: 'CreateDeviceTemplate',
  name: 'Standard Desk Phone',
  deviceDescription: '#FirstName# #LastName#',
  devicePool: 'Default',
  deviceSecurityProfile: 'Model-independent Security Profile',
  sipProfile: 'Standard SIP Profile',
  phoneButtonTemplate: 'Universal Device Template Button Layout',
};

const setup = () => {
  const store = createMemoryEventStore();
  const deps = { store, runtime: systemRuntime() };
  let n = 0;
  const run = async (aggregate: ConfigurationAggregate, input: Record<string, unknown>) => {
    const prepared = configurationCommand(aggregate, input);
    if (E.isLeft(prepared)) return prepared;
    n += 1;
    return handleMultiStreamCommand(deps, prepared.right.command, {
      commandId: `cmd-${n}`,
      actor: { kind: 'administrator', id: 'admin' },
      channel: 'admin-api',
    })();
  };
  const ok = async (aggregate: ConfigurationAggregate, input: Record<string, unknown>) => {
    const r = await run(aggregate, input);
    assert.ok(E.isRight(r), `${String(input.type)}: ${JSON.stringify(r)}`);
  };
  const count = async () => {
    const all = await store.readAll()();
    return E.isRight(all) ? all.right.length : -1;
  };
  return { store, run, ok, count };
};

const refused = (r: E.Either<{ code: string; field?: string }, unknown>, code: string, field: string) => {
  assert.ok(E.isLeft(r), `expected ${code}`);
  if (E.isLeft(r)) assert.equal([r.left.code, r.left.field], [code, field]);
};

test('a profile naming an unknown template is refused, naming the field, and nothing is written', async () => {
  const { run, ok, count } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  await ok('deviceTemplate', { ...udt, clusterId: 'c1' });
  const before = await count();
  refused(
    await run('userProfile', {
      type: 'CreateUserProfile',
      name: 'Standard',
      clusterId: 'c1',
      deskPhoneTemplate: 'Standard Desk Phone',
      lineTemplate: 'Nope',
    }),
    'line_template_not_found',
    'lineTemplate',
  );
  refused(
    await run('userProfile', { type: 'CreateUserProfile', name: 'Standard', clusterId: 'c1', mobileDeviceTemplate: 'Nope' }),
    'device_template_not_found',
    'mobileDeviceTemplate',
  );
  assert.is(await count(), before);
});

test('a profile naming existing templates of its cluster is created', async () => {
  const { store, ok } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  await ok('deviceTemplate', { ...udt, clusterId: 'c1' });
  await ok('lineTemplate', { type: 'CreateLineTemplate', name: 'Standard Line', clusterId: 'c1' });
  await ok('userProfile', {
    type: 'CreateUserProfile',
    name: 'Standard',
    clusterId: 'c1',
    deskPhoneTemplate: 'Standard Desk Phone',
    lineTemplate: 'Standard Line',
    allowProvisioning: true,
  });
  const profile = await store.readStream(streams.userProfile('Standard'))();
  assert.is(E.isRight(profile) && profile.right.events[0]?.type, 'UserProfileCreated');
});

test('a reference to an object of another cluster is refused', async () => {
  const { run, ok } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c2', name: 'Branch', publisher: 'pub2' });
  await ok('lineTemplate', { type: 'CreateLineTemplate', name: 'Branch Line', clusterId: 'c2' });
  refused(
    await run('cluster', {
      type: 'ConfigureAutoRegistration',
      clusterId: 'c1',
      startDn: '1000',
      endDn: '1099',
      lineTemplate: 'Branch Line',
    }),
    'reference_in_other_cluster',
    'lineTemplate',
  );
});

test('new objects must join an existing cluster', async () => {
  const { run } = setup();
  refused(
    await run('ctiRoutePoint', { type: 'CreateCtiRoutePoint', name: 'SelfProvIVR', clusterId: 'ghost', devicePool: 'Default' }),
    'cluster_not_found',
    'clusterId',
  );
  refused(await run('lineTemplate', { type: 'CreateLineTemplate', name: 'L', clusterId: 'ghost' }), 'cluster_not_found', 'clusterId');
});

test('the self-provisioning settings must name an existing route point and application user', async () => {
  const { run, ok } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  const settings = { type: 'ConfigureSelfProvisioning', clusterId: 'c1', ctiRoutePoint: 'SelfProvIVR', applicationUser: 'selfprov-ivr' };
  refused(await run('cluster', settings), 'cti_route_point_not_found', 'ctiRoutePoint');
  await ok('ctiRoutePoint', { type: 'CreateCtiRoutePoint', name: 'SelfProvIVR', clusterId: 'c1', devicePool: 'Default' });
  refused(await run('cluster', settings), 'application_user_not_found', 'applicationUser');
  await ok('applicationUser', { type: 'CreateApplicationUser', userId: 'selfprov-ivr', clusterId: 'c1' });
  await ok('applicationUser', { type: 'AssociateControlledDevice', userId: 'selfprov-ivr', device: 'SelfProvIVR' });
  await ok('cluster', settings);
});

test('an application user can only control an existing route point, but can always let go of one', async () => {
  const { run, ok } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  await ok('applicationUser', { type: 'CreateApplicationUser', userId: 'selfprov-ivr', clusterId: 'c1' });
  refused(
    await run('applicationUser', { type: 'AssociateControlledDevice', userId: 'selfprov-ivr', device: 'Ghost' }),
    'cti_route_point_not_found',
    'device',
  );
  assert.equal(commandReferences({ type: 'DissociateControlledDevice', userId: 'selfprov-ivr', device: 'Ghost' }), []);
});

test('a feature group template must name an existing user profile', async () => {
  const { run, ok } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  refused(
    await run('featureGroupTemplate', { type: 'CreateFeatureGroupTemplate', name: 'FGT', clusterId: 'c1', userProfile: 'Standard' }),
    'user_profile_not_found',
    'userProfile',
  );
  await ok('userProfile', { type: 'CreateUserProfile', name: 'Standard', clusterId: 'c1' });
  await ok('featureGroupTemplate', { type: 'CreateFeatureGroupTemplate', name: 'FGT', clusterId: 'c1', userProfile: 'Standard' });
});

test('the aggregate’s own refusal comes first, and bad input never reaches the store', async () => {
  const { run, count } = setup();
  refused(
    await run('userProfile', { type: 'UpdateUserProfile', name: 'Standard', lineTemplate: 'Nope' }),
    'user_profile_not_found',
    'name',
  );
  refused(
    await run('userProfile', { type: 'CreateUserProfile', name: 'Standard', clusterId: 'c1', provisioningLimit: 21 }),
    'invalid_input',
    'provisioningLimit',
  );
  assert.is(await count(), 0);
});

test('the referenced streams are loaded and appended as guards (no events, expected = loaded version)', async () => {
  const { store, ok } = setup();
  await ok('cluster', { type: 'CreateCluster', clusterId: 'c1', name: 'Main', publisher: 'pub' });
  await ok('lineTemplate', { type: 'CreateLineTemplate', name: 'Standard Line', clusterId: 'c1' });
  const prepared = configurationCommand('cluster', {
    type: 'ConfigureAutoRegistration',
    clusterId: 'c1',
    startDn: '1000',
    endDn: '1099',
    lineTemplate: 'Standard Line',
  });
  assert.ok(E.isRight(prepared));
  if (E.isLeft(prepared)) return;
  const { command } = prepared.right;
  const ids = command.streams as readonly string[];
  assert.equal(ids, [streams.cluster('c1'), streams.lineTemplate('Standard Line')]);
  const loaded = new Map<string, { version: number; events: never[] }>();
  for (const id of ids) {
    const r = await store.readStream(id)();
    if (E.isRight(r)) loaded.set(id, { version: r.right.currentVersion, events: r.right.events as never[] });
  }
  const decision = command.decide(loaded);
  assert.ok(E.isRight(decision));
  if (E.isRight(decision))
    assert.equal(
      decision.right.map((d) => [d.streamId, d.events.length]),
      [
        [streams.cluster('c1'), 1],
        [streams.lineTemplate('Standard Line'), 0],
      ],
    );
});

test.run();
