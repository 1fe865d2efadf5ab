import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, isIPv6, type Server, type Socket } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { createStreamFramer } from './framing.js';
import type { SipMessage } from './message/model.js';
import { type ParseOptions, parseSipMessage, type SipParseError } from './message/parse.js';
import { serializeSip } from './message/serialize.js';

/**
 * SIP over UDP and TCP (RFC 3261 section 18): one UDP socket and one TCP
 * listener on the same port, messages in and out. Bytes that are not a SIP
 * message never reach the handlers: they go to `onMalformed`, with the
 * partial request when there is one, so the caller can answer 400. Nothing a
 * peer sends can throw out of here.
 */

export type TransportName = 'UDP' | 'TCP';

/** Where a message came from or goes to. For TCP, the connection it arrived on (replies go back on it). */
export interface Peer {
  readonly transport: TransportName;
  readonly address: string;
  readonly port: number;
  readonly connection?: Socket;
}

export interface TransportOptions extends Omit<ParseOptions, 'framing'> {
  readonly host: string;
  /** UDP port; 0: chosen by the system (TCP then listens on the same number). */
  readonly udpPort: number;
  /** TCP port; default: the UDP port. `null`: no TCP. */
  readonly tcpPort?: number | null;
  readonly onMessage: (message: SipMessage, peer: Peer) => void;
  readonly onMalformed: (error: SipParseError, peer: Peer) => void;
  /** TCP connections idle this long are closed. Default 10 minutes (phones re-register well before). */
  readonly tcpIdleMs?: number;
}

export interface SipTransport {
  readonly host: string;
  readonly udpPort: number;
  readonly tcpPort: number | null;
  /** Sends a message; over TCP, on `peer.connection` if open, else on a connection to the peer's address (opened if needed). */
  send(message: SipMessage, peer: Peer): void;
  /** Open TCP connections. */
  connections(): number;
  close(): Promise<void>;
}

const bindUdp = (host: string, port: number): Promise<UdpSocket> =>
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

const listenTcp = (server: Server, host: string, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });

const ADDRESS_IN_USE = 'EADDRINUSE';

export const createTransport = async (options: TransportOptions): Promise<SipTransport> => {
  const parseOptions = {
    ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  };
  const idleMs = options.tcpIdleMs ?? 600_000;
  const connections = new Map<string, Socket>();
  const keyOf = (address: string, port: number) => `${address}|${port}`;

  const deliver = (message: SipMessage, peer: Peer) => {
    try {
      options.onMessage(message, peer);
    } catch {
      // A handler bug must not take the transport down; handlers log their own failures.
    }
  };
  const malformed = (error: SipParseError, peer: Peer) => {
    try {
      options.onMalformed(error, peer);
    } catch {
      // as above
    }
  };

  const adopt = (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const port = socket.remotePort ?? 0;
    const key = keyOf(address, port);
    connections.set(key, socket);
    const framer = createStreamFramer(parseOptions);
    const peer: Peer = { transport: 'TCP', address, port, connection: socket };
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const item of framer.push(chunk)) {
        if (item.kind === 'ping') socket.write('\r\n');
        else if (item.kind === 'message') deliver(item.message, peer);
        else {
          malformed(item.error, peer);
          // The stream cannot be resynchronised: let the answer (if any) leave, then close.
          if (item.fatal) socket.end();
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (connections.get(key) === socket) connections.delete(key);
    });
  };

  // UDP first; with port 0, TCP then takes the same number (retrying if another process holds it for TCP).
  let udp: UdpSocket | undefined;
  let tcp: Server | undefined;
  const wantTcp = options.tcpPort !== null;
  for (let attempt = 0; ; attempt++) {
    udp = await bindUdp(options.host, options.udpPort);
    if (!wantTcp) break;
    tcp = createServer(adopt);
    const tcpPort = options.tcpPort ?? udp.address().port;
    try {
      await listenTcp(tcp, options.host, tcpPort);
      break;
    } catch (e) {
      udp.close();
      tcp.close();
      const retry = options.udpPort === 0 && options.tcpPort === undefined && (e as NodeJS.ErrnoException).code === ADDRESS_IN_USE;
      if (!retry || attempt >= 20) throw e;
    }
  }
  const udpSocket = udp;
  const tcpServer = tcp;
  udpSocket.on('error', () => {
    // ICMP errors from sends to gone peers: nothing to do (the transaction times out).
  });
  udpSocket.on('message', (data, rinfo) => {
    const peer: Peer = { transport: 'UDP', address: rinfo.address, port: rinfo.port };
    // Keep-alives (CRLF, or a lone CRLF CRLF) and empty datagrams are ignored.
    if (data.length <= 4 && /^[\r\n]*$/.test(data.toString('latin1'))) return;
    const parsed = parseSipMessage(data, { ...parseOptions, framing: 'datagram' });
    if (E.isLeft(parsed)) malformed(parsed.left, peer);
    else deliver(parsed.right, peer);
  });

  const tcpPort = tcpServer ? (tcpServer.address() as { port: number }).port : null;

  const sendTcp = (bytes: Buffer, peer: Peer) => {
    const open = (s: Socket | undefined) => s !== undefined && !s.destroyed && s.writable;
    const existing = open(peer.connection) ? peer.connection : connections.get(keyOf(peer.address, peer.port));
    if (existing !== undefined && open(existing)) {
      existing.write(bytes);
      return;
    }
    const socket = connect({ host: peer.address, port: peer.port });
    socket.on('error', () => socket.destroy());
    socket.once('connect', () => {
      adopt(socket);
      socket.write(bytes);
    });
  };

  return {
    host: options.host,
    udpPort: udpSocket.address().port,
    tcpPort,
    send: (message, peer) => {
      const bytes = serializeSip(message);
      if (peer.transport === 'TCP') sendTcp(bytes, peer);
      else
        udpSocket.send(bytes, peer.port, peer.address, () => {
          // send errors are reported by the 'error' listener
        });
    },
    connections: () => connections.size,
    close: async () => {
      for (const s of connections.values()) s.destroy();
      connections.clear();
      await Promise.all([
        new Promise<void>((resolve) => udpSocket.close(() => resolve())),
        tcpServer ? new Promise<void>((resolve) => tcpServer.close(() => resolve())) : Promise.resolve(),
      ]);
    },
  };
};
