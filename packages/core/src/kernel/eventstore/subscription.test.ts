import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RecordedEvent } from './envelope.js';
import { storeUnavailable } from './errors.js';
import { type CatchUpSource, catchUpSubscription } from './subscription.js';

/** A source with no events whose waits end only when the subscription stops; counts `onEnd` calls. */
const quietSource = (read: CatchUpSource['readAll'] = () => async () => E.right([] as readonly RecordedEvent[])) => {
  let ends = 0;
  const source: CatchUpSource = {
    readAll: read,
    waitForAppend: (_position, stop) => new Promise<void>((resolve) => (stop.stopped ? resolve() : stop.onStop(resolve))),
    onEnd: () => {
      ends += 1;
    },
  };
  return { source, ends: () => ends };
};

test('onEnd runs once when the subscription is closed, after its loop has stopped', async () => {
  const { source, ends } = quietSource();
  const subscription = catchUpSubscription(source, { onEvent: () => undefined });
  await subscription.caughtUp;
  assert.is(ends(), 0);
  await subscription.close();
  await subscription.close();
  assert.is(ends(), 1);
});

test('onEnd runs once when the subscription fails, before onError, and not again on close', async () => {
  const order: string[] = [];
  const { source, ends } = quietSource(() => async () => E.left(storeUnavailable('down')));
  const withOrder: CatchUpSource = {
    ...source,
    onEnd: () => {
      source.onEnd?.();
      order.push('end');
    },
  };
  const subscription = catchUpSubscription(withOrder, { onEvent: () => undefined, onError: () => order.push('error') });
  await subscription.caughtUp;
  await subscription.close();
  assert.equal(order, ['end', 'error']);
  assert.is(ends(), 1);
});

test.run();
