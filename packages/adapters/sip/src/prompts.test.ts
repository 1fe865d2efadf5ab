import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalogs, renderPrompt } from '@selfprov/ivr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPromptLibrary, defaultPromptRoot, promptAudioTexts } from './prompts.js';

test('every audio file the catalogs can play is committed, readable 8 kHz audio, in both laws', () => {
  const library = createPromptLibrary();
  assert.equal(library.preload(), []);
  for (const [locale, catalog] of Object.entries(defaultCatalogs)) {
    for (const id of Object.keys(catalog.prompts)) {
      const rendered = renderPrompt(defaultCatalogs, locale, id, { digits: '0123456789', key: '1', triesLeft: '2', extension: '2001' });
      for (const path of rendered.audio) {
        const mu = library.samples(path, 'PCMU');
        assert.ok(mu && mu.length > 800, `${path} is missing or shorter than 0.1 s`);
        assert.is(library.samples(path, 'PCMA')?.length, mu.length);
      }
    }
  }
});

test('the texts behind the audio come from the catalogs, sentence by sentence where a prompt has several files', () => {
  const texts = new Map(promptAudioTexts().map((t) => [`${t.locale}/${t.file}`, t.text]));
  assert.is(texts.get('en_US/welcome'), 'Welcome to phone self-provisioning.');
  assert.is(texts.get('en_US/you-entered'), 'You entered');
  assert.is(texts.get('en_US/confirm-or-reenter'), 'To confirm, press 1. To enter it again, press 2.');
  assert.is(texts.get('en_US/wrong-credential'), 'That PIN or code is not correct.');
  assert.is(texts.get('en_US/attempts-left'), 'Attempts left:');
  assert.is(texts.get('fr_FR/digit-7'), '7');
});

test('the prompts stay small (< 5 MB in all) and a missing or foreign path is reported, never read', () => {
  const dir = join(defaultPromptRoot, 'prompts');
  let total = 0;
  for (const locale of readdirSync(dir)) for (const f of readdirSync(join(dir, locale))) total += statSync(join(dir, locale, f)).size;
  assert.ok(total < 5 * 1024 * 1024, `${total} bytes of prompts`);
  const missing: string[] = [];
  const library = createPromptLibrary(defaultPromptRoot, (path) => missing.push(path));
  assert.is(library.samples('prompts/en_US/no-such-prompt.wav', 'PCMU'), undefined);
  assert.is(library.samples('../../../../etc/passwd', 'PCMU'), undefined);
  assert.is(library.samples('/etc/passwd', 'PCMU'), undefined);
  assert.equal(missing, ['prompts/en_US/no-such-prompt.wav', '../../../../etc/passwd', '/etc/passwd']);
});

test.run();
