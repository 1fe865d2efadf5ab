import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createScryptHasher, productionScryptParameters } from '../testing/scryptHasher.js';
import { recommendedScryptParameters } from './ports.js';

test('the test hasher makes salted, self-describing PHC strings that verify only the right secret', async () => {
  const hasher = createScryptHasher();
  await fc.assert(
    fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30 }), async (secret, other) => {
      fc.pre(secret !== other);
      const stored = await hasher.hash(secret);
      assert.match(stored, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      assert.ok(await hasher.verify(secret, stored));
      assert.not.ok(await hasher.verify(other, stored));
    }),
    { numRuns: 30 },
  );
  assert.not.equal(await hasher.hash('same'), await hasher.hash('same'), 'a fresh salt each time');
  assert.not.ok(await hasher.verify('x', 'not-a-hash'));
});

test('parameters are read from the stored string, so hashes made at another cost still verify', async () => {
  const cheap = createScryptHasher({ log2N: 4 });
  const stored = await cheap.hash('73915824');
  assert.ok(stored.startsWith('$scrypt$ln=4,'));
  assert.ok(await createScryptHasher().verify('73915824', stored));
});

test('production parameters follow OWASP: N = 2^17, r = 8, p = 1, maxmem above 128 MiB', () => {
  assert.equal(productionScryptParameters, recommendedScryptParameters);
  const { log2N, r, p, maxmem } = recommendedScryptParameters;
  assert.equal([log2N, r, p], [17, 8, 1]);
  assert.ok(maxmem > 128 * 2 ** log2N * r);
});

test.run();
