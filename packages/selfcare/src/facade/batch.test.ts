import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failure, fixture, ok } from '../testing/fixture.js';

const FILE = [
  'action,userId,domain,role,firstName,lastName,email',
  'add,erin,Default,SelfCareUser,Erin,"Example, Jr.",erin@example.com',
  'add,frank,Legacy,SelfCareUser,,,',
  'add,gina,Legacy,none,Gina,,',
  'update,bob,Default,none,,,',
  '',
  'update,alice,Legacy,SelfCareUser,,,',
  'add,"broken,Default,none',
  'update,nobody,Default,SelfCareUser,,,',
  'add,erin,Default,SelfCareUser,,,',
  'add,hal,Default,Root,,,',
  'add,ivy,Default,SelfCareUser,,,not-an-email',
].join('\r\n');

test('a batch file: each line applied or refused on its own, the report says which and why', async () => {
  const f = await fixture();
  await ok(f.sc.admin.createDomain(f.admin, { domain: 'Legacy' }));
  const report = await ok(f.sc.admin.runBatch(f.admin, FILE, { batchId: 'b1' }));
  const lines = report.lines.map((l) => `${l.line} ${l.userId ?? '-'} ${l.outcome}${l.code ? ` ${l.code}/${l.field}` : ''}`);
  assert.equal(lines, [
    '2 erin applied',
    '3 frank refused self_care_rule_off/roles',
    '4 gina applied',
    '5 bob applied',
    '7 alice refused domain_mismatch/domain',
    '8 - refused unterminated_quote/line',
  ]);
  // The unterminated quote swallows the rest of the file: the reader cannot know where the record ends.
  assert.equal([report.applied, report.unchanged, report.refused], [3, 0, 3]);
  const erin = await ok(f.sc.userSettings(f.forUser('erin')));
  assert.equal([erin.roles, erin.personal], [['SelfCareUser'], { firstName: 'Erin', lastName: 'Example, Jr.', email: 'erin@example.com' }]);
  assert.equal((await ok(f.sc.userSettings(f.forUser('bob')))).roles, []);
  assert.ok(report.lines[1]?.message?.startsWith('line 3:'));
  const batchEvents = (await f.log()).filter((e) => e.metadata.channel === 'batch');
  assert.ok(batchEvents.length >= 3);
  assert.ok(batchEvents.every((e) => e.metadata.actor.kind === 'administrator'));
});

test('line-level refusals after the domain checks, and a re-run of the same batch changes nothing', async () => {
  const f = await fixture();
  const file = [
    'action,userId,domain,role',
    'update,nobody,Default,SelfCareUser',
    'add,erin,Default,SelfCareUser',
    'add,erin,Default,SelfCareUser',
    'add,hal,Default,Root',
    'add,ivy,Nowhere,none',
    'update,bob,Default,SelfCareUser',
  ].join('\n');
  const report = await ok(f.sc.admin.runBatch(f.admin, file, { batchId: 'b2' }));
  assert.equal(
    report.lines.map((l) => `${l.line} ${l.outcome} ${l.code ?? ''}`.trim()),
    [
      '2 refused account_not_found',
      '3 applied',
      '4 refused account_exists',
      '5 refused invalid_role',
      '6 refused domain_not_found',
      '7 unchanged',
    ],
  );
  const before = (await f.log()).length;
  const again = await ok(f.sc.admin.runBatch(f.admin, file, { batchId: 'b2' }));
  assert.is(again.lines[1]?.outcome, 'applied');
  assert.is((await f.log()).length, before);
});

test('a new self-care user from a batch gets the default password when the domain has one', async () => {
  const f = await fixture();
  await ok(f.sc.admin.setDefaultPasswordRule(f.admin, { domain: 'Default', enabled: true, password: 'Welcome-2026' }));
  await ok(f.sc.admin.runBatch(f.admin, 'action,userId,domain,role\nadd,erin,Default,SelfCareUser\n'));
  assert.ok(await ok(f.sc.login({ userId: 'erin', password: 'Welcome-2026' })));
});

test('an unreadable file is refused as a whole, appending nothing', async () => {
  const f = await fixture();
  const before = (await f.log()).length;
  for (const [file, code, field] of [
    ['userId,domain,role\nerin,Default,none', 'missing_column', 'action'],
    ['action,userId,domain,role,colour\n', 'unknown_column', 'header[4]'],
    ['', 'missing_header', 'header'],
    [Uint8Array.from(Buffer.from('action,userId,domain,role,firstName\nadd,zoe,Default,none,Zoë\n', 'latin1')), 'invalid_encoding', 'file'],
    [Uint8Array.from(Buffer.from('action,userId,domain,role\n', 'utf16le')), 'invalid_encoding', 'file'],
  ] as const) {
    const e = await failure(f.sc.admin.runBatch(f.admin, file));
    assert.equal([e.code, e.field], [code, field]);
  }
  assert.is((await f.log()).length, before);
});

test.run();
