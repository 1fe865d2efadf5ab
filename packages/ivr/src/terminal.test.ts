// The terminal transport, scripted like `printf '...' | selfprov ivr --device ...`.
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AuthenticationMode } from './gateway.js';
import { simulatedScheduler } from './scheduler.js';
import { runTerminalIvr } from './terminal.js';
import { ALICE_PIN, AUTH_CODE, harness, NEW_PHONE, untouchedNewPhone } from './testing/harness.js';

const collect = () => {
  const stream = new PassThrough();
  let text = '';
  let waiters: { readonly part: string; readonly done: () => void }[] = [];
  stream.on('data', (chunk) => {
    text += String(chunk);
    const due = waiters.filter((w) => text.includes(w.part));
    waiters = waiters.filter((w) => !text.includes(w.part));
    for (const w of due) w.done();
  });
  /** Resolves once the output holds `part`: waits on the stream's data, not on the clock or the event loop. */
  const printed = (part: string) =>
    new Promise<void>((done) => {
      if (text.includes(part)) done();
      else waiters.push({ part, done });
    });
  return { stream, text: () => text, printed };
};

const run = async (
  script: string | null,
  mode: AuthenticationMode,
  extra: { language?: string; languages?: string[]; dial?: string } = {},
) => {
  const h = await harness({ authenticationMode: mode, ...(extra.languages ? { languages: extra.languages } : {}) });
  const input = new PassThrough();
  const out = collect();
  if (script !== null) input.end(script);
  const result = runTerminalIvr({
    gateway: h.gateway,
    store: h.store,
    device: NEW_PHONE,
    input,
    output: out.stream,
    scheduler: h.scheduler,
    ...(extra.language ? { language: extra.language } : {}),
    ...(extra.dial ? { dial: extra.dial } : {}),
  });
  return { h, input, out, result };
};

test('a piped script provisions the phone in each authentication mode (prompts one per line)', async () => {
  const scripts: Record<AuthenticationMode, string> = {
    'non-secure': '1\n2001#\n1\n',
    'secure-users': `1\n2001#\n1\n${ALICE_PIN}#\n`,
    'secure-users-and-admins': `1\n2001#\n1\n*${AUTH_CODE}#\n`,
  };
  for (const [mode, script] of Object.entries(scripts) as [AuthenticationMode, string][]) {
    const { h, out, result } = await run(script, mode);
    const r = await result;
    assert.is(r.outcome, 'completed', mode);
    assert.is(r.state, 'goodbye');
    const lines = out.text().trimEnd().split('\n');
    assert.is(lines[0], 'Welcome to phone self-provisioning.');
    assert.is(lines.at(-2), 'Your phone is now provisioned with extension 2001. It will restart.');
    assert.is(lines.at(-1), 'Goodbye.');
    assert.is(lines.length, r.prompts.length, 'one line per prompt');
    assert.is((await h.phone(NEW_PHONE))?.owner, 'alice');
    assert.not.ok(out.text().includes(ALICE_PIN) || out.text().includes(AUTH_CODE), 'secrets are never echoed');
  }
});

test('with two languages: the script answers the language menu first, or the language is preset', async () => {
  const menu = await run(`2\n1\n2001#\n1\n${ALICE_PIN}#\n`, 'secure-users', { languages: ['en_US', 'fr_FR'] });
  assert.ok((await menu.result).outcome === 'completed');
  assert.ok(menu.out.text().includes('Au revoir.'));
  const preset = await run(`1\n2001#\n1\n${ALICE_PIN}#\n`, 'secure-users', { languages: ['en_US', 'fr_FR'], language: 'en_US' });
  assert.ok((await preset.result).prompts.includes('phone-provisioned'));
});

test('end of input is a hang-up; nothing is provisioned', async () => {
  const { h, result } = await run('1\n2001#\n', 'secure-users');
  const r = await result;
  assert.is(r.outcome, 'hung-up');
  assert.is(r.state, 'hungUp');
  assert.equal(await h.phone(NEW_PHONE), untouchedNewPhone);
  const events = await h.events(r.callId ?? '');
  assert.is(events.at(-1)?.type, 'IvrCallerHungUp');
});

test('a line with keys outside 0-9*# is reported (naming the field) and skipped; empty lines are ignored', async () => {
  const { out, result } = await run('1\n\nabc\n2001#\n1\n', 'non-secure');
  const r = await result;
  assert.is(r.outcome, 'completed');
  assert.ok(out.text().includes('! digits must be 1 to 64 DTMF keys: 0-9, * or #'));
  assert.not.ok(out.text().includes('abc'), 'the refused line is not echoed');
});

test('timeouts while waiting for a line are printed, and the call can end on them', async () => {
  const { h, input, out, result } = await run(null, 'non-secure');
  input.write('1\n');
  // The line has been read and handled once its prompt is printed; only then does simulated time move.
  await out.printed('Enter your self-provisioning ID');
  for (let i = 0; i < 3; i++) await h.scheduler.advance(10_000);
  const r = await result;
  assert.is(r.outcome, 'completed');
  assert.ok(out.text().trimEnd().endsWith('Too many unsuccessful attempts.\nGoodbye.'));
  input.end();
});

test('a call that cannot start reports why', async () => {
  const h = await harness();
  const out = collect();
  const r = await runTerminalIvr({
    gateway: h.gateway,
    store: h.store,
    device: 'bad device',
    input: new PassThrough(),
    output: out.stream,
    scheduler: simulatedScheduler(),
  });
  assert.is(r.outcome, 'failed');
  assert.is(r.error?.field, 'device');
  assert.ok(out.text().startsWith('! '));
});

test('dialling another number', async () => {
  const { result, out } = await run('', 'non-secure', { dial: '1234' });
  assert.equal((await result).prompts, ['not-the-ivr-number', 'goodbye']);
  assert.ok(out.text().includes('does not reach'));
});

test.run();
