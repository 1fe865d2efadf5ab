import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deciderSpec } from '../../testkit/index.js';
import { type DirectoryNumberCommand, decodeDirectoryNumberCommand } from './commands.js';
import { directoryNumberDecider } from './decider.js';
import type { DirectoryNumberEvent, DnHolderData } from './events.js';

const spec = deciderSpec(directoryNumberDecider);

const cmd = (input: Record<string, unknown>): DirectoryNumberCommand => {
  const decoded = decodeDirectoryNumberCommand(input);
  if (E.isLeft(decoded)) throw new Error(`bad test command: ${JSON.stringify(decoded.left)}`);
  return decoded.right;
};

const phone: DnHolderData = { kind: 'phone', deviceName: 'SEP001122334455' };
const otherPhone: DnHolderData = { kind: 'phone', deviceName: 'SEP001122334466' };
const aliceLine: DnHolderData = { kind: 'user-line', userId: 'alice' };
const reserve = (holder: DnHolderData) => cmd({ type: 'ReserveDirectoryNumber', clusterId: 'c1', directoryNumber: '1000', holder });
const release = (holder: DnHolderData) => cmd({ type: 'ReleaseDirectoryNumber', clusterId: 'c1', directoryNumber: '1000', holder });
const reserved = (holder: DnHolderData): DirectoryNumberEvent => ({
  type: 'DirectoryNumberReserved',
  data: { clusterId: 'c1', directoryNumber: '1000', holder },
});
const released = (holder: DnHolderData): DirectoryNumberEvent => ({
  type: 'DirectoryNumberReleased',
  data: { clusterId: 'c1', directoryNumber: '1000', holder },
});

test('a free number is reserved by a phone or a user line', () => {
  spec
    .given([])
    .when(reserve(phone))
    .thenEvents([reserved(phone)]);
  spec
    .given([reserved(phone), released(phone)])
    .when(reserve(aliceLine))
    .thenEvents([reserved(aliceLine)]);
});

test('reserving a held number is refused; the same holder again changes nothing', () => {
  spec
    .given([reserved(phone)])
    .when(reserve(otherPhone))
    .thenError('directory_number_in_use', { field: 'directoryNumber' });
  spec
    .given([reserved(aliceLine)])
    .when(reserve({ kind: 'user-line', userId: 'bob' }))
    .thenError('directory_number_in_use');
  spec
    .given([reserved(aliceLine)])
    .when(reserve(phone))
    .thenError('directory_number_in_use');
  spec
    .given([reserved(phone)])
    .when(reserve(phone))
    .thenNothing();
});

test('release returns the number to the pool; only its holder may release it', () => {
  spec
    .given([reserved(phone)])
    .when(release(phone))
    .thenState((s) => {
      assert.is(s.holder, undefined);
      assert.is(s.exists, true);
    });
  spec
    .given([reserved(phone)])
    .when(release(otherPhone))
    .thenError('directory_number_held_by_other');
  spec.given([]).when(release(phone)).thenNothing();
});

test('decodeDirectoryNumberCommand refuses unicode digits and unknown holders', () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ type: 'ReserveDirectoryNumber', clusterId: 'c1', directoryNumber: '١٠٠٠', holder: phone }, 'directoryNumber'],
    [{ type: 'ReserveDirectoryNumber', clusterId: 'c1', directoryNumber: '+1000', holder: phone }, 'directoryNumber'],
    [{ type: 'ReserveDirectoryNumber', clusterId: 'c1', directoryNumber: '1000', holder: { kind: 'robot', id: 'x' } }, 'holder'],
  ];
  for (const [input, field] of bad) {
    const r = decodeDirectoryNumberCommand(input);
    assert.ok(E.isLeft(r));
    if (E.isLeft(r)) assert.is(r.left.field, field, JSON.stringify(r.left));
  }
});

test.run();
