import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SQLITE_PATH, DEFAULT_SQLITE_URL, parseSqliteUrl } from './index.js';

const pathOf = (url: unknown) => {
  const r = parseSqliteUrl(url);
  if (E.isLeft(r)) assert.unreachable(`${String(url)}: ${r.left.message}`);
  return E.isRight(r) ? r.right.path : undefined;
};

test('relative, absolute and in-memory URLs give their path', () => {
  assert.is(pathOf('sqlite:./.selfprov/events.db'), './.selfprov/events.db');
  assert.is(pathOf('sqlite:/abs/path.db'), '/abs/path.db');
  assert.is(pathOf('sqlite:events.db'), 'events.db');
  assert.is(pathOf('sqlite::memory:'), ':memory:');
  assert.is(pathOf('SQLite:/x/y.db'), '/x/y.db');
  assert.is(pathOf('sqlite:./my data/é.db'), './my data/é.db');
});

test('the default URL is the default path', () => {
  assert.is(DEFAULT_SQLITE_URL, 'sqlite:./.selfprov/events.db');
  assert.is(pathOf(DEFAULT_SQLITE_URL), DEFAULT_SQLITE_PATH);
});

test('malformed URLs are refused with invalid_store_url naming the field', () => {
  const bad: [unknown, RegExp][] = [
    ['postgres://localhost/db', /must start with "sqlite:"/],
    ['memory:', /must start with "sqlite:"/],
    ['sqlite:', /no path/],
    ['sqlite://relative.db', /without "\/\/"/],
    ['sqlite:///abs.db', /without "\/\/"/],
    ['sqlite: ./events.db', /whitespace/],
    ['sqlite:./events.db\n', /whitespace/],
    ['sqlite:./ev\u0000ents.db', /control characters/],
    ['sqlite:./data/', /directory/],
    ['', /must start with "sqlite:"/],
    [42, /must be a string/],
    [undefined, /must be a string/],
  ];
  for (const [url, why] of bad) {
    const r = parseSqliteUrl(url);
    assert.ok(E.isLeft(r), `${JSON.stringify(url)} should be refused`);
    if (E.isLeft(r)) {
      assert.is(r.left.code, 'invalid_store_url');
      assert.is(r.left.field, 'store');
      assert.match(r.left.message, why);
      assert.match(r.left.message, /sqlite:\.\/\.selfprov\/events\.db/, 'the message shows a valid example');
    }
  }
  const named = parseSqliteUrl('nope', 'SELFPROV_STORE');
  assert.is(E.isLeft(named) && named.left.field, 'SELFPROV_STORE');
});

test.run();
