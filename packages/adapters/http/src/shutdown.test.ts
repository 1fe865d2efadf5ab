// Graceful shutdown: closing the server stops accepting requests, lets the ones in
// flight finish (their writes complete), and the store then reopens consistent.
import { createSelfprov } from '@selfprov/app';
import type { SelfProvisioning } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startHttpServer } from './index.js';
import { ADMIN_TOKEN, harness } from './testing/harness.js';

test('close() waits for the request in flight; new requests are refused; the write is complete after a reopen', async () => {
  const h = await harness({ store: 'sqlite' });
  let entered: () => void = () => undefined;
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The auto-registration waits at the gate once inside the handler: a request provably in flight.
  const sp = h.backend.selfProvisioning;
  const gated: SelfProvisioning = {
    ...sp,
    autoRegisterPhone: (input, context) => async () => {
      entered();
      await gate;
      return sp.autoRegisterPhone(input, context)();
    },
  };
  const running = await startHttpServer({ backend: { ...h.backend, selfProvisioning: gated }, adminToken: ADMIN_TOKEN, port: 0 });
  try {
    const inFlight = fetch(`${running.url}/api/devices/autoregister`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac: '001122334455', model: 'Cisco 8845', protocol: 'SIP' }),
    });
    await inside;
    // Fastify's close() runs its hooks before it closes the listening socket: a request arriving in that
    // gap would be answered 503, one after it is refused. The test waits for the socket to close (the
    // Node server's close() has returned), so the one possible answer is a refused connection.
    const listener = running.server.server;
    let socketClosed: () => void = () => undefined;
    const notListening = new Promise<void>((resolve) => {
      socketClosed = resolve;
    });
    const closeListener = listener.close.bind(listener);
    listener.close = ((callback?: (error?: Error) => void) => {
      const result = closeListener(callback);
      socketClosed();
      return result;
    }) as typeof listener.close;
    const closing = running.close();
    await notListening;
    assert.is(listener.listening, false);
    const late = await fetch(`${running.url}/healthz`, { headers: { connection: 'close' } }).then(
      (r) => `answered ${r.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    assert.is(late, 'ECONNREFUSED', 'a new connection during shutdown is refused');
    release();
    const answer = await inFlight;
    assert.is(answer.status, 201);
    assert.equal(await answer.json(), { deviceName: 'SEP001122334455', directoryNumber: '1000', clusterId: 'cluster-1' });
    await closing;
  } finally {
    release();
    await running.close().catch(() => undefined);
    await h.backend.close();
  }
  // Reopen the file: the phone and its DN reservation are both there.
  const reopened = await createSelfprov({ store: `sqlite:${h.dbPath}` });
  if (E.isLeft(reopened)) throw new Error(reopened.left.message);
  const phone = await reopened.right.selfProvisioning.phone('SEP001122334455')();
  assert.ok(E.isRight(phone) && phone.right?.exists);
  const free = await reopened.right.selfProvisioning.freeDirectoryNumbers('cluster-1', 1)();
  assert.ok(E.isRight(free));
  if (E.isRight(free)) assert.equal(free.right, ['1001']);
  await reopened.right.close();
  await h.close().catch(() => undefined);
});

test.run();
