// The machine as data: named actions, guards and delays; pure transitions; prompts
// every language has; the diagram in docs/ivr.md generated from the definition.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialTransition, transition } from 'xstate';
import { defaultIvrOptions, type IvrMachineInput } from './machine/model.js';
import { ivrMachine } from './machine.js';
import { outputsOf } from './outputs.js';
import { defaultCatalogs, missingPrompts, type PromptCatalog, promptIds, renderPrompt } from './prompts.js';
import { actionsOf, promptIdsOf, toMermaid, withDiagram } from './walk.js';

const input = (over: Partial<IvrMachineInput> = {}): IvrMachineInput => ({
  callId: 'c',
  device: 'SEP1',
  languages: ['en_US'],
  authenticationMode: 'secure-users',
  dialledIsIvr: true,
  options: defaultIvrOptions,
  ...over,
});

test('every prompt id the machine can emit exists in every shipped language, as text and as audio', () => {
  const emitted = promptIdsOf(ivrMachine);
  assert.ok(emitted.length >= 30);
  for (const [locale, catalog] of Object.entries(defaultCatalogs)) {
    assert.equal(missingPrompts(catalog, emitted), [], `${locale} lacks prompts`);
  }
  assert.equal([...promptIds].sort(), emitted, 'the catalogue lists exactly the prompts the machine can play');
});

test('a catalog that lacks a prompt (or its audio) is reported', () => {
  const { goodbye: _goodbye, ...rest } = defaultCatalogs.en_US?.prompts ?? {};
  const partial: PromptCatalog = { locale: 'xx_XX', name: 'test', prompts: { ...rest, welcome: { text: 'Hi', audio: [] } } };
  assert.equal(missingPrompts(partial, promptIdsOf()), ['goodbye', 'welcome']);
});

test('translations use the same arguments as the English text and audio', () => {
  const argsOf = (catalog: PromptCatalog, id: string) => {
    const entry = catalog.prompts[id];
    const text = [...(entry?.text.matchAll(/\{([A-Za-z]+)\}/g) ?? [])].map((m) => m[1]).sort();
    const audio = (entry?.audio ?? []).flatMap((s) => (typeof s === 'string' ? [] : [s.arg])).sort();
    return { text, audio };
  };
  const english = defaultCatalogs.en_US as PromptCatalog;
  for (const catalog of Object.values(defaultCatalogs)) {
    for (const id of promptIds) assert.equal(argsOf(catalog, id), argsOf(english, id), `${catalog.locale} ${id}`);
  }
});

test('rendering: text with arguments, audio files per language, digits read back one file each', () => {
  const confirm = renderPrompt(defaultCatalogs, 'en_US', 'confirm-self-provisioning-id', { digits: '2001' });
  assert.is(confirm.text, 'You entered 2001. To confirm, press 1. To enter it again, press 2.');
  assert.equal(confirm.audio, [
    'prompts/en_US/you-entered.wav',
    'prompts/en_US/digit-2.wav',
    'prompts/en_US/digit-0.wav',
    'prompts/en_US/digit-0.wav',
    'prompts/en_US/digit-1.wav',
    'prompts/en_US/confirm-or-reenter.wav',
  ]);
  assert.equal(renderPrompt(defaultCatalogs, 'fr_FR', 'enter-self-provisioning-id').audio, [
    'prompts/fr_FR/enter-self-provisioning-id.wav',
  ]);
  const fallback = renderPrompt(defaultCatalogs, 'de_DE', 'goodbye');
  assert.equal([fallback.language, fallback.text], ['en_US', 'Goodbye.']);
});

test('the machine is data: every action, guard and delay it uses is named in setup(), and every named one is used', () => {
  const impl = ivrMachine.implementations as unknown as Record<'actions' | 'guards' | 'delays', Record<string, unknown>>;
  const used = new Set<string>();
  for (const action of actionsOf()) {
    const type = typeof action === 'string' ? action : (action as { type: string }).type;
    if (typeof action === 'function')
      assert.ok(['xstate.raise', 'xstate.cancel'].includes(type), `only built-in timer actions are functions (${type})`);
    else assert.ok(type in impl.actions, `action ${type} is named`);
    used.add(type);
  }
  for (const name of Object.keys(impl.actions)) assert.ok(used.has(name), `action ${name} is used`);

  const guards = new Set<string>();
  const visit = (g: unknown) => {
    if (g === undefined) return;
    if (typeof g === 'string') guards.add(g);
    else if (typeof g === 'function' && Array.isArray((g as { guards?: unknown }).guards))
      (g as unknown as { guards: unknown[] }).guards.forEach(visit);
    else if (typeof g === 'object' && g !== null && typeof (g as { type?: unknown }).type === 'string')
      guards.add((g as { type: string }).type);
    else assert.unreachable('a guard that is neither named nor a combination of named guards');
  };
  const walk = (node: {
    states: Record<string, unknown>;
    transitions: Map<string, { guard?: unknown }[]>;
    always?: { guard?: unknown }[];
  }) => {
    for (const t of [...[...node.transitions.values()].flat(), ...(node.always ?? [])]) visit(t.guard);
    for (const child of Object.values(node.states)) walk(child as typeof node);
  };
  walk(ivrMachine.root as never);
  assert.equal([...guards].sort(), Object.keys(impl.guards).sort());
  assert.equal(Object.keys(impl.delays).sort(), ['firstDigit', 'interDigit']);
  assert.ok(toMermaid().includes('after firstDigit') && toMermaid().includes('after interDigit'), 'delays are named in transitions');
});

test('transitions are pure: the same input and events give the same outputs, as data', () => {
  const run = () => {
    let [snap, actions] = initialTransition(ivrMachine, input());
    const out = [outputsOf(actions)];
    for (const event of [{ type: 'DIGIT', digit: '1' }, { type: 'DIGIT', digit: '2' }, { type: 'HASH' }] as const) {
      [snap, actions] = transition(ivrMachine, snap, event);
      out.push(outputsOf(actions));
    }
    return { out, value: snap.value, context: snap.context };
  };
  const a = run();
  assert.equal(run(), a);
  assert.equal(a.out[3], [
    { kind: 'cancelTimer', id: 'xstate.after.interDigit.ivr.provision.enterId.more' },
    { kind: 'effect', effect: { type: 'identifyUser', by: 'self-provisioning-id', digits: '2' } },
  ]);
  assert.equal(a.out[0]?.at(-1), {
    kind: 'startTimer',
    id: 'xstate.after.firstDigit.ivr.mainMenu',
    eventType: 'xstate.after.firstDigit.ivr.mainMenu',
    delayMs: 10_000,
  });
});

test('machine: the language menu only with more than one language, and never when a language is preset', () => {
  const stateOf = (over: Partial<IvrMachineInput>) => initialTransition(ivrMachine, input(over))[0].value;
  assert.is(stateOf({ languages: ['en_US'] }), 'mainMenu');
  assert.is(stateOf({ languages: ['en_US', 'fr_FR'] }), 'languageMenu');
  assert.is(stateOf({ languages: ['en_US', 'fr_FR'], language: 'fr_FR' }), 'mainMenu');
  assert.is(stateOf({ unavailable: 'system_not_ready' }), 'goodbye');
  assert.is(stateOf({ dialledIsIvr: false }), 'goodbye');
});

test('machine: HANGUP ends the call from any state, and later events change nothing', () => {
  let [snap] = initialTransition(ivrMachine, input());
  [snap] = transition(ivrMachine, snap, { type: 'DIGIT', digit: '1' });
  const [ended, actions] = transition(ivrMachine, snap, { type: 'HANGUP' });
  assert.is(ended.status, 'done');
  assert.is(ended.value, 'hungUp');
  assert.equal(
    outputsOf(actions).map((o) => o.kind),
    ['cancelTimer'],
  );
  const [after, more] = transition(ivrMachine, ended, { type: 'PROVISION_RESULT', outcome: { ok: true, value: { extension: '2001' } } });
  assert.is(after.value, 'hungUp');
  assert.equal(more, []);
});

test('docs/ivr.md holds the diagram generated from the machine (run scripts/ivr-diagram.ts to update)', () => {
  const path = new URL('../../../docs/ivr.md', import.meta.url);
  const markdown = readFileSync(path, 'utf8');
  assert.ok(markdown === withDiagram(markdown), 'docs/ivr.md is out of date: node --conditions=source --import tsx scripts/ivr-diagram.ts');
  assert.ok(markdown.includes('stateDiagram-v2'));
});

test.run();
