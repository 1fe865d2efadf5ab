// Hang-up in every state the call can wait in: the call ends at once, timers stop,
// nothing is half-provisioned, and a domain result arriving afterwards is ignored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuthenticationMode } from './gateway.js';
import { ivrMachine } from './machine.js';
import { ALICE_PIN, harness, NEW_PHONE, OLD_PHONE, untouchedNewPhone } from './testing/harness.js';

interface Scenario {
  readonly mode: AuthenticationMode;
  readonly languages?: readonly string[];
  /** Keys that lead to the state. */
  readonly keys: string;
  /** The state waits for a gateway answer (held in flight while the caller hangs up). */
  readonly inFlight?: string;
}

const scenarios: Record<string, Scenario> = {
  languageMenu: { mode: 'secure-users', languages: ['en_US', 'fr_FR'], keys: '' },
  mainMenu: { mode: 'secure-users', keys: '' },
  'provision.enterId.first': { mode: 'secure-users', keys: '1' },
  'provision.enterId.more': { mode: 'secure-users', keys: '120' },
  'provision.identifying': { mode: 'secure-users', keys: '12001#', inFlight: 'identifyUser' },
  'provision.confirm': { mode: 'secure-users', keys: '12001#' },
  'replace.enterExtension.first': { mode: 'secure-users', keys: '2' },
  'replace.enterExtension.more': { mode: 'secure-users', keys: '220' },
  'replace.identifying': { mode: 'secure-users', keys: '22001#', inFlight: 'identifyUser' },
  'authenticate.enterPin.first': { mode: 'secure-users', keys: '12001#1' },
  'authenticate.enterPin.more': { mode: 'secure-users', keys: '12001#1739' },
  'authenticate.enterPinOrCode.first': { mode: 'secure-users-and-admins', keys: '12001#1' },
  'authenticate.enterPinOrCode.more': { mode: 'secure-users-and-admins', keys: '12001#1739' },
  'authenticate.enterCode.first': { mode: 'secure-users-and-admins', keys: '12001#1*' },
  'authenticate.enterCode.more': { mode: 'secure-users-and-admins', keys: '12001#1*42' },
  'authenticate.verifying': { mode: 'secure-users', keys: `12001#1${ALICE_PIN}#`, inFlight: 'verifyCredential' },
  provisioning: { mode: 'non-secure', keys: '12001#1', inFlight: 'provisionPhone' },
  replacing: { mode: 'non-secure', keys: '22001#', inFlight: 'replacePhone' },
};

// Every state a call can stay in (not transient, not final) must have a scenario.
const waitingStates = (): string[] => {
  const out: string[] = [];
  const walk = (node: { path: string[]; type: string; states: Record<string, unknown>; always?: unknown[] }) => {
    const children = Object.values(node.states) as (typeof node)[];
    if (children.length > 0) children.forEach(walk);
    else if (node.type !== 'final' && (node.always ?? []).length === 0) out.push(node.path.join('.'));
  };
  walk(ivrMachine.root as never);
  return out.sort();
};

test('every state a call can wait in has a hang-up scenario', () => {
  assert.equal(Object.keys(scenarios).sort(), waitingStates());
});

for (const [state, s] of Object.entries(scenarios)) {
  test(`hang-up in ${state}: the call ends, nothing is (half-)provisioned, a late result is ignored`, async () => {
    const h = await harness({ authenticationMode: s.mode, ...(s.languages ? { languages: s.languages } : {}) });
    const { callId } = await h.start();
    let pending: Promise<unknown> = Promise.resolve();
    if (s.inFlight) {
      // The last key starts the effect; it is held in flight while the caller hangs up.
      await h.keys(callId, s.keys.slice(0, -1));
      h.gate.hold(s.inFlight);
      pending = h.driver.digits(callId, s.keys.slice(-1))();
      await h.gate.reached();
      assert.ok((h.driver.view(callId)?.effectsInFlight ?? 0) >= 1, 'an effect is in flight');
    } else if (s.keys !== '') {
      await h.keys(callId, s.keys);
    }
    assert.is(h.driver.view(callId)?.state, state, 'reached the state');

    const turn = await h.driver.hangUp(callId)();
    assert.ok(turn._tag === 'Right');
    if (turn._tag === 'Right') {
      assert.ok(turn.right.ended);
      assert.is(turn.right.state, 'hungUp');
      assert.is(turn.right.awaiting.kind, 'none');
    }
    h.gate.release();
    await pending;
    await h.driver.idle();

    const events = await h.events(callId);
    assert.is(events.at(-1)?.type, 'IvrCallerHungUp', 'nothing is recorded after the hang-up');
    assert.is(h.scheduler.pending(), 0, 'no timer left');
    assert.equal(h.driver.activeCalls(), []);
    const phone = await h.phone(NEW_PHONE);
    if (state === 'provisioning' || state === 'replacing') {
      // The command was issued before the hang-up: it is atomic, so the phone is either untouched or fully provisioned.
      assert.equal(phone, { owner: 'alice', state: 'provisioned', extension: '2001', registered: true, replacedBy: null });
      if (state === 'replacing')
        assert.equal(await h.phone(OLD_PHONE), {
          owner: null,
          state: 'provisioned',
          extension: null,
          registered: false,
          replacedBy: NEW_PHONE,
        });
    } else {
      assert.equal(phone, untouchedNewPhone);
      assert.not.ok(h.gate.calls.includes('provisionPhone') || h.gate.calls.includes('replacePhone'));
    }
    const again = await h.driver.digits(callId, '1')();
    assert.ok(again._tag === 'Left' && again.left.code === 'call_ended');
  });
}

test('a result arriving after the hang-up is not recorded and plays nothing', async () => {
  const h = await harness({ authenticationMode: 'non-secure' });
  const { callId } = await h.start();
  await h.keys(callId, '12001#');
  h.gate.hold();
  const pending = h.driver.digits(callId, '1')();
  await h.gate.reached();
  const hung = await h.driver.hangUp(callId)();
  h.gate.release();
  const late = await pending;
  assert.ok(late._tag === 'Right' && hung._tag === 'Right');
  const played = [late, hung].flatMap((t) => (t._tag === 'Right' ? t.right.prompts.map((p) => p.id) : []));
  assert.equal(played, ['please-wait'], 'no outcome prompt after the hang-up');
  await h.driver.idle();
  assert.not.ok(
    (await h.events(callId)).some((e) => e.type === 'IvrEffectCompleted' && (e.data as { effect: string }).effect === 'provisionPhone'),
  );
  assert.equal(h.spontaneous, []);
});

test.run();
