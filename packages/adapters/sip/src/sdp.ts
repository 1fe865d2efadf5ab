/**
 * SDP offer/answer (RFC 3264, RFC 4566) for one audio stream: the IVR speaks
 * G.711 (PCMU or PCMA, the first of the two in the offer's preference order)
 * and hears DTMF as RFC 4733 telephone-events.
 */

export type G711 = 'PCMU' | 'PCMA';

export interface SdpOffer {
  /** Where to send RTP: the media-level `c=` address, else the session-level one. */
  readonly address: string;
  readonly port: number;
  /** Payload types of the audio `m=` line, in preference order. */
  readonly payloadTypes: readonly number[];
  /** `a=rtpmap` entries: payload type -> encoding name (upper case) and clock rate. */
  readonly rtpmap: ReadonlyMap<number, { readonly encoding: string; readonly rate: number }>;
  /** `sendrecv` (default), `sendonly`, `recvonly` or `inactive`. */
  readonly direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** True when the `c=` address is `0.0.0.0` (an old-style hold). */
  readonly hold: boolean;
}

export interface Negotiated {
  readonly codec: G711;
  /** 0 (PCMU) or 8 (PCMA): static payload types. */
  readonly payloadType: number;
  /** The offer's telephone-event payload type (8000 Hz), if it offered one. */
  readonly telephoneEvent?: number;
}

/** Static payload types of RFC 3551 the answer may see without an rtpmap. */
const staticTypes: Readonly<Record<number, { encoding: string; rate: number }>> = {
  0: { encoding: 'PCMU', rate: 8000 },
  8: { encoding: 'PCMA', rate: 8000 },
};

/** Parses the first audio stream of an SDP body; `undefined` when there is none (or the body is not SDP). */
export const parseSdp = (body: string): SdpOffer | undefined => {
  const lines = body.split(/\r?\n/).map((l) => l.trim());
  if (!lines.some((l) => l.startsWith('v='))) return undefined;
  let sessionAddress: string | undefined;
  let mediaAddress: string | undefined;
  let port: number | undefined;
  let payloadTypes: number[] = [];
  const rtpmap = new Map<number, { encoding: string; rate: number }>();
  let direction: SdpOffer['direction'] = 'sendrecv';
  let section: 'session' | 'audio' | 'other' = 'session';
  let seenAudio = false;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      if (seenAudio) {
        section = 'other';
        continue;
      }
      const m = /^m=audio ([0-9]{1,5})(?:\/[0-9]+)? RTP\/S?AVPF? ?(.*)$/i.exec(line);
      if (m?.[1] !== undefined) {
        seenAudio = true;
        section = 'audio';
        port = Number(m[1]);
        payloadTypes = (m[2] ?? '')
          .split(/\s+/)
          .filter((p) => /^[0-9]{1,3}$/.test(p))
          .map(Number)
          .filter((p) => p <= 127);
      } else section = 'other';
      continue;
    }
    if (section === 'other') continue;
    if (line.startsWith('c=')) {
      const c = /^c=IN IP[46] ([^\s/]+)/i.exec(line);
      if (c?.[1]) {
        if (section === 'session') sessionAddress = c[1];
        else mediaAddress = c[1];
      }
      continue;
    }
    if (line.startsWith('a=')) {
      const map = /^a=rtpmap:([0-9]{1,3}) ([^/\s]+)\/([0-9]+)/i.exec(line);
      if (map?.[1] && map[2] && map[3] && section === 'audio')
        rtpmap.set(Number(map[1]), { encoding: map[2].toUpperCase(), rate: Number(map[3]) });
      const dir = /^a=(sendrecv|sendonly|recvonly|inactive)$/i.exec(line);
      if (dir?.[1]) direction = dir[1].toLowerCase() as SdpOffer['direction'];
    }
  }
  const address = mediaAddress ?? sessionAddress;
  if (!seenAudio || port === undefined || address === undefined || port > 65535) return undefined;
  return { address, port, payloadTypes, rtpmap, direction, hold: address === '0.0.0.0' };
};

const encodingOf = (offer: SdpOffer, pt: number) => offer.rtpmap.get(pt) ?? staticTypes[pt];

/** Picks the first of PCMU/PCMA the offer lists, and its telephone-event type; `undefined`: nothing acceptable (488). */
export const negotiate = (offer: SdpOffer): Negotiated | undefined => {
  let codec: G711 | undefined;
  for (const pt of offer.payloadTypes) {
    const enc = encodingOf(offer, pt);
    if (enc?.rate === 8000 && (enc.encoding === 'PCMU' || enc.encoding === 'PCMA')) {
      codec = enc.encoding;
      break;
    }
  }
  if (codec === undefined) return undefined;
  const te = offer.payloadTypes.find((pt) => {
    const enc = offer.rtpmap.get(pt);
    return enc?.encoding === 'TELEPHONE-EVENT' && enc.rate === 8000;
  });
  return { codec, payloadType: codec === 'PCMU' ? 0 : 8, ...(te !== undefined ? { telephoneEvent: te } : {}) };
};

export interface SdpDescription {
  /** The address phones send RTP to. */
  readonly address: string;
  readonly port: number;
  /** `o=` session id and version (the version grows with each new description of a session). */
  readonly sessionId: number;
  readonly version: number;
}

const ipVersion = (address: string) => (address.includes(':') ? 'IP6' : 'IP4');

const render = (d: SdpDescription, payloads: readonly number[], attributes: readonly string[]): string =>
  [
    'v=0',
    `o=selfprov ${d.sessionId} ${d.version} IN ${ipVersion(d.address)} ${d.address}`,
    's=selfprov IVR',
    `c=IN ${ipVersion(d.address)} ${d.address}`,
    't=0 0',
    `m=audio ${d.port} RTP/AVP ${payloads.join(' ')}`,
    ...attributes,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');

/** The answer: the chosen codec and, when offered, telephone-event with the offer's payload type. */
export const answerSdp = (d: SdpDescription, n: Negotiated): string =>
  render(d, n.telephoneEvent !== undefined ? [n.payloadType, n.telephoneEvent] : [n.payloadType], [
    `a=rtpmap:${n.payloadType} ${n.codec}/8000`,
    ...(n.telephoneEvent !== undefined ? [`a=rtpmap:${n.telephoneEvent} telephone-event/8000`, `a=fmtp:${n.telephoneEvent} 0-16`] : []),
  ]);

/** Payload type the IVR offers telephone-event on when it makes the offer (an INVITE without SDP). */
export const OFFERED_TELEPHONE_EVENT = 101;

/** The offer sent in a 200 OK when the INVITE had no SDP (late offer): PCMU, PCMA, telephone-event 101. */
export const offerSdp = (d: SdpDescription): string =>
  render(
    d,
    [0, 8, OFFERED_TELEPHONE_EVENT],
    [
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      `a=rtpmap:${OFFERED_TELEPHONE_EVENT} telephone-event/8000`,
      `a=fmtp:${OFFERED_TELEPHONE_EVENT} 0-16`,
    ],
  );
