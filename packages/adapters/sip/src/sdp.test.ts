import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerSdp, negotiate, offerSdp, parseSdp } from './sdp.js';

const offer = (m: string, extra: string[] = [], c = 'c=IN IP4 10.0.0.2') =>
  ['v=0', 'o=phone 1 1 IN IP4 10.0.0.2', 's=-', c, 't=0 0', m, ...extra, ''].join('\r\n');

test('the first of PCMU/PCMA in the offer wins; telephone-event keeps the offered payload type', () => {
  const pcma = parseSdp(offer('m=audio 4000 RTP/AVP 18 8 0 96', ['a=rtpmap:18 G729/8000', 'a=rtpmap:96 telephone-event/8000']));
  assert.equal(pcma && negotiate(pcma), { codec: 'PCMA', payloadType: 8, telephoneEvent: 96 });
  const pcmu = parseSdp(offer('m=audio 4000 RTP/AVP 0 8'));
  assert.equal(pcmu && negotiate(pcmu), { codec: 'PCMU', payloadType: 0 });
  assert.is(pcmu?.address, '10.0.0.2');
  assert.is(pcmu?.port, 4000);
});

test('no G.711 offered: nothing to answer (488); not SDP at all: undefined', () => {
  const g729 = parseSdp(offer('m=audio 4000 RTP/AVP 18', ['a=rtpmap:18 G729/8000']));
  assert.is(g729 && negotiate(g729), undefined);
  assert.is(parseSdp('hello'), undefined);
  assert.is(parseSdp(offer('m=video 4000 RTP/AVP 96')), undefined);
});

test('media-level c= overrides the session one; hold is seen; a second audio stream is ignored', () => {
  const s = parseSdp(
    offer(
      'm=audio 4000 RTP/AVP 0',
      ['c=IN IP4 192.168.1.9', 'a=sendonly', 'm=audio 5000 RTP/AVP 8', 'c=IN IP4 1.1.1.1'],
      'c=IN IP4 0.0.0.0',
    ),
  );
  assert.is(s?.address, '192.168.1.9');
  assert.is(s?.direction, 'sendonly');
  assert.is(s?.hold, false);
  assert.is(parseSdp(offer('m=audio 4000 RTP/AVP 0', [], 'c=IN IP4 0.0.0.0'))?.hold, true);
});

test('answer and offer round-trip through the parser', () => {
  const d = { address: '127.0.0.1', port: 30000, sessionId: 7, version: 2 };
  const answer = parseSdp(answerSdp(d, { codec: 'PCMA', payloadType: 8, telephoneEvent: 101 }));
  assert.equal(answer?.payloadTypes, [8, 101]);
  assert.equal(answer && negotiate(answer), { codec: 'PCMA', payloadType: 8, telephoneEvent: 101 });
  const ours = parseSdp(offerSdp(d));
  assert.equal(ours?.payloadTypes, [0, 8, 101]);
  assert.is(ours?.port, 30000);
});

test.run();
