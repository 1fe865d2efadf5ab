/**
 * RTP (RFC 3550) packets, RFC 4733 telephone-events, G.711 (ITU-T G.711
 * mu-law and A-law) and WAV files: what the IVR needs to play prompts and
 * hear keys. Pure functions over buffers; the sockets live in `media.ts`.
 */

export interface RtpPacket {
  readonly payloadType: number;
  readonly marker: boolean;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

/** Parses an RTP packet; `undefined` for anything that is not RTP version 2 (or is cut short). */
export const parseRtp = (b: Buffer): RtpPacket | undefined => {
  if (b.length < 12 || b[0] === undefined || b[1] === undefined) return undefined;
  const first = b[0];
  if (first >> 6 !== 2) return undefined;
  const padding = (first & 0x20) !== 0;
  const extension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (extension) {
    if (b.length < offset + 4) return undefined;
    offset += 4 + b.readUInt16BE(offset + 2) * 4;
  }
  let end = b.length;
  if (padding) end -= b[b.length - 1] ?? 0;
  if (offset > end) return undefined;
  return {
    payloadType: b[1] & 0x7f,
    marker: (b[1] & 0x80) !== 0,
    sequence: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(offset, end),
  };
};

export const buildRtp = (p: RtpPacket): Buffer => {
  const b = Buffer.allocUnsafe(12 + p.payload.length);
  b[0] = 0x80;
  b[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  b.writeUInt16BE(p.sequence & 0xffff, 2);
  b.writeUInt32BE(p.timestamp >>> 0, 4);
  b.writeUInt32BE(p.ssrc >>> 0, 8);
  p.payload.copy(b, 12);
  return b;
};

/** An RFC 4733 telephone-event payload. */
export interface TelephoneEvent {
  /** 0-9, 10 = `*`, 11 = `#`, 12-15 = A-D, others: non-DTMF events. */
  readonly event: number;
  readonly end: boolean;
  readonly volume: number;
  readonly duration: number;
}

export const parseTelephoneEvent = (payload: Buffer): TelephoneEvent | undefined => {
  if (payload.length < 4 || payload[0] === undefined || payload[1] === undefined) return undefined;
  return { event: payload[0], end: (payload[1] & 0x80) !== 0, volume: payload[1] & 0x3f, duration: payload.readUInt16BE(2) };
};

export const buildTelephoneEvent = (e: TelephoneEvent): Buffer => {
  const b = Buffer.alloc(4);
  b[0] = e.event;
  b[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  b.writeUInt16BE(e.duration & 0xffff, 2);
  return b;
};

/** The DTMF key of an event code (`undefined` for A-D and non-DTMF events: the IVR has no use for them). */
export const dtmfKeyOf = (event: number): string | undefined =>
  event >= 0 && event <= 9 ? String(event) : event === 10 ? '*' : event === 11 ? '#' : undefined;

export const eventCodeOf = (key: string): number | undefined =>
  /^[0-9]$/.test(key) ? Number(key) : key === '*' ? 10 : key === '#' ? 11 : undefined;

/**
 * Turns the packets of telephone-events into key presses. One press is sent as
 * several packets with one timestamp (updates, then the end packet three
 * times); a new press is a packet with the marker bit, another timestamp or
 * code, or a packet after the end of the previous press that is not itself an
 * end packet (a sender replaying the same capture twice reuses timestamps).
 */
export const createTelephoneEventDetector = () => {
  let current: { timestamp: number; event: number; ended: boolean } | undefined;
  return {
    /** The key this packet starts, if it starts one. */
    push(packet: RtpPacket): string | undefined {
      const e = parseTelephoneEvent(packet.payload);
      if (e === undefined) return undefined;
      const fresh =
        current === undefined ||
        packet.marker ||
        packet.timestamp !== current.timestamp ||
        e.event !== current.event ||
        (current.ended && !e.end);
      if (fresh) {
        current = { timestamp: packet.timestamp, event: e.event, ended: e.end };
        return dtmfKeyOf(e.event);
      }
      if (current && e.end) current.ended = true;
      return undefined;
    },
  };
};

// ---------------------------------------------------------------------------------------------
// G.711

const BIAS = 0x84;
const CLIP = 32635;

/** 16-bit linear sample to mu-law (G.711). */
export const linearToUlaw = (sample: number): number => {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
};

export const ulawToLinear = (byte: number): number => {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
};

/** 16-bit linear sample to A-law (G.711). */
const alawSegmentEnds = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
export const linearToAlaw = (sample: number): number => {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let segment = 0;
  while (segment < 8 && pcm > (alawSegmentEnds[segment] ?? 0)) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const value = (segment << 4) | (segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f);
  return value ^ mask;
};

export const alawToLinear = (byte: number): number => {
  const a = byte ^ 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return sign ? magnitude : -magnitude;
};

const ulawToAlawTable = Buffer.from(Array.from({ length: 256 }, (_, b) => linearToAlaw(ulawToLinear(b))));
const alawToUlawTable = Buffer.from(Array.from({ length: 256 }, (_, b) => linearToUlaw(alawToLinear(b))));

export type AudioEncoding = 'PCMU' | 'PCMA';

/** Silence: mu-law 0xFF, A-law 0xD5. */
export const silenceByte = (encoding: AudioEncoding): number => (encoding === 'PCMU' ? 0xff : 0xd5);

/** Converts G.711 bytes from one law to the other (byte-wise, through a table). */
export const transcode = (samples: Buffer, from: AudioEncoding, to: AudioEncoding): Buffer => {
  if (from === to) return samples;
  const table = from === 'PCMU' ? ulawToAlawTable : alawToUlawTable;
  const out = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i] ?? 0] ?? 0;
  return out;
};

// ---------------------------------------------------------------------------------------------
// WAV

export interface WavAudio {
  /** The file's samples as G.711 bytes (16-bit PCM is encoded to mu-law). */
  readonly encoding: AudioEncoding;
  readonly samples: Buffer;
}

export type WavError = { readonly _tag: 'WavError'; readonly code: 'not_wav' | 'unsupported_format'; readonly message: string };

/**
 * Reads an 8 kHz mono WAV file: mu-law (format 7), A-law (6) or 16-bit PCM
 * (1, encoded to mu-law here). Anything else is refused: the prompts are
 * generated in the form the RTP path needs (`scripts/generate-prompts.sh`).
 */
export const readWav = (file: Buffer): WavAudio | WavError => {
  const bad = (code: WavError['code'], message: string): WavError => ({ _tag: 'WavError', code, message });
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE')
    return bad('not_wav', 'not a RIFF/WAVE file');
  let offset = 12;
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let data: Buffer | undefined;
  while (offset + 8 <= file.length) {
    const id = file.toString('latin1', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = file.subarray(offset + 8, Math.min(file.length, offset + 8 + size));
    if (id === 'fmt ' && body.length >= 16)
      format = { tag: body.readUInt16LE(0), channels: body.readUInt16LE(2), rate: body.readUInt32LE(4), bits: body.readUInt16LE(14) };
    else if (id === 'data') data = body;
    offset += 8 + size + (size % 2);
  }
  if (format === undefined || data === undefined) return bad('not_wav', 'the WAVE file has no fmt or data chunk');
  if (format.channels !== 1 || format.rate !== 8000) return bad('unsupported_format', 'prompts must be 8000 Hz mono');
  if (format.tag === 7 && format.bits === 8) return { encoding: 'PCMU', samples: data };
  if (format.tag === 6 && format.bits === 8) return { encoding: 'PCMA', samples: data };
  if (format.tag === 1 && format.bits === 16) {
    const out = Buffer.allocUnsafe(data.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = linearToUlaw(data.readInt16LE(i * 2));
    return { encoding: 'PCMU', samples: out };
  }
  return bad('unsupported_format', 'prompts must be mu-law, A-law or 16-bit PCM');
};
