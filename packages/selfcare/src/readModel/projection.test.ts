import { createProjectionRunner } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, ok } from '../testing/fixture.js';
import { selfCareProjection } from './projection.js';

const snapshot = (v: ReturnType<typeof selfCareProjection.initialState>) =>
  JSON.stringify({
    domains: [...v.domains],
    accounts: [...v.accounts],
    sessions: [...v.sessionsByToken].sort(),
    phones: [...v.phones],
    lines: [...v.lines],
    snr: [...v.snr],
    visibility: v.visibility,
  });

test('the view rebuilt from the log equals the one kept up to date command by command', async () => {
  const f = await fixture();
  await ok(f.sc.phone.setSpeedDials(f.alice, { deviceName: 'SEP001122334455', speedDials: [{ number: '1', label: 'x' }] }));
  await ok(f.sc.line.setCallForward(f.alice, { deviceName: 'SEP001122334455', lineIndex: 1, all: { to: 'voicemail' } }));
  await ok(f.sc.snr.addAlternateNumber(f.bob, { number: '+4912345' }));
  await ok(f.sc.admin.setVisibleFeatures(f.admin, { page: 'line', features: 'CallForward#' }));
  await ok(f.sc.logout(f.bob));
  const live = f.sc.view();
  const rebuilt = createProjectionRunner({ store: f.store, projection: selfCareProjection });
  assert.ok(E.isRight(await rebuilt.rebuild()()));
  assert.is(snapshot(rebuilt.state()), snapshot(live));
  // bob's closed session is gone from the token index, alice's is there.
  assert.equal([...live.sessionsByToken.values()], ['alice']);
});

test('concurrent commands of one user on different streams all land (conflicts on the shared account guard are retried)', async () => {
  const f = await fixture();
  const results = await Promise.all([
    f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP001122334455', enabled: true })(),
    f.sc.phone.setDoNotDisturb(f.alice, { deviceName: 'SEP00AA00BB00CC', enabled: true })(),
    f.sc.login({ userId: 'alice', password: 'Selfcare!2026' })(),
    f.sc.line.setCallerId(f.alice, { deviceName: 'SEP001122334455', lineIndex: 2, presentation: 'restricted' })(),
  ]);
  assert.ok(results.every((r: E.Either<unknown, unknown>) => E.isRight(r)));
  const view = await ok(f.sc.carousel(f.alice));
  assert.equal(
    view.items.slice(0, 2).map((i) => i.settings.doNotDisturb.enabled),
    [true, true],
  );
});

test.run();
