import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP relay to the database that a test can cut: the network failing under an open store. */
export interface CuttableProxy {
  readonly port: number;
  /** Drops every relayed connection and refuses new ones (connection refused). */
  cut(): Promise<void>;
  /** Keeps every connection open but relays nothing more: a server or network gone silent. */
  freeze(): void;
  close(): Promise<void>;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

export const startProxy = (targetHost: string, targetPort: number): Promise<CuttableProxy> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    let frozen = false;
    const server = createServer((inbound) => {
      const outbound = connect(targetPort, targetHost);
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
      inbound.on('data', (d) => frozen || outbound.write(d));
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
      resolve({ port, cut, freeze, close: cut });
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
