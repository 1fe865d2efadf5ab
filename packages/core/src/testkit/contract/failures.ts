import * as assert from 'uvu/assert';
import type { EventStore } from '../../kernel/eventstore/port.js';
import { testEvents } from '../events.js';
import { type ContractKit, collect, errorOf } from './support.js';

/** Closed and failing stores: typed errors, never a hang. */
export const failureCases = (
  { test, closed, t, append, seeded, eventually }: ContractKit,
  breakStore: ((store: EventStore) => Promise<void>) | undefined,
) => {
  test('a closed store answers every call with store_closed, never hangs', async ({ store }) => {
    const id = await seeded(store, 1);
    await t(store.close(), 'close');
    closed.add(store);
    assert.is(errorOf(await append(store, id, 'any', testEvents(1)), 'append').code, 'store_closed');
    assert.is(
      errorOf(await t(store.appendMulti([{ streamId: id, expected: 'any', events: testEvents(1) }])()), 'multi').code,
      'store_closed',
    );
    assert.is(errorOf(await t(store.readStream(id)()), 'read').code, 'store_closed');
    assert.is(errorOf(await t(store.readAll()()), 'readAll').code, 'store_closed');
  });
  test('closing the store ends open subscriptions with a typed error', async ({ store }) => {
    await seeded(store, 2);
    const { errors, sub } = collect(store, 0);
    await t(sub.caughtUp, 'caught up');
    await t(store.close(), 'close store');
    closed.add(store);
    await eventually(() => errors.length === 1, 'subscription error');
    assert.is(errors[0]?.code, 'store_closed');
    await t(sub.close(), 'close subscription');
  });
  // Without `breakStore` the case is reported as skipped (uvu counts it), never as a silent pass.
  const brokenBackend = 'a failing backend surfaces a typed error, never a hang';
  if (breakStore === undefined) test.skip(`${brokenBackend} (the harness gives no breakStore)`, () => undefined);
  else
    test(brokenBackend, async ({ store }) => {
      const id = await seeded(store, 1);
      await breakStore(store);
      const e = errorOf(await append(store, id, 'any', testEvents(1)), 'append on a broken backend');
      assert.ok(['store_unavailable', 'store_closed'].includes(e.code), e.code);
      const readError = errorOf(await t(store.readStream(id)(), 'read on a broken backend'), 'read on a broken backend');
      assert.ok(['store_unavailable', 'store_closed'].includes(readError.code), readError.code);
    });
};
