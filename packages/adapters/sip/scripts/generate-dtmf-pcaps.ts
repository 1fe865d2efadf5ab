// Writes the RFC 4733 key presses the sipp scenarios play (`<exec play_pcap_audio=...>`):
// scenarios/pcap/dtmf-<key>.pcap for 0-9, `star` and `pound`. Each is one press as a phone
// sends it: a start packet (marker bit), 6 updates 20 ms apart, and the end packet three
// times (160 ms, payload type 101, volume 10). Committed; run again only to change them:
//   node --conditions=source --import tsx packages/adapters/sip/scripts/generate-dtmf-pcaps.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildRtp, buildTelephoneEvent, eventCodeOf } from '../src/rtp.js';

const out = new URL('../scenarios/pcap/', import.meta.url);
mkdirSync(out, { recursive: true });

const ipv4 = (payload: Buffer, sport: number, dport: number): Buffer => {
  const udp = Buffer.alloc(8 + payload.length);
  udp.writeUInt16BE(sport, 0);
  udp.writeUInt16BE(dport, 2);
  udp.writeUInt16BE(udp.length, 4);
  payload.copy(udp, 8);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + udp.length, 2);
  ip[8] = 64; // TTL
  ip[9] = 17; // UDP
  ip.set([127, 0, 0, 1], 12);
  ip.set([127, 0, 0, 1], 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const ether = Buffer.alloc(14);
  ether.writeUInt16BE(0x0800, 12);
  return Buffer.concat([ether, ip, udp]);
};

const pcap = (frames: readonly { at: number; data: Buffer }[]): Buffer => {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20); // Ethernet
  const records = frames.map(({ at, data }) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + Math.floor(at / 1000), 0);
    r.writeUInt32LE((at % 1000) * 1000, 4);
    r.writeUInt32LE(data.length, 8);
    r.writeUInt32LE(data.length, 12);
    return Buffer.concat([r, data]);
  });
  return Buffer.concat([head, ...records]);
};

const names: Record<string, string> = { '*': 'star', '#': 'pound' };
for (const key of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']) {
  const event = eventCodeOf(key) ?? 0;
  const timestamp = 8000 + event * 1600;
  const frames: { at: number; data: Buffer }[] = [];
  let sequence = 1000 + event * 20;
  const packet = (at: number, duration: number, end: boolean, marker: boolean) =>
    frames.push({
      at,
      data: ipv4(
        buildRtp({
          payloadType: 101,
          marker,
          sequence: sequence++,
          timestamp,
          ssrc: 0x5e1f9e0d,
          payload: buildTelephoneEvent({ event, end, volume: 10, duration }),
        }),
        6000,
        10000,
      ),
    });
  for (let i = 0; i < 7; i++) packet(i * 20, i * 160, false, i === 0);
  for (let i = 0; i < 3; i++) {
    packet(140 + i, 1280, true, false);
    sequence -= 1; // the end packet is repeated with one sequence number (RFC 4733 section 2.5.1.4)
  }
  writeFileSync(new URL(`dtmf-${names[key] ?? key}.pcap`, out), pcap(frames));
}
console.log(`wrote 12 key presses to ${out.pathname}`);
