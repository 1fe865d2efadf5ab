import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScryptHasher } from './scryptHasher.js';

const fast = createScryptHasher({ log2N: 10 });

test('a hash verifies its secret and no other', async () => {
  const stored = await fast.hash('73915824');
  assert.match(stored, /^\$scrypt\$ln=10,r=8,p=1\$/);
  assert.not.ok(stored.includes('73915824'));
  assert.ok(await fast.verify('73915824', stored));
  assert.not.ok(await fast.verify('73915825', stored));
});

test('two hashes of one secret differ (random salt)', async () => {
  assert.is.not(await fast.hash('4242'), await fast.hash('4242'));
});

test('verify reads the cost from the stored string: hashes of another cost stay valid', async () => {
  const old = await createScryptHasher({ log2N: 11 }).hash('Selfcare!2026');
  assert.ok(await fast.verify('Selfcare!2026', old));
});

test('malformed stored strings never verify', async () => {
  for (const bad of ['', 'plain', '$scrypt$ln=10,r=8,p=1$$', '$bcrypt$x']) assert.not.ok(await fast.verify('x', bad));
});

test('the default is OWASP N=2^17 and works within raised maxmem', async () => {
  const strong = createScryptHasher();
  const stored = await strong.hash('Selfcare!2026');
  assert.match(stored, /^\$scrypt\$ln=17,r=8,p=1\$/);
  assert.ok(await strong.verify('Selfcare!2026', stored));
});

test.run();
