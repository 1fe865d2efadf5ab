import { connect, createServer, type Server, type Socket } from 'node:net';

/** One connection the relay carried. */
export interface RelayedConnection {
  /** The relay's own port towards the server: what the server shows as this connection's `client_port` (pg_stat_activity). */
  readonly serverSidePort: number | undefined;
  /** The startup parameters the client sent (user, database, application_name, statement_timeout...), once it has sent them. */
  readonly startup: Readonly<Record<string, string>> | undefined;
}

/** A loopback TCP relay to the database that a test can cut: the network failing under an open store. */
export interface CuttableProxy {
  readonly port: number;
  /** Drops every relayed connection and refuses new ones (connection refused). */
  cut(): Promise<void>;
  /** Keeps every connection open but relays nothing more: a server or network gone silent. */
  freeze(): void;
  /**
   * Freezes (as `freeze`) the moment a client has sent a whole statement whose protocol messages
   * contain `fragment` (a prepared statement's name, say): everything up to and including that
   * statement's Sync (or its simple Query) reaches the server, and nothing more goes either way, so
   * the server runs the statement and its answer never arrives. Resolves once frozen.
   */
  freezeAfterStatement(fragment: string): Promise<void>;
  /** Every connection relayed so far, oldest first. */
  connections(): readonly RelayedConnection[];
  close(): Promise<void>;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

/** Protocol 3.0's startup message code; the other codes a first message may carry (SSLRequest...) have no parameters. */
const PROTOCOL_3 = 196608;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'

/** The key/value pairs of a startup message's body (NUL-terminated strings, ended by an empty one). */
const startupParameters = (body: Buffer): Record<string, string> => {
  const parts = body.toString('utf8').split('\0');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) out[parts[i] as string] = parts[i + 1] as string;
  return out;
};

export const startProxy = (targetHost: string, targetPort: number): Promise<CuttableProxy> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const relayed: { serverSidePort: number | undefined; startup: Record<string, string> | undefined }[] = [];
    let frozen = false;
    let trigger: { fragment: Buffer; fired: () => void } | undefined;
    const server = createServer((inbound) => {
      const outbound = connect(targetPort, targetHost);
      const record: (typeof relayed)[number] = { serverSidePort: undefined, startup: undefined };
      relayed.push(record);
      outbound.on('connect', () => {
        record.serverSidePort = outbound.localPort;
      });
      sockets.add(inbound);
      sockets.add(outbound);
      const drop = () => {
        inbound.destroy();
        outbound.destroy();
        sockets.delete(inbound);
        sockets.delete(outbound);
      };
      inbound.on('error', drop).on('close', drop);
      outbound.on('error', drop).on('close', drop);
      // Client to server, relayed whole message by whole message (the frontend protocol: an untyped
      // startup message first, then a type byte and a length each), so that a freeze can fall exactly
      // after one statement.
      let pending: Buffer = Buffer.alloc(0);
      let started = false;
      let sawFragment = false;
      inbound.on('data', (d: Buffer) => {
        if (frozen) return;
        pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
        let offset = 0;
        for (;;) {
          if (!started) {
            if (pending.length - offset < 8) break;
            const length = pending.readInt32BE(offset);
            if (pending.length - offset < length) break;
            if (pending.readInt32BE(offset + 4) === PROTOCOL_3) {
              record.startup = startupParameters(pending.subarray(offset + 8, offset + length));
              started = true;
            }
            offset += length;
            continue;
          }
          if (pending.length - offset < 5) break;
          const type = pending[offset];
          const end = offset + 1 + pending.readInt32BE(offset + 1);
          if (pending.length < end) break;
          if (trigger && pending.subarray(offset, end).includes(trigger.fragment)) sawFragment = true;
          offset = end;
          if (trigger && sawFragment && (type === SYNC || type === QUERY)) {
            outbound.write(pending.subarray(0, offset));
            pending = Buffer.alloc(0);
            frozen = true;
            trigger.fired();
            trigger = undefined;
            return;
          }
        }
        if (offset > 0) outbound.write(pending.subarray(0, offset));
        pending = pending.subarray(offset);
      });
      outbound.on('data', (d) => frozen || inbound.write(d));
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const cut = async () => {
        const closed = closeServer(server);
        for (const s of [...sockets]) s.destroy();
        await closed;
      };
      const freeze = () => {
        frozen = true;
      };
      const freezeAfterStatement = (fragment: string) =>
        new Promise<void>((fired) => {
          trigger = { fragment: Buffer.from(fragment, 'utf8'), fired };
        });
      const connections = () => relayed.map((r) => ({ ...r }));
      resolve({ port, cut, freeze, freezeAfterStatement, connections, close: cut });
    });
  });

/** A TCP server that accepts connections and never answers: a hung server or a black-holed network path. */
export const startSilentServer = (): Promise<{ port: number; close(): Promise<void> }> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        close: async () => {
          const closed = closeServer(server);
          for (const s of [...sockets]) s.destroy();
          await closed;
        },
      });
    });
  });
