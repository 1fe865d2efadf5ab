import { decodeWith } from '@selfprov/core';
import { deciderSpec } from '@selfprov/core/testkit';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AddAlternateNumberInput, MAX_ALTERNATE_NUMBERS, TIMER_BOUNDS } from './codecs.js';
import type { SnrFacts } from './commands.js';
import { defaultTimers, singleNumberReachDecider } from './decider.js';
import type { SingleNumberReachEvent } from './events.js';

const spec = deciderSpec(singleNumberReachDecider);
const facts: SnrFacts = {
  subject: 'alice',
  devices: [
    {
      deviceName: 'SEP001122334455',
      lines: [
        { index: 1, directoryNumber: '2001' },
        { index: 2, directoryNumber: '2101' },
      ],
    },
    { deviceName: 'RDPALICE', lines: [{ index: 1, directoryNumber: '2001' }] },
  ],
};
const add = (data: Record<string, unknown>) => ({
  type: 'AddAlternateNumber' as const,
  data: { id: 'a1', number: '+15551234567', ...data } as never,
  facts,
});
const added: SingleNumberReachEvent = {
  type: 'AlternateNumberAdded',
  data: {
    userId: 'alice',
    id: 'a1',
    personal: { number: '+15551234567', description: 'mobile' },
    reachMeAnywhere: true,
    mobile: true,
    timers: defaultTimers,
    lines: [{ deviceName: 'SEP001122334455', lineIndex: 1 }],
  },
};

test('an alternate number with description, flags, default timers and lines; personal data under personal', () => {
  spec
    .given([])
    .when(add({ description: 'mobile', mobile: true, lines: [{ deviceName: 'SEP001122334455', lineIndex: 1 }] }))
    .thenEvents([added]);
});

test('timers are bounded (tenths of a second) and consistent', () => {
  for (const [name, b] of Object.entries(TIMER_BOUNDS)) {
    for (const bad of [b.min - 1, b.max + 1, -5, 1.5, 1e9]) {
      const r = decodeWith(AddAlternateNumberInput)({ number: '5551234', timers: { [name]: bad } });
      assert.is(E.isLeft(r) && r.left.field, `timers.${name}`, `${name}=${bad}`);
    }
  }
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100 }),
      fc.integer({ min: 10, max: 3000 }),
      fc.integer({ min: 0, max: 300 }),
      (soon, late, delay) => {
        const r = singleNumberReachDecider.decide(
          add({ timers: { answerTooSoon: soon, answerTooLate: late, delayBeforeRinging: delay } }),
          { alternateNumbers: [] },
        );
        const consistent = soon < late && delay < late;
        return consistent ? E.isRight(r) : E.isLeft(r) && r.left.code === 'timers_inconsistent';
      },
    ),
  );
});

test('lines must be the user own lines', () => {
  spec
    .given([])
    .when(add({ lines: [{ deviceName: 'SEP0A0B0C0D0E0F', lineIndex: 1 }] }))
    .thenError('not_owner', { field: 'lines[0].deviceName' });
  spec
    .given([])
    .when(add({ lines: [{ deviceName: 'SEP001122334455', lineIndex: 9 }] }))
    .thenError('unknown_line', { field: 'lines[0].lineIndex' });
});

test("an alternate number is not the user's own line, nor a duplicate; at most the maximum", () => {
  spec
    .given([])
    .when(add({ number: '2101' }))
    .thenError('alternate_number_is_own_line', { field: 'number' });
  spec
    .given([added])
    .when(add({ id: 'a2' }))
    .thenError('alternate_number_exists');
  const many = Array.from(
    { length: MAX_ALTERNATE_NUMBERS },
    (_, i): SingleNumberReachEvent => ({
      ...added,
      data: { ...added.data, id: `n${i}`, personal: { number: `55500${i}`, description: '' } },
    }),
  );
  spec
    .given(many)
    .when(add({ id: 'x', number: '777' }))
    .thenError('too_many_alternate_numbers');
});

test('update merges, unchanged is a no-op; remove; unknown ids refused', () => {
  spec
    .given([added])
    .when({ type: 'UpdateAlternateNumber', data: { id: 'a1', reachMeAnywhere: false, timers: { delayBeforeRinging: 60 } } as never, facts })
    .thenState((s) => {
      assert.is(s.alternateNumbers[0]?.reachMeAnywhere, false);
      assert.equal(s.alternateNumbers[0]?.timers, { ...defaultTimers, delayBeforeRinging: 60 });
      assert.is(s.alternateNumbers[0]?.personal.description, 'mobile');
    });
  spec
    .given([added])
    .when({ type: 'UpdateAlternateNumber', data: { id: 'a1', mobile: true } as never, facts })
    .thenNothing();
  spec
    .given([added])
    .when({ type: 'RemoveAlternateNumber', data: { id: 'a1' } as never, facts })
    .thenState((s) => assert.equal(s.alternateNumbers, []));
  spec
    .given([])
    .when({ type: 'RemoveAlternateNumber', data: { id: 'zz' } as never, facts })
    .thenError('alternate_number_not_found', { field: 'id' });
});

test.run();
