import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { provisioningStreamCatalogue, streamKind } from '../provisioning/shared/streams.js';
import { describeStream, mergeStreamCatalogues, type StreamCatalogue } from './streamCatalogue.js';

const selfCareLike: StreamCatalogue = [
  { prefix: 'phone-settings-', kind: 'phoneSettings', subject: 'device' },
  { prefix: 'selfcare-visibility', kind: 'visibility', subject: 'configuration', exact: true },
];

test('a merged catalogue reads each stream id back by its longest prefix', () => {
  const merged = mergeStreamCatalogues(provisioningStreamCatalogue, selfCareLike);
  if (E.isLeft(merged)) return assert.unreachable(merged.left.message);
  assert.equal(describeStream(merged.right, 'phone-settings-SEP001122334455'), {
    kind: 'phoneSettings',
    subject: 'device',
    subjectId: 'SEP001122334455',
  });
  assert.equal(describeStream(merged.right, 'phone-SEP001122334455'), { kind: 'phone', subject: 'device', subjectId: 'SEP001122334455' });
  assert.equal(describeStream(merged.right, 'user-profile-Standard'), {
    kind: 'userProfile',
    subject: 'configuration',
    subjectId: 'Standard',
  });
  assert.equal(describeStream(merged.right, 'dn-cluster-1-2001'), {
    kind: 'directoryNumber',
    subject: 'directory-number',
    subjectId: '2001',
  });
  assert.equal(describeStream(merged.right, 'selfcare-visibility'), { kind: 'visibility', subject: 'configuration', subjectId: '' });
  assert.is(describeStream(merged.right, 'selfcare-visibility-2'), undefined, 'an exact entry matches only its own id');
  assert.is(describeStream(merged.right, 'nobody-knows-this'), undefined);
  // Another package's stream is not taken for one of the provisioning domain's.
  assert.is(streamKind('phone-settings-SEP001122334455', merged.right), undefined);
  assert.is(streamKind('phone-SEP001122334455', merged.right), 'phone');
});

test('two packages declaring the same prefix or kind are refused, naming both', () => {
  const clash = mergeStreamCatalogues(provisioningStreamCatalogue, [{ prefix: 'phone-', kind: 'handset', subject: 'device' }]);
  assert.ok(E.isLeft(clash) && clash.left.code === 'stream_catalogue_conflict' && clash.left.field === 'catalogue');
  assert.match(E.isLeft(clash) ? clash.left.message : '', /handset.*phone/);
  const sameKind = mergeStreamCatalogues(provisioningStreamCatalogue, [{ prefix: 'handset-', kind: 'phone', subject: 'device' }]);
  assert.ok(E.isLeft(sameKind) && sameKind.left.code === 'stream_catalogue_conflict');
});

test.run();
