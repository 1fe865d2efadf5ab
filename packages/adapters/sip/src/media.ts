import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PromptLibrary } from './prompts.js';
import { type AudioEncoding, buildRtp, createTelephoneEventDetector, parseRtp, silenceByte, transcode } from './rtp.js';
import type { Negotiated } from './sdp.js';

/**
 * The RTP side of IVR calls: one UDP socket per call, prompts played as 20 ms
 * G.711 frames paced by one shared clock, silence when there is nothing to say
 * (phones drop calls whose media stops), and RFC 4733 key presses heard.
 */

const FRAME_MS = 20;
const FRAME_SAMPLES = 160;
/** At most this many late frames are sent at once after a stall; older ones are skipped. */
const MAX_BURST = 3;

export interface MediaSession {
  /** The local RTP port (put in the SDP). */
  readonly port: number;
  /** Where to send and in what; media starts flowing once this is set. */
  configure(remote: { readonly address: string; readonly port: number }, negotiated: Negotiated): void;
  /** Queues prompt audio files (catalog paths) after what is playing. */
  play(paths: readonly string[]): void;
  /** Stops what is playing and drops the queue (the caller pressed a key: barge-in). */
  clear(): void;
  /** Resolves once nothing is queued or playing (at once when idle). */
  drained(): Promise<void>;
  readonly playing: boolean;
  /** Frames sent and key presses heard (for tests and logs). */
  stats(): { readonly framesSent: number; readonly keysHeard: number; readonly packetsReceived: number };
  close(): void;
}

export interface MediaEngineOptions {
  /** The address RTP sockets bind to (the SIP host). */
  readonly host: string;
  readonly prompts: PromptLibrary;
  /** First and last port of the RTP range; default: ports chosen by the system. */
  readonly rtpPorts?: { readonly min: number; readonly max: number };
}

export interface MediaEngine {
  /** Opens a session; `onKey` hears each RFC 4733 key press once. */
  open(onKey: (key: string) => void): Promise<MediaSession>;
  /** Sessions open now. */
  active(): number;
  close(): void;
}

interface Live {
  readonly socket: Socket;
  remote?: { address: string; port: number };
  encoding: AudioEncoding;
  payloadType: number;
  telephoneEvent?: number;
  latched: boolean;
  startedAt: number;
  frameIndex: number;
  sequence: number;
  readonly ssrc: number;
  readonly queue: Buffer[];
  offset: number;
  waiters: (() => void)[];
  framesSent: number;
  keysHeard: number;
  packetsReceived: number;
  closed: boolean;
}

const bindSocket = (host: string, port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    const onError = (e: Error) => {
      socket.close();
      reject(e);
    };
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });

export const createMediaEngine = (options: MediaEngineOptions): MediaEngine => {
  const sessions = new Set<Live>();
  let nextPort = options.rtpPorts ? options.rtpPorts.min + (options.rtpPorts.min % 2) : 0;
  let timer: NodeJS.Timeout | undefined;

  const release = (s: Live) => {
    for (const w of s.waiters.splice(0)) w();
  };

  const nextFrame = (s: Live): Buffer => {
    const frame = Buffer.alloc(FRAME_SAMPLES, silenceByte(s.encoding));
    let filled = 0;
    while (filled < FRAME_SAMPLES && s.queue.length > 0) {
      const head = s.queue[0];
      if (head === undefined) break;
      const n = Math.min(FRAME_SAMPLES - filled, head.length - s.offset);
      head.copy(frame, filled, s.offset, s.offset + n);
      filled += n;
      s.offset += n;
      if (s.offset >= head.length) {
        s.queue.shift();
        s.offset = 0;
      }
    }
    if (s.queue.length === 0) release(s);
    return frame;
  };

  const tick = () => {
    const now = performance.now();
    for (const s of sessions) {
      if (s.remote === undefined || s.closed) continue;
      const due = Math.floor((now - s.startedAt) / FRAME_MS);
      if (due - s.frameIndex > MAX_BURST) s.frameIndex = due - MAX_BURST;
      while (s.frameIndex < due) {
        const payload = nextFrame(s);
        const packet = buildRtp({
          payloadType: s.payloadType,
          marker: s.framesSent === 0,
          sequence: s.sequence,
          timestamp: s.frameIndex * FRAME_SAMPLES,
          ssrc: s.ssrc,
          payload,
        });
        s.sequence = (s.sequence + 1) & 0xffff;
        s.frameIndex += 1;
        s.framesSent += 1;
        s.socket.send(packet, s.remote.port, s.remote.address, () => {
          // A send error (ICMP unreachable, closed socket) is not the call's end: signalling decides that.
        });
      }
    }
    if (sessions.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const ensureClock = () => {
    if (timer === undefined) {
      timer = setInterval(tick, FRAME_MS / 2);
      timer.unref();
    }
  };

  const openSocket = async (): Promise<Socket> => {
    if (options.rtpPorts === undefined) return bindSocket(options.host, 0);
    const { min, max } = options.rtpPorts;
    const span = Math.floor((max - min) / 2) + 1;
    for (let attempt = 0; attempt < span; attempt++) {
      const port = nextPort;
      nextPort = nextPort + 2 > max ? min + (min % 2) : nextPort + 2;
      try {
        return await bindSocket(options.host, port);
      } catch {
        // taken: try the next even port
      }
    }
    throw new Error(`no free RTP port in ${min}-${max}`);
  };

  return {
    open: async (onKey) => {
      const socket = await openSocket();
      const detector = createTelephoneEventDetector();
      const s: Live = {
        socket,
        encoding: 'PCMU',
        payloadType: 0,
        latched: false,
        startedAt: 0,
        frameIndex: 0,
        sequence: Math.floor(Math.random() * 0x10000),
        ssrc: Math.floor(Math.random() * 0x100000000),
        queue: [],
        offset: 0,
        waiters: [],
        framesSent: 0,
        keysHeard: 0,
        packetsReceived: 0,
        closed: false,
      };
      socket.on('error', () => {
        // Errors on a media socket (ICMP port unreachable) must not take the process down.
      });
      socket.on('message', (data, rinfo) => {
        const packet = parseRtp(data);
        if (packet === undefined) return;
        s.packetsReceived += 1;
        // Symmetric RTP: a phone behind NAT is reached where its packets come from.
        if (!s.latched && s.remote !== undefined) {
          s.latched = true;
          if (rinfo.address !== s.remote.address || rinfo.port !== s.remote.port) s.remote = { address: rinfo.address, port: rinfo.port };
        }
        if (s.telephoneEvent === undefined || packet.payloadType !== s.telephoneEvent) return;
        const key = detector.push(packet);
        if (key !== undefined) {
          s.keysHeard += 1;
          onKey(key);
        }
      });
      sessions.add(s);
      const port = socket.address().port;
      const session: MediaSession = {
        port,
        configure: (remote, n) => {
          const first = s.remote === undefined;
          if (!s.latched || first) s.remote = { address: remote.address, port: remote.port };
          if (s.encoding !== n.codec) {
            // Queued audio was converted for the old codec (a re-INVITE changed it): convert what is left.
            const from = s.encoding;
            s.queue.splice(0, s.queue.length, ...s.queue.map((b) => transcode(b, from, n.codec)));
          }
          s.encoding = n.codec;
          s.payloadType = n.payloadType;
          if (n.telephoneEvent !== undefined) s.telephoneEvent = n.telephoneEvent;
          else delete s.telephoneEvent;
          if (first) {
            s.startedAt = performance.now();
            s.frameIndex = 0;
          }
          ensureClock();
        },
        play: (paths) => {
          if (s.closed) return;
          for (const path of paths) {
            const samples = options.prompts.samples(path, s.encoding);
            if (samples !== undefined && samples.length > 0) s.queue.push(samples);
          }
          if (s.queue.length === 0) release(s);
        },
        clear: () => {
          s.queue.length = 0;
          s.offset = 0;
          release(s);
        },
        drained: () =>
          s.queue.length === 0 || s.closed
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                s.waiters.push(resolve);
              }),
        get playing() {
          return s.queue.length > 0;
        },
        stats: () => ({ framesSent: s.framesSent, keysHeard: s.keysHeard, packetsReceived: s.packetsReceived }),
        close: () => {
          if (s.closed) return;
          s.closed = true;
          sessions.delete(s);
          s.queue.length = 0;
          release(s);
          try {
            socket.close();
          } catch {
            // already closed
          }
        },
      };
      return session;
    },
    active: () => sessions.size,
    close: () => {
      for (const s of [...sessions]) {
        s.closed = true;
        release(s);
        try {
          s.socket.close();
        } catch {
          // already closed
        }
      }
      sessions.clear();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
};
