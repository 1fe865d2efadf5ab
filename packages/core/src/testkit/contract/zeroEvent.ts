import * as assert from 'uvu/assert';
import { uniqueStream } from '../events.js';
import { type ContractKit, errorOf, unwrap } from './support.js';

/** Zero-event appends: nothing written, the expectation still checked. */
export const zeroEventCases = ({ test, append, head, assertNothingWritten, seeded }: ContractKit) => {
  test('a zero-event append leaves a new stream absent and the log untouched', async ({ store }) => {
    const id = uniqueStream();
    const h = await head(store);
    const r = unwrap(await append(store, id, 'no_stream', []), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, -1);
    await assertNothingWritten(store, h, [id]);
  });
  test('a zero-event append leaves an existing stream untouched', async ({ store }) => {
    const id = await seeded(store, 2);
    const h = await head(store);
    const r = unwrap(await append(store, id, 1, []), 'append');
    assert.is(r.streams[0]?.nextExpectedVersion, 1);
    assert.is(await head(store), h);
  });
  test('a zero-event append still checks its expectation', async ({ store }) => {
    const id = await seeded(store, 2);
    assert.is(errorOf(await append(store, id, 0, []), 'append').code, 'wrong_expected_version');
  });
};
