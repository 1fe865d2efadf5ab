import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryCheckpointStore } from '../../kernel/projection/projection.js';
import { admin, createUser, demoWorld, deviceOf, ok, plugIn, provisionBySpId } from '../../testing/provisioningFixtures.js';
import { createReadModels, freeNumbers, inRange, rangeSize, selfProvisioningProjections } from './index.js';

test('free numbers: in range, lowest first, keeping leading zeros', () => {
  const range = { startDn: '0098', endDn: '0102' };
  assert.equal(
    freeNumbers(range, (dn) => dn === '0099'),
    ['0098', '0100', '0101', '0102'],
  );
  assert.equal(
    freeNumbers(range, () => false, 2),
    ['0098', '0099'],
  );
  assert.is(rangeSize(range), 5);
  assert.ok(inRange(range, '0100'));
  assert.not.ok(inRange(range, '100'));
  assert.not.ok(inRange(range, '0103'));
});

test('users by id, by self-provisioning id and by primary extension follow changes', async () => {
  const w = await demoWorld();
  const rm = w.sp.readModels;
  assert.equal(
    rm.usersBySelfProvisioningId(w.clusterId, '2001').map((u) => u.userId),
    ['alice'],
  );
  assert.equal(
    rm.usersByPrimaryExtension(w.clusterId, '2002').map((u) => u.userId),
    ['bob'],
  );
  await ok(w.sp.endUser({ type: 'ChangeSelfProvisioningId', userId: 'alice', selfProvisioningId: '777' }, admin));
  assert.equal(rm.usersBySelfProvisioningId(w.clusterId, '2001'), []);
  assert.equal(
    rm.usersBySelfProvisioningId(w.clusterId, '777').map((u) => u.userId),
    ['alice'],
  );
  await ok(w.sp.endUser({ type: 'ChangePrimaryExtension', userId: 'bob', primaryExtension: '2102' }, admin));
  assert.equal(rm.usersByPrimaryExtension(w.clusterId, '2002'), []);
  // bob's self-provisioning id followed his extension (he never set one).
  assert.equal(
    rm.usersBySelfProvisioningId(w.clusterId, '2102').map((u) => u.userId),
    ['bob'],
  );
  assert.is(rm.user('carol')?.selfProvisioningId, undefined);
  assert.is(rm.users().length, 4);
});

test('phones by device name and by owner; held and free DNs per cluster', async () => {
  const w = await demoWorld();
  const rm = w.sp.readModels;
  await plugIn(w, 1);
  await plugIn(w, 2);
  await ok(provisionBySpId(w, 1, '2001'));
  assert.equal(
    rm.phonesOf('alice').map((p) => p.deviceName),
    [deviceOf(1)],
  );
  assert.is(rm.phone(deviceOf(2))?.state, 'autoregistered');
  assert.equal(rm.heldDirectoryNumbers(w.clusterId), {
    '1001': { kind: 'phone', deviceName: deviceOf(2) },
    '2001': { kind: 'user-line', userId: 'alice' },
  });
  assert.equal(rm.freeDirectoryNumbers(w.clusterId, 3), ['1000', '1002', '1003']);
  assert.is(rm.freeDirectoryNumbers(w.clusterId).length, 99);
  assert.is(rm.lowestFreeDirectoryNumber(w.clusterId), '1000');
  assert.equal(rm.freeDirectoryNumbers('nowhere'), []);
  assert.is(rm.cluster(w.clusterId)?.autoRegistration.startDn, '1000');
  assert.is(rm.ctiRoutePoint('SelfProvIVR')?.line1Dn, '8000');
  assert.equal(rm.applicationUser('selfprov-ivr')?.controlledDevices, ['SelfProvIVR']);
  assert.is(rm.userProfile('Standard')?.allowProvisioning, true);
  assert.is(rm.deviceTemplate('Standard Desk Phone')?.name, 'Standard Desk Phone');
  assert.is(rm.lineTemplate('Standard Line')?.name, 'Standard Line');
  assert.is(rm.userProfile('Nope'), undefined);
});

test('snapshots: a second process starts from the checkpoints and sees the same models; a rebuild from zero agrees', async () => {
  const w = await demoWorld();
  await plugIn(w, 1);
  await ok(provisionBySpId(w, 1, '2001'));
  await createUser(w, 'erin', { primaryExtension: '2005', userProfile: 'Standard' });
  const checkpoints = createMemoryCheckpointStore();
  const first = createReadModels({ store: w.store, checkpoints });
  await ok(first.start());
  await ok(first.saveCheckpoints());
  assert.is(checkpoints.saved.size, selfProvisioningProjections.length);
  // Snapshots are JSON and decode with their codecs.
  for (const p of selfProvisioningProjections) {
    const saved = checkpoints.saved.get(p.name);
    assert.ok(saved?.state !== undefined, p.name);
    assert.ok(p.snapshot?.decode(saved?.state ?? null)._tag === 'Right', p.name);
  }
  const second = createReadModels({ store: w.store, checkpoints });
  await ok(second.start());
  const fromZero = createReadModels({ store: w.store });
  await ok(fromZero.start());
  for (const rm of [second, fromZero]) {
    assert.equal(rm.models.users(), first.models.users());
    assert.equal(rm.models.phones(), first.models.phones());
    assert.equal(rm.models.directoryNumbers(), first.models.directoryNumbers());
    assert.equal(JSON.parse(JSON.stringify(rm.models.configuration())), JSON.parse(JSON.stringify(first.models.configuration())));
  }
});

test('catchUp: nothing new leaves every model as it is; a write by another writer is then folded into all of them', async () => {
  const w = await demoWorld();
  const reader = createReadModels({ store: w.store });
  await ok(reader.catchUp());
  const before = JSON.stringify(reader.models.phones());
  await ok(reader.catchUp());
  assert.is(JSON.stringify(reader.models.phones()), before, 'a catch-up with nothing new changes nothing');
  // Another facade writes (as another process would); the reader has not seen it yet.
  await plugIn(w, 1);
  await ok(provisionBySpId(w, 1, '2001'));
  await ok(reader.catchUp());
  const fresh = createReadModels({ store: w.store });
  await ok(fresh.catchUp());
  assert.equal(reader.models.phones(), fresh.models.phones());
  assert.equal(reader.models.directoryNumbers(), fresh.models.directoryNumbers());
  assert.equal(reader.models.users(), fresh.models.users());
  assert.ok(reader.phonesOf('alice').length > 0, 'alice now owns the provisioned phone');
});

test('a snapshot that does not decode is ignored: the model is rebuilt from the log', async () => {
  const w = await demoWorld();
  const checkpoints = createMemoryCheckpointStore();
  for (const p of selfProvisioningProjections)
    await ok(checkpoints.save({ projection: p.name, version: p.version, position: 3, state: { nonsense: true } }));
  const rm = createReadModels({ store: w.store, checkpoints });
  await ok(rm.start());
  assert.is(rm.users().length, 4);
  assert.is(rm.cluster(w.clusterId)?.exists, true);
});

test.run();
