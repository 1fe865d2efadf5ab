import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBatchFile } from './batchFile.js';

test('good lines become actions; personal columns optional', () => {
  const r = parseBatchFile(
    'action,userId,domain,role,firstName,lastName,email\nadd,erin,Default,SelfCareUser,Erin,Example,erin@example.com\nUPDATE,bob,Default,NONE,,,\n',
  );
  assert.equal(
    r,
    E.right([
      {
        ok: {
          line: 2,
          action: 'add',
          userId: 'erin',
          domain: 'Default',
          role: 'SelfCareUser',
          personal: { firstName: 'Erin', lastName: 'Example', email: 'erin@example.com' },
        },
      },
      { ok: { line: 3, action: 'update', userId: 'bob', domain: 'Default', role: 'none', personal: {} } },
    ]),
  );
});

test('columns in any order, case-insensitive; the header must have the required ones', () => {
  const r = parseBatchFile('Role,UserID,Domain,Action\nSelfCareUser,erin,Default,add');
  assert.ok(E.isRight(r) && 'ok' in (r.right[0] as object));
  const missing = parseBatchFile('action,userId,role\nadd,erin,none');
  assert.ok(E.isLeft(missing) && missing.left.code === 'missing_column' && missing.left.field === 'domain');
  const unknown = parseBatchFile('action,userId,domain,role,shoeSize\n');
  assert.ok(E.isLeft(unknown) && unknown.left.code === 'unknown_column' && unknown.left.field === 'header[4]');
  const twice = parseBatchFile('action,userId,domain,role,role\n');
  assert.ok(E.isLeft(twice) && twice.left.code === 'duplicate_column');
  const empty = parseBatchFile('\n\n');
  assert.ok(E.isLeft(empty) && empty.left.code === 'missing_header');
});

test('a malformed line is refused alone, naming line and field', () => {
  const r = parseBatchFile(
    [
      'action,userId,domain,role,email',
      'add,erin,Default,SelfCareUser,erin@example.com',
      'add,frank,Default,Admin,',
      'delete,gina,Default,none,',
      'add,h i,Default,none,',
      'add,ivan,Default,none,not-an-email',
      'add,jo,Default',
      'add,"kim,Default,none,',
    ].join('\r\n'),
  );
  assert.ok(E.isRight(r));
  if (E.isLeft(r)) return;
  const summary = r.right.map((e) => ('ok' in e ? `${e.ok.line}:ok` : `${e.error.line}:${e.error.code}:${e.error.field}`));
  assert.equal(summary, [
    '2:ok',
    '3:invalid_role:role',
    '4:invalid_action:action',
    '5:invalid_input:userId',
    '6:invalid_input:email',
    '7:wrong_field_count:line',
    '8:unterminated_quote:line',
  ]);
  const e = r.right[1];
  assert.ok(e && 'error' in e && e.error.message.startsWith('line 3:'));
});

test('bytes: UTF-8 with BOM accepted; Latin-1 and UTF-16 refused as a whole', () => {
  const utf8 = Uint8Array.from([
    0xef,
    0xbb,
    0xbf,
    ...Buffer.from('action,userId,domain,role,firstName\nadd,zoe,Default,none,Zoë\n', 'utf8'),
  ]);
  const ok = parseBatchFile(utf8);
  assert.ok(E.isRight(ok) && 'ok' in (ok.right[0] as object));
  const latin1 = parseBatchFile(Uint8Array.from(Buffer.from('action,userId,domain,role,firstName\nadd,zoe,Default,none,Zoë\n', 'latin1')));
  assert.ok(E.isLeft(latin1) && latin1.left.code === 'invalid_encoding' && latin1.left.field === 'file');
  const utf16 = parseBatchFile(Uint8Array.from(Buffer.from('\uFEFFaction,userId,domain,role\n', 'utf16le')));
  assert.ok(E.isLeft(utf16) && utf16.left.code === 'invalid_encoding');
});

test.run();
