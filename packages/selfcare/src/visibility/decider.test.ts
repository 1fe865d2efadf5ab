import { deciderSpec } from '@selfprov/core/testkit';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FEATURES, parseFeatureList } from '../shared/features.js';
import { isVisible, visibilityDecider, visibleFeatures } from './decider.js';

const spec = deciderSpec(visibilityDecider);

test("the vendor's list parses: duplicates ignored, trailing # dropped, names case-insensitive", () => {
  const parsed = parseFeatureList(
    'phone',
    'General,SpeedDials,DoNotDisturb,Locale,MusicOnHold,Others,SpeedDials,DoNotDisturb,Locale,MusicOnHold,Others#',
  );
  assert.equal(parsed, E.right(['General', 'SpeedDials', 'DoNotDisturb', 'Locale', 'MusicOnHold', 'Others']));
  assert.equal(parseFeatureList('line', ['callforward', ' CallerId ']), E.right(['CallForward', 'CallerId']));
  assert.equal(parseFeatureList('user', ''), E.right([]));
});

test('an unknown feature is refused, naming its position', () => {
  const parsed = parseFeatureList('phone', 'General,Teleport');
  assert.ok(E.isLeft(parsed));
  if (E.isLeft(parsed)) {
    assert.is(parsed.left.code, 'unknown_feature');
    assert.is(parsed.left.field, 'features[1]');
  }
  // A line feature is not a phone feature.
  assert.ok(E.isLeft(parseFeatureList('phone', ['CallForward'])));
});

test('every feature is visible until the operator lists a page', () => {
  const s = visibilityDecider.initialState();
  for (const page of Object.keys(FEATURES) as (keyof typeof FEATURES)[]) assert.equal(visibleFeatures(s, page), FEATURES[page]);
});

test('the operator hides features by listing the others', () => {
  spec
    .given([])
    .when({ type: 'SetVisibleFeatures', data: { page: 'phone', features: ['General', 'SpeedDials'] }, actor: 'administrator' })
    .thenState((s) => {
      assert.ok(isVisible(s, 'phone', 'SpeedDials'));
      assert.not.ok(isVisible(s, 'phone', 'DoNotDisturb'));
      assert.ok(isVisible(s, 'line', 'CallForward'));
    });
});

test('the same list again changes nothing; a user cannot change the lists', () => {
  spec
    .given([{ type: 'VisibleFeaturesChanged', data: { page: 'user', features: ['Password', 'Information'] } }])
    .when({ type: 'SetVisibleFeatures', data: { page: 'user', features: ['Information', 'Password'] }, actor: 'administrator' })
    .thenNothing();
  spec
    .given([])
    .when({ type: 'SetVisibleFeatures', data: { page: 'user', features: [] }, actor: 'user' })
    .thenError('not_authorized');
});

test.run();
