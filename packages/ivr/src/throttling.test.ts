// Throttling through the real domain gateway (domainGateway.ts over the credentials
// module, packages/core/src/credentials/operations/): a throttled attempt is
// never a verified one, whatever the secret, and the caller is told to try later.
import { defaultCredentialPolicy, defaultThrottlePolicy, setCredential } from '@selfprov/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMO } from './testing/domain.js';
import { ALICE_PIN, type Harness, harness, idsOf, NEW_PHONE, untouchedNewPhone, unwrap } from './testing/harness.js';

const WRONG = '90817263';
const GUESSER_PIN = '58203761';
const MINUTE = 60_000;
const TRY_LATER = 'Too many attempts from this phone. Please try again later.';
/** Failures per account that stay below the account lockout, so only throttling can refuse. */
const PER_ACCOUNT = defaultCredentialPolicy.lockoutThreshold - 1;

/** `n` more users of the Standard profile, each with a PIN; answers their extensions (= self-provisioning ids). */
const guessers = async (h: Harness, n: number): Promise<string[]> => {
  const extensions: string[] = [];
  for (let i = 0; i < n; i++) {
    const userId = `guesser${i}`;
    const extension = `30${String(i).padStart(2, '0')}`;
    unwrap(
      await h.sp.endUser({
        type: 'CreateEndUser',
        userId,
        clusterId: DEMO.clusterId,
        personal: { firstName: userId, lastName: 'Test' },
        primaryExtension: extension,
        userProfile: 'Standard',
      })(),
    );
    unwrap(await setCredential(h.world.credentials, { subject: userId, kind: 'pin', secret: GUESSER_PIN, by: 'administrator' })());
    extensions.push(extension);
  }
  return extensions;
};

/** One call from `device`: the user of `extension`, then `times` wrong PINs (each an ordinary wrong-PIN answer), then a hang-up. */
const failFrom = async (h: Harness, device: string, extension: string, times: number) => {
  const { callId } = await h.start({ device });
  assert.equal(idsOf(await h.keys(callId, `1${extension}#1`)).slice(-1), ['enter-pin']);
  for (let t = 0; t < times; t++) assert.equal(idsOf(await h.keys(callId, `${WRONG}#`)), ['wrong-credential', 'enter-pin']);
  unwrap(await h.driver.hangUp(callId)());
};

/** A call from `device` for the user of `id` with `secret`: the prompts of the last turn. */
const attempt = async (h: Harness, device: string, id: string, secret: string) => {
  const { callId } = await h.start({ device });
  return h.keys(callId, `1${id}#1${secret}#`);
};

const assertTryLater = (turn: Awaited<ReturnType<typeof attempt>>, what: string) => {
  assert.equal(idsOf(turn).slice(-2), ['throttled', 'goodbye'], what);
  assert.is(turn.prompts.at(-2)?.text, TRY_LATER, what);
  assert.ok(turn.ended, what);
};

/** The default throttle policy (none given to the credentials module): NEW_PHONE uses up its failures across accounts. */
const throttledNewPhone = async () => {
  const h = await harness();
  const n = defaultThrottlePolicy.deviceMaxFailures;
  const users = await guessers(h, Math.ceil(n / PER_ACCOUNT));
  for (let done = 0, u = 0; done < n; done += PER_ACCOUNT, u++)
    await failFrom(h, NEW_PHONE, users[u] ?? '', Math.min(PER_ACCOUNT, n - done));
  return h;
};

test('per device: once a phone has used up its failures, a wrong PIN is not accepted: "try later", nothing provisioned', async () => {
  const h = await throttledNewPhone();
  assertTryLater(await attempt(h, NEW_PHONE, '2001', WRONG), 'a wrong PIN');
  assert.equal(await h.phone(NEW_PHONE), untouchedNewPhone);
  assert.is(await h.failures('alice'), 0, 'refused before the account is charged');
  assertTryLater(await attempt(h, NEW_PHONE, '2001', ALICE_PIN), 'the right PIN too: refused before any check');
  assert.equal(await h.phone(NEW_PHONE), untouchedNewPhone);
});

test("per device: one phone's failures never deny another user's right PIN on another phone; the window passing frees the phone", async () => {
  const h = await throttledNewPhone();
  const other = await h.world.newPhone(1);
  assert.equal(idsOf(await attempt(h, other, '2002', DEMO.pins.bob)).slice(-2), ['phone-provisioned', 'goodbye']);
  assert.is((await h.phone(other))?.owner, 'bob');

  await h.scheduler.advance(defaultThrottlePolicy.deviceWindowMinutes * MINUTE - 1);
  assertTryLater(await attempt(h, NEW_PHONE, '2001', ALICE_PIN), 'just before the window has passed');
  await h.scheduler.advance(1);
  assert.equal(idsOf(await attempt(h, NEW_PHONE, '2001', ALICE_PIN)).slice(-2), ['phone-provisioned', 'goodbye']);
  assert.is((await h.phone(NEW_PHONE))?.owner, 'alice');
});

// A small global limit: the behaviour is under test here; packages/core/src/credentials/throttle.test.ts
// tests the numbers of the defaults.
test('globally: once failures across phones reach the limit, every caller is refused, wrong PIN or right, on any phone', async () => {
  const globalMaxFailures = 2 * PER_ACCOUNT;
  const h = await harness({ throttlePolicy: { ...defaultThrottlePolicy, globalMaxFailures } });
  const users = await guessers(h, 2);
  for (const [i, extension] of users.entries()) await failFrom(h, await h.world.newPhone(i + 1), extension, PER_ACCOUNT);
  assert.ok(PER_ACCOUNT < defaultThrottlePolicy.deviceMaxFailures, 'no phone reached its own limit');

  const fresh = await h.world.newPhone(9);
  assertTryLater(await attempt(h, fresh, '2002', WRONG), 'a wrong PIN');
  assertTryLater(await attempt(h, fresh, '2002', DEMO.pins.bob), "another user's right PIN on a fresh phone");
  const phone = await h.phone(fresh);
  assert.equal([phone?.owner, phone?.state], [null, 'autoregistered'], 'nothing provisioned');

  await h.scheduler.advance(defaultThrottlePolicy.globalWindowMinutes * MINUTE);
  assert.equal(idsOf(await attempt(h, fresh, '2002', DEMO.pins.bob)).slice(-2), ['phone-provisioned', 'goodbye']);
});

test.run();
