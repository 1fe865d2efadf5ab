import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MINUTE, setup } from '../testing/credentialsHarness.js';
import { type CredentialKind, defaultCredentialPolicy } from './codecs.js';
import type { CredentialError } from './errors.js';
import { setCredential } from './operations/set.js';
import { credentialStatus } from './operations/status.js';
import { unlockCredential } from './operations/unlock.js';
import { verifyCredential } from './operations/verify.js';

/**
 * No secret and no hash ever leaves the module in an event, an outcome or an
 * error: every operation is run with generated secrets and a real scrypt
 * hash, and everything it returns is searched for both as JSON text.
 */

// Subjects and devices without digits, and 8+ character secrets: ISO instants
// and counters in the output hold at most 4 consecutive digits, so a match
// can only be a leak, never a coincidence.
const subject = 'alice';
const device = 'SEPAABBCCDDEEFF';
const owner = { userId: 'alice', firstName: 'Alice', lastName: 'Martin', extension: '2001' };

const pins = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 16 });
const passwords = fc.oneof(
  fc.string({ minLength: 12, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 12, maxLength: 30 }),
  fc.string({ unit: 'binary', minLength: 12, maxLength: 30 }),
);

const scenario = async (kind: CredentialKind, secret: string, other: string) => {
  const h = setup();
  const outputs: unknown[] = [];
  const run = async <A>(task: TE.TaskEither<CredentialError, A>) => {
    const r = await task();
    outputs.push(E.isLeft(r) ? r.left : r.right);
    return r;
  };
  const policy = { ...defaultCredentialPolicy, minLength: 8 };
  const set = await run(setCredential(h.deps, { subject, kind, secret, by: 'user', owner, policy }));
  // Refusals that must not echo the secret either: a trivial variant, a too-long one, reuse.
  await run(setCredential(h.deps, { subject, kind, secret: secret.slice(0, 4).repeat(3), by: 'user', owner, policy }));
  await run(verifyCredential(h.deps, { subject, kind, secret: secret.repeat(40), device, policy }));
  await run(setCredential(h.deps, { subject, kind, secret, by: 'user', owner, policy }));
  for (let i = 0; i < 3; i++) await run(verifyCredential(h.deps, { subject, kind, secret: other, device, policy }));
  await run(verifyCredential(h.deps, { subject, kind, secret, device, policy }));
  await run(unlockCredential(h.deps, { subject, kind }));
  await run(verifyCredential(h.deps, { subject, kind, secret, device, policy }));
  h.clock.advance(31 * MINUTE);
  await run(credentialStatus(h.deps, { subject, kind }));
  await run(verifyCredential(h.deps, { subject: 'nobody', kind, secret, device, policy }));
  const stored = await h.store.load(subject, kind)();
  const hashes = E.isRight(stored) && stored.right !== undefined ? [stored.right.hash, ...stored.right.history] : [];
  return { set, outputs, hashes };
};

const assertNoLeak = (outputs: unknown[], secrets: string[], hashes: string[]) => {
  const text = JSON.stringify(outputs);
  const needles = new Set(secrets.flatMap((secret) => [secret, secret.normalize('NFKC'), JSON.stringify(secret).slice(1, -1)]));
  for (const hash of hashes) {
    needles.add(hash);
    // The digest and the salt on their own, too.
    for (const part of hash.split('$').filter((p) => p.length >= 16)) needles.add(part);
  }
  for (const needle of needles) assert.not.ok(text.includes(needle), 'an output contains a secret or a hash');
};

test('PINs: no event, outcome or error contains the PIN or its hash', async () => {
  await fc.assert(
    fc.asyncProperty(pins, pins, async (secret, other) => {
      fc.pre(secret !== other);
      const { set, outputs, hashes } = await scenario('pin', secret, other);
      if (E.isRight(set)) assert.ok(hashes.length > 0 && hashes[0]?.startsWith('$scrypt$'), 'a real hash was made');
      assertNoLeak(outputs, [secret, other, secret.slice(0, 4).repeat(3)], hashes);
    }),
    { numRuns: 40 },
  );
});

test('passwords (any characters, any script): no event, outcome or error contains the password or its hash', async () => {
  await fc.assert(
    fc.asyncProperty(passwords, passwords, async (secret, other) => {
      fc.pre(secret.normalize('NFKC') !== other.normalize('NFKC'));
      const { set, outputs, hashes } = await scenario('password', secret, other);
      if (E.isRight(set)) assert.ok(hashes.length > 0);
      assertNoLeak(outputs, [secret, other, secret.slice(0, 4).repeat(3)], hashes);
    }),
    { numRuns: 40 },
  );
});

test('the scenario does produce every kind of event, so the search above is not vacuous', async () => {
  const { outputs } = await scenario('pin', '73915824', '51739264');
  const types = new Set(outputs.flatMap((o) => ((o as { events?: { type: string }[] }).events ?? []).map((e) => e.type)));
  assert.equal([...types].sort(), [
    'CredentialLockedOut',
    'CredentialSet',
    'CredentialUnlocked',
    'CredentialVerificationFailed',
    'CredentialVerificationRefused',
    'CredentialVerified',
  ]);
  const codes = outputs.map((o) => (o as { code?: string }).code).filter((c) => c !== undefined);
  assert.equal(codes, ['pin_repeated_group', 'secret_too_long', 'credential_reused']);
});

test.run();
