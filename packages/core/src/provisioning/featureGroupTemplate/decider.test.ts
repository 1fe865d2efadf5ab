import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/deciderSpec.js';
import type { FeatureGroupTemplateCommand } from './commands.js';
import { featureGroupTemplateDecider } from './decider.js';
import type { FeatureGroupTemplateEvent } from './events.js';

const spec = deciderSpec(featureGroupTemplateDecider);
const cmd = (c: Record<string, unknown>): FeatureGroupTemplateCommand => c as unknown as FeatureGroupTemplateCommand;
const name = 'Sales FGT';
const create = (extra: Record<string, unknown> = {}) => cmd({ type: 'CreateFeatureGroupTemplate', name, clusterId: 'c1', ...extra });
const update = (extra: Record<string, unknown> = {}) => cmd({ type: 'UpdateFeatureGroupTemplate', name, ...extra });
const data = {
  userProfile: 'Standard',
  homeCluster: true,
  presenceEnabled: false,
  serviceProfile: null,
  mobilityEnabled: false,
  mobileVoiceAccess: false,
  remoteDestinationLimit: 4,
  userLocale: null,
};
const created: FeatureGroupTemplateEvent = { type: 'FeatureGroupTemplateCreated', data: { name, clusterId: 'c1', ...data } };

test('a feature group template names a user profile; remote destination limit defaults to 4', () => {
  spec
    .given([])
    .when(create({ userProfile: 'Standard' }))
    .thenEvents([created]);
  spec
    .given([])
    .when(create())
    .thenState((s) => {
      assert.equal(
        [s.exists, s.userProfile, s.remoteDestinationLimit, s.homeCluster, s.presenceEnabled],
        [true, undefined, 4, true, false],
      );
    });
});

test('all fields are kept', () => {
  spec
    .given([])
    .when(
      create({
        userProfile: 'Standard',
        homeCluster: false,
        presenceEnabled: true,
        serviceProfile: 'Default Service Profile',
        mobilityEnabled: true,
        mobileVoiceAccess: true,
        remoteDestinationLimit: 10,
        userLocale: 'fr_FR',
      }),
    )
    .thenState((s) =>
      assert.equal(
        [
          s.homeCluster,
          s.presenceEnabled,
          s.serviceProfile,
          s.mobilityEnabled,
          s.mobileVoiceAccess,
          s.remoteDestinationLimit,
          s.userLocale,
        ],
        [false, true, 'Default Service Profile', true, true, 10, 'fr_FR'],
      ),
    );
});

test('a feature group template name is unique', () => {
  spec.given([created]).when(create()).thenError('feature_group_template_already_exists', { field: 'name' });
});

test('mobile voice access needs mobility', () => {
  spec
    .given([])
    .when(create({ mobileVoiceAccess: true }))
    .thenError('mobility_required', { field: 'mobileVoiceAccess' });
  spec
    .given([created])
    .when(update({ mobileVoiceAccess: true, mobilityEnabled: false }))
    .thenError('mobility_required');
});

test('bad values name the field', () => {
  spec
    .given([])
    .when(create({ remoteDestinationLimit: 0 }))
    .thenError('invalid_input', { field: 'remoteDestinationLimit' });
  spec
    .given([])
    .when(create({ remoteDestinationLimit: 501 }))
    .thenError('invalid_input', { field: 'remoteDestinationLimit' });
  spec
    .given([])
    .when(create({ userLocale: 'klingon' }))
    .thenError('invalid_input', { field: 'userLocale' });
  spec
    .given([])
    .when(create({ presenceEnabled: 'true' }))
    .thenError('invalid_input', { field: 'presenceEnabled' });
  spec
    .given([])
    .when(create({ userProfile: '' }))
    .thenError('invalid_input', { field: 'userProfile' });
});

test('the form is saved again as a whole; the same values change nothing', () => {
  spec
    .given([created])
    .when(update({ userProfile: 'Restricted', remoteDestinationLimit: 6 }))
    .thenEvents([{ type: 'FeatureGroupTemplateUpdated', data: { name, ...data, userProfile: 'Restricted', remoteDestinationLimit: 6 } }]);
  spec
    .given([created])
    .when(update({ userProfile: 'Standard' }))
    .thenNothing();
  spec
    .given([created])
    .when(update())
    .thenState((s) => assert.is(s.userProfile, undefined));
});

test('updates of a missing template or naming another are refused', () => {
  spec.given([]).when(update()).thenError('feature_group_template_not_found', { field: 'name' });
  spec
    .given([created])
    .when(update({ name: 'Other' }))
    .thenError('wrong_stream');
});

test.run();
