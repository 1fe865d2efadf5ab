// A phone PIN changed in self-care is the PIN the IVR asks for: one credential store behind both,
// through the assembled app (createSelfprov.ts) on a SQLite file, as the HTTP API and webhook drive it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIvrDriver, type IvrDriver, type IvrTurn, simulatedScheduler } from '@selfprov/ivr';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSelfprov, demoSecrets, type Selfprov, seedDemoData } from './index.js';

const must = <A>(r: E.Either<{ code: string; message: string }, A>): A => {
  if (E.isLeft(r)) assert.unreachable(`${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

/** An acceptable 8-digit PIN for alice (no trivial rule of packages/core/src/credentials/rules.ts applies). */
const NEW_PIN = '58217940';
const OLD_PIN = demoSecrets.pins.alice as string;

/** Auto-registers a new phone, as the cluster does when it first registers (demo cluster of demo.ts). */
const newPhone = async (app: Selfprov, clusterId: string, mac: string): Promise<string> =>
  must(await app.selfProvisioning.autoRegisterPhone({ clusterId, mac, model: 'Cisco 8845', protocol: 'SIP' })()).deviceName;

/**
 * One call from `device`, keyed as a caller would (the terminal script of packages/adapters/cli/src/ivr.ts):
 * 1 = English, 1 = provision this phone, alice's self-provisioning id 2001#, 1 = confirm, then the PIN#.
 * Answers the last turn: what the caller hears after the PIN.
 */
const callWithPin = async (ivr: IvrDriver, device: string, pin: string): Promise<IvrTurn> => {
  const { callId } = must(await ivr.startCall({ device })());
  must(await ivr.digits(callId, '1')());
  must(await ivr.digits(callId, '1')());
  must(await ivr.digits(callId, '2001#')());
  must(await ivr.digits(callId, '1')());
  return must(await ivr.digits(callId, `${pin}#`)());
};

/** What the caller hears, without the `please-wait` the IVR plays while a slow domain call runs. */
const answerOf = (turn: IvrTurn) => turn.prompts.filter((p) => p.id !== 'please-wait');

test('a phone PIN changed through self-care opens the IVR; the old PIN is refused with the wrong-PIN prompt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'selfprov-pin-'));
  const app = must(await createSelfprov({ store: `sqlite:${join(dir, 'events.db')}`, hasher: createScryptHasher({ log2N: 10 }) }));
  // The IVR driver the HTTP webhook builds over the app (packages/adapters/http/src/plugin.ts).
  const ivr = createIvrDriver({ gateway: app.ivrGateway, store: app.events, scheduler: simulatedScheduler() });
  try {
    const { clusterId } = must(await seedDemoData(app));

    // Alice changes her phone PIN in self-care (the facade operation behind the HTTP API's changePhonePin).
    const session = must(await app.selfCare.login({ userId: 'alice', password: demoSecrets.selfCarePassword })());
    const alice = must(await app.selfCare.authenticate(session.token)());
    must(await app.selfCare.user.changePhonePin(alice, { pin: NEW_PIN })());

    // The IVR accepts the new PIN and provisions a new phone for her.
    const first = await newPhone(app, clusterId, '00:11:22:33:44:01');
    const accepted = await callWithPin(ivr, first, NEW_PIN);
    assert.equal(
      answerOf(accepted).map((p) => p.id),
      ['phone-provisioned', 'goodbye'],
    );
    assert.is(answerOf(accepted)[0]?.text, 'Your phone is now provisioned with extension 2001. It will restart.');
    const provisioned = must(await app.selfProvisioning.phone(first)());
    assert.equal([provisioned?.state, provisioned?.owner], ['provisioned', 'alice']);

    // A second phone's caller with the old PIN hears that it is wrong and is asked again.
    const second = await newPhone(app, clusterId, '00:11:22:33:44:02');
    const refused = await callWithPin(ivr, second, OLD_PIN);
    assert.equal(
      answerOf(refused).map((p) => p.id),
      ['wrong-credential', 'enter-pin-or-authentication-code'],
    );
    assert.is(answerOf(refused)[0]?.text, 'That PIN or code is not correct. Attempts left: 2.');
    assert.is(refused.ended, false);
    assert.is(must(await app.selfProvisioning.phone(second)())?.state, 'autoregistered');
  } finally {
    ivr.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
