import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryEventStore } from '../../kernel/eventstore/memory.js';
import type { EventStore } from '../../kernel/eventstore/port.js';
import { systemRuntime } from '../../kernel/runtime/ports.js';
import { seedDemo } from './demo.js';
import { createSelfProvisioning } from './facade.js';

// Many phones plugged in at once on one server: each request aims at a different free
// number, so none of them exhausts its retries racing for the lowest one.
test('64 concurrent auto-registrations in one process all succeed, on 64 distinct lowest numbers', async () => {
  const runtime = systemRuntime();
  const inner = createMemoryEventStore(runtime);
  assert.ok(E.isRight(await seedDemo({ store: inner, runtime })()));
  // Counts optimistic-concurrency conflicts and number loads: with distinct targets, each
  // request loads one number once and never collides.
  let conflicts = 0;
  let numberLoads = 0;
  const store: EventStore = {
    ...inner,
    readStream: (streamId, options) => {
      if (streamId.startsWith('dn-')) numberLoads += 1;
      return inner.readStream(streamId, options);
    },
    appendMulti: (requests) => async () => {
      const r = await inner.appendMulti(requests)();
      if (E.isLeft(r) && r.left.code === 'wrong_expected_version') conflicts += 1;
      return r;
    },
  };
  const sp = createSelfProvisioning({ store, runtime, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
  assert.ok(E.isRight(await sp.start()()));
  const macs = Array.from({ length: 64 }, (_, i) => `0011220000${i.toString(16).padStart(2, '0')}`);
  const results = await Promise.all(
    macs.map((mac) => sp.autoRegisterPhone({ clusterId: 'cluster-1', mac, model: 'Cisco 8845', protocol: 'SIP' })()),
  );
  const failures = results.filter(E.isLeft).map((r) => (E.isLeft(r) ? r.left.code : ''));
  assert.equal(failures, []);
  assert.is(conflicts, 0, 'no request raced another for the same number');
  assert.is(numberLoads, 64, 'each request planned once: no re-planning after losing a number');
  const dns = results.map((r) => (E.isRight(r) ? Number(r.right.directoryNumber) : 0)).sort((a, b) => a - b);
  assert.equal(
    dns,
    Array.from({ length: 64 }, (_, i) => 1000 + i),
  );
});

test.run();
