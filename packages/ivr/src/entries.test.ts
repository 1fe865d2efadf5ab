// Digit entries: `#`, `*`, first-digit and inter-digit timeouts, too-long entries, keys outside 0-9*#.
// Time is simulated: `scheduler.advance(ms)` fires due timers; nothing waits for real.
import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALICE_PIN, harness, idsOf, NEW_PHONE } from './testing/harness.js';

const atIdEntry = async (config: Parameters<typeof harness>[0] = {}, options: Parameters<typeof harness>[1] = {}) => {
  const h = await harness({ authenticationMode: 'secure-users', ...config }, options);
  const { callId } = await h.start();
  await h.keys(callId, '1');
  return { h, callId };
};

test('first-digit timeout (10 s): "no input", the entry prompt again; it counts as a try', async () => {
  const { h, callId } = await atIdEntry();
  await h.scheduler.advance(9_999);
  assert.is(h.spontaneous.length, 0, 'nothing before 10 s');
  await h.scheduler.advance(1);
  assert.equal(idsOf(h.spontaneous[0] ?? ({ prompts: [] } as never)), ['no-input', 'enter-self-provisioning-id']);
  assert.is(h.driver.view(callId)?.context.tries, 1);
  await h.scheduler.advance(10_000);
  await h.scheduler.advance(10_000);
  const last = h.spontaneous.at(-1);
  assert.equal(last && idsOf(last), ['no-input', 'too-many-attempts', 'goodbye']);
  assert.ok(last?.ended);
  assert.equal(h.driver.activeCalls(), []);
});

test('inter-digit timeout (5 s): the entry ends as if # was pressed', async () => {
  const { h, callId } = await atIdEntry();
  await h.keys(callId, '20');
  await h.scheduler.advance(4_000);
  await h.keys(callId, '01');
  await h.scheduler.advance(4_999);
  assert.is(h.spontaneous.length, 0, 'each key restarts the inter-digit timer');
  await h.scheduler.advance(1);
  const turn = h.spontaneous[0];
  assert.equal(turn && idsOf(turn), ['confirm-self-provisioning-id']);
  assert.ok(turn?.prompts[0]?.text.includes('2001'));
});

test('inter-digit timeout in a PIN entry submits the PIN', async () => {
  const { h, callId } = await atIdEntry();
  await h.keys(callId, '2001#1');
  await h.keys(callId, ALICE_PIN);
  await h.scheduler.advance(5_000);
  assert.equal(idsOf(h.spontaneous[0] ?? ({ prompts: [] } as never)), ['please-wait', 'phone-provisioned', 'goodbye']);
  assert.is((await h.phone(NEW_PHONE))?.owner, 'alice');
});

test('timeouts are configurable (named delays read from the call options)', async () => {
  const { h, callId } = await atIdEntry({}, { options: { firstDigitTimeoutMs: 3_000, interDigitTimeoutMs: 1_000 } });
  await h.scheduler.advance(3_000);
  assert.equal(idsOf(h.spontaneous[0] ?? ({ prompts: [] } as never)), ['no-input', 'enter-self-provisioning-id']);
  await h.keys(callId, '2001');
  await h.scheduler.advance(1_000);
  assert.equal(idsOf(h.spontaneous[1] ?? ({ prompts: [] } as never)), ['confirm-self-provisioning-id']);
});

test('timeout(callId) lets a transport without a clock report silence', async () => {
  const { h, callId } = await atIdEntry();
  const turn = await h.driver.timeout(callId)();
  assert.ok(turn._tag === 'Right');
  assert.equal(turn._tag === 'Right' && idsOf(turn.right), ['no-input', 'enter-self-provisioning-id']);
  assert.is(h.spontaneous.length, 0);
});

test('* restarts an entry: earlier digits are dropped, the prompt is played again, no try is counted', async () => {
  const { h, callId } = await atIdEntry({ authenticationMode: 'non-secure' });
  assert.equal(idsOf(await h.keys(callId, '99*')), ['enter-self-provisioning-id']);
  assert.is(h.driver.view(callId)?.context.tries, 0);
  const turn = await h.keys(callId, '2001#');
  assert.ok(turn.prompts[0]?.text.includes('You entered 2001.'));
});

test('* in a PIN entry drops the secret digits typed so far', async () => {
  const { h, callId } = await atIdEntry();
  await h.keys(callId, '2001#1');
  const turn = await h.keys(callId, `999*${ALICE_PIN}#`);
  assert.equal(idsOf(turn), ['enter-pin', 'please-wait', 'phone-provisioned', 'goodbye']);
});

test('# on an empty entry: "nothing entered", counts as a try', async () => {
  const { h, callId } = await atIdEntry();
  assert.equal(idsOf(await h.keys(callId, '#')), ['entry-empty', 'enter-self-provisioning-id']);
  assert.equal(idsOf(await h.keys(callId, '#')), ['entry-empty', 'enter-self-provisioning-id']);
  assert.equal(idsOf(await h.keys(callId, '#')), ['entry-empty', 'too-many-attempts', 'goodbye']);
});

test('too-long entries: their own prompt, a try each; the maximum length itself is accepted', async () => {
  const { h, callId } = await atIdEntry({}, { options: { maxDigits: { selfProvisioningId: 4 } } });
  assert.is(h.driver.view(callId)?.context.options.maxDigits.selfProvisioningId, 4);
  assert.equal(idsOf(await h.keys(callId, '20011')), ['entry-too-long', 'enter-self-provisioning-id']);
  assert.equal(idsOf(await h.keys(callId, '2001#')), ['confirm-self-provisioning-id'], '4 digits is fine');
  await h.keys(callId, '2');
  assert.equal(idsOf(await h.keys(callId, '123456')), ['entry-too-long', 'too-many-attempts', 'goodbye']);
});

test('a too-long PIN (33 digits by default) is refused before any check, without echoing it', async () => {
  const { h, callId } = await atIdEntry();
  await h.keys(callId, '2001#1');
  const turn = await h.keys(callId, '1'.repeat(33));
  assert.equal(idsOf(turn), ['entry-too-long', 'enter-pin']);
  assert.not.ok(h.gate.calls.includes('verifyCredential'));
  assert.equal(
    idsOf(await h.keys(callId, `${ALICE_PIN}#`)),
    ['please-wait', 'phone-provisioned', 'goodbye'],
    'the next entry starts empty',
  );
});

test('keys outside 0-9 * # are refused with a typed error naming the field; nothing is recorded', async () => {
  const { h, callId } = await atIdEntry();
  const before = (await h.events(callId)).length;
  for (const bad of ['A', '12a', '', ' ', '1 2', '+', '٣', '1'.repeat(65)]) {
    const result = await h.driver.digits(callId, bad)();
    assert.ok(result._tag === 'Left', JSON.stringify(bad));
    if (result._tag === 'Left') {
      assert.is(result.left._tag, 'ValidationError');
      assert.is(result.left.code, 'invalid_digits');
      assert.is(result.left.field, 'digits');
    }
  }
  assert.is((await h.events(callId)).length, before);
});

test('property: any string with a character outside 0-9*# is refused and records nothing', async () => {
  const { h, callId } = await atIdEntry();
  const before = (await h.events(callId)).length;
  await fc.assert(
    fc.asyncProperty(
      fc.string({ minLength: 1, maxLength: 10 }).filter((s) => /[^0-9*#]/.test(s)),
      async (s) => {
        const result = await h.driver.digits(callId, s)();
        return result._tag === 'Left' && result.left.field === 'digits';
      },
    ),
    { numRuns: 200 },
  );
  assert.is((await h.events(callId)).length, before);
});

test('bad call requests name their field: device, callId, dialled', async () => {
  const h = await harness();
  const before = await h.allEventsJson(); // the domain's own events (seed, fixtures)
  const cases: [Record<string, unknown>, string][] = [
    [{ device: '' }, 'device'],
    [{ device: 'SEP 1' }, 'device'],
    [{}, 'device'],
    [{ device: 'SEP1', callId: '../x' }, 'callId'],
    [{ device: 'SEP1', dialled: '80a0' }, 'dialled'],
  ];
  for (const [request, field] of cases) {
    const result = await h.driver.startCall(request as never)();
    assert.ok(result._tag === 'Left' && result.left.field === field, `${JSON.stringify(request)} -> ${field}`);
  }
  assert.is(await h.allEventsJson(), before, 'nothing recorded');
  const unknown = await h.driver.digits('no-such-call', '1')();
  assert.ok(unknown._tag === 'Left' && unknown.left.code === 'unknown_call');
  const badId = await h.driver.digits('bad id', '1')();
  assert.ok(badId._tag === 'Left' && badId.left.field === 'callId');
});

test.run();
