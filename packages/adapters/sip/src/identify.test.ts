import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deviceMacOf, macFromInstance, macFromUser, modelOf } from './identify.js';
import type { SipRequest } from './message/model.js';
import { parseSipMessage } from './message/parse.js';

const register = (to: string, extra: string[] = [], contact = '<sip:x@10.0.0.2:5062>') => {
  const r = parseSipMessage(
    [
      'REGISTER sip:h SIP/2.0',
      'Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK1',
      `From: <sip:${to}@h>;tag=1`,
      `To: <sip:${to}@h>`,
      'Call-ID: c',
      'CSeq: 1 REGISTER',
      `Contact: ${contact}`,
      ...extra,
      '',
      '',
    ].join('\r\n'),
  );
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right as SipRequest;
};

test('+sip.instance: the Cisco form (zeros, then the MAC), a version-1 UUID, urn:dev:mac; a random UUID is not a MAC', () => {
  assert.is(macFromInstance('"<urn:uuid:00000000-0000-0000-0000-00aabbccddee>"'), '00AABBCCDDEE');
  assert.is(macFromInstance('<urn:uuid:6ba7b810-9dad-11d1-80b4-001122334455>'), '001122334455');
  assert.is(macFromInstance('<urn:dev:mac:001122334455>'), '001122334455');
  assert.is(macFromInstance('<urn:uuid:f81d4fae-7dec-41d0-a765-00a0c91e6bf6>'), undefined);
  assert.is(macFromInstance('<urn:uuid:00000000-0000-0000-0000-000000000000>'), undefined);
  assert.is(macFromInstance(null), undefined);
});

test('user part: SEP<MAC> in any case, or a MAC in its usual spellings; a DN is not a MAC', () => {
  assert.is(macFromUser('SEP001122334455'), '001122334455');
  assert.is(macFromUser('sep00aabbccddee'), '00AABBCCDDEE');
  assert.is(macFromUser('00:11:22:33:44:55'), '001122334455');
  assert.is(macFromUser('0011.2233.4455'), '001122334455');
  assert.is(macFromUser('1000'), undefined);
  assert.is(macFromUser('FFFFFFFFFFFF'), undefined);
});

test('order: instance, then user part, then the MAC header (configurable)', () => {
  const all = register(
    'SEP001122334455',
    ['X-Device-MAC: 00:00:00:00:00:99'],
    '<sip:x@h>;+sip.instance="<urn:uuid:00000000-0000-0000-0000-00aabbccddee>"',
  );
  assert.equal(deviceMacOf(all, 'To'), { mac: '00AABBCCDDEE', source: 'instance' });
  assert.equal(deviceMacOf(register('SEP001122334455', ['X-Device-MAC: 00:00:00:00:00:99']), 'To'), {
    mac: '001122334455',
    source: 'user',
  });
  assert.equal(deviceMacOf(register('alice', ['X-Device-MAC: 00-00-00-00-00-99']), 'To'), { mac: '000000000099', source: 'header' });
  assert.equal(deviceMacOf(register('alice', ['X-Phone-Id: 000000000042']), 'To', 'X-Phone-Id'), { mac: '000000000042', source: 'header' });
  assert.is(deviceMacOf(register('alice'), 'To'), undefined);
});

test('model from User-Agent, control characters dropped, 100 characters at most', () => {
  assert.is(modelOf(register('a', ['User-Agent: Cisco-CP8845/14.2.1'])), 'Cisco-CP8845/14.2.1');
  assert.is(modelOf(register('a', [`User-Agent: ${'x'.repeat(300)}`])).length, 100);
  assert.is(modelOf(register('a')), 'Third-party SIP Device');
});

test.run();
