import * as assert from 'uvu/assert';
import { testEvent, testEvents, uniqueStream } from '../events.js';
import { type ContractKit, unwrap } from './support.js';

/** Payloads and names: large and Unicode data, long stream names, no aliasing of the caller’s objects. */
export const payloadCases = ({ test, append, read }: ContractKit) => {
  test('a 1 MiB payload round-trips', async ({ store }) => {
    const id = uniqueStream();
    const blob = 'x'.repeat(1024 * 1024);
    unwrap(await append(store, id, 'no_stream', [testEvent('Big', { blob })]), 'append');
    const [e] = (await read(store, id)).events;
    const stored = (e?.data as { blob?: string } | undefined)?.blob ?? '';
    assert.is(stored.length, blob.length);
    assert.ok(stored === blob);
  });
  test('unicode stream names and data round-trip', async ({ store }) => {
    const id = `${uniqueStream()}-téléphone-電話-📞-هاتف`;
    const data = { name: 'Zoë Ångström', emoji: '☎️📞', cjk: '自助服务', rtl: 'مرحبا', nul: 'a\u0000b' };
    unwrap(await append(store, id, 'no_stream', [testEvent('Uni', data)]), 'append');
    const r = await read(store, id);
    assert.equal(r.events[0]?.data, data);
    assert.is(r.events[0]?.streamId, id);
  });
  test('a 1024-character stream name works', async ({ store }) => {
    const base = uniqueStream();
    const id = base + 'é'.repeat(1024 - base.length);
    unwrap(await append(store, id, 'no_stream', testEvents(1)), 'append');
    assert.is((await read(store, id)).events[0]?.streamId, id);
  });
  test('stored events do not alias the caller’s objects', async ({ store }) => {
    const id = uniqueStream();
    const data = { list: [1, 2], nested: { a: 'b' } };
    unwrap(await append(store, id, 'no_stream', [testEvent('Alias', data)]), 'append');
    data.list.push(3);
    data.nested.a = 'changed';
    assert.equal((await read(store, id)).events[0]?.data, { list: [1, 2], nested: { a: 'b' } });
  });
};
