import { randomBytes } from 'node:crypto';
import { type IvrScheduler, systemScheduler } from '@selfprov/ivr';
import { header, headerValues } from './message/headers.js';
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './message/model.js';
import type { SipParseError } from './message/parse.js';
import { type ResponseExtras, responseTo } from './message/serialize.js';
import { formatVia, parseCSeq, parseUri, parseVia, tagOf, topBranch, uriHost } from './message/values.js';
import { createTransport, type Peer, type SipTransport, type TransportOptions } from './transport.js';

/**
 * "Transaction-light" SIP (RFC 3261 section 17, the parts a registrar and an
 * IVR user agent need):
 *
 * - server side: a retransmitted request gets the response already sent (or,
 *   while the first copy is being handled, nothing, or `100 Trying` for an
 *   INVITE); a final non-2xx answer to an INVITE over UDP is retransmitted
 *   until its ACK; answers are remembered 32 s (64*T1);
 * - client side (`request`): NOTIFY and BYE are retransmitted over UDP from
 *   T1 (500 ms), doubling up to T2 (4 s), until an answer or 32 s;
 * - checks before any handler: `Max-Forwards: 0` -> 483, a URI scheme other
 *   than sip/sips/tel -> 416, a `Require` this server does not support -> 420;
 * - a malformed request that can be answered (a request line and a `Via`) ->
 *   `400 Bad Request` with a `Warning` that says why; anything else is dropped.
 *
 * Responses follow RFC 3581 symmetric routing: they go back to where the
 * request came from (the `Via` gets `received`/`rport` filled in).
 */

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly event: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}
export type Logger = (entry: LogEntry) => void;

export interface RequestContext {
  readonly request: SipRequest;
  readonly peer: Peer;
  /** Sends a response and remembers it for retransmitted copies of the request. */
  respond(status: number, extras?: ResponseExtras): SipResponse;
}

export interface StackOptions extends Omit<TransportOptions, 'onMessage' | 'onMalformed'> {
  /** The `Server`/`User-Agent` header value. */
  readonly serverName: string;
  /** Host written in `Via` and `Contact` of what this server sends; default the bound host. */
  readonly advertisedHost: string;
  /** T1 in ms (RFC 3261: 500). */
  readonly t1Ms?: number;
  /** Where the transactions' timers get time (retransmissions, timeouts, the sweep). Default: real time. */
  readonly scheduler?: IvrScheduler;
  readonly onRequest: (context: RequestContext) => void;
  /** An ACK matching no INVITE transaction of this layer (the ACK of a 2xx: it belongs to the dialog). */
  readonly onAck: (request: SipRequest, peer: Peer) => void;
  readonly log: Logger;
}

export interface SipStack {
  readonly transport: SipTransport;
  readonly advertisedHost: string;
  readonly serverName: string;
  readonly t1Ms: number;
  /** The time the transaction layer runs on (the dialog layer's timers use it too). */
  readonly scheduler: IvrScheduler;
  /** Sends a request as a client transaction; resolves with the final response, or `undefined` after 64*T1 without one. */
  request(build: (via: SipHeader) => SipRequest, peer: Peer): Promise<SipResponse | undefined>;
  /** A fresh random token (branches after `z9hG4bK`, tags, Call-IDs). */
  token(): string;
  /** Server transactions remembered now (for tests). */
  transactions(): number;
  close(): Promise<void>;
}

/** Cancels a timer of the scheduler. */
type Cancel = () => void;

interface ServerTransaction {
  response?: SipResponse;
  readonly peer: Peer;
  readonly createdAt: number;
  retransmit?: Cancel;
  acked: boolean;
}

interface ClientTransaction {
  readonly resolve: (r: SipResponse | undefined) => void;
  retransmit?: Cancel;
  timeout?: Cancel;
}

const SUPPORTED_EXTENSIONS = new Set<string>();

/** The key of a request's server transaction (RFC 3261 section 17.2.3; an RFC 2543 peer without a magic-cookie branch is keyed by dialog and CSeq). */
const transactionKey = (request: SipRequest): string => {
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  const branch = topBranch(request);
  const via = parseVia(headerValues(request, 'Via')[0] ?? '');
  const sentBy = via ? `${via.host}:${via.port ?? ''}` : '';
  if (branch?.startsWith('z9hG4bK')) return `${branch}|${sentBy}|${method}`;
  const cseq = parseCSeq(header(request, 'CSeq'));
  return `${header(request, 'Call-ID')}|${tagOf(header(request, 'From'))}|${cseq?.seq}|${method}|${request.uri}`;
};

/** Fills `received` and `rport` in the top Via (RFC 3581), so the response says where the request came from. */
const withReceived = (request: SipRequest, peer: Peer): SipRequest => {
  const vias = headerValues(request, 'Via');
  const top = vias[0] === undefined ? undefined : parseVia(vias[0]);
  if (top === undefined) return request;
  const params: Record<string, string | null> = { ...top.params };
  if (top.host !== peer.address) params.received = peer.address;
  if ('rport' in params) params.rport = String(peer.port);
  const newTop = formatVia({ ...top, params });
  let replaced = false;
  const headers = request.headers.flatMap((h): SipHeader[] => {
    if (h.name !== 'Via') return [h];
    if (replaced) return [h];
    replaced = true;
    // The first Via line may hold several values: rewrite only the first of them.
    const [, ...rest] = headerValues({ headers: [h] }, 'Via');
    return [{ name: 'Via', value: newTop }, ...rest.map((value) => ({ name: 'Via', value }))];
  });
  return { ...request, headers };
};

export const createSipStack = async (options: StackOptions): Promise<SipStack> => {
  const t1 = options.t1Ms ?? 500;
  // Timers of the system scheduler do not keep the process alive.
  const scheduler = options.scheduler ?? systemScheduler();
  const t2 = t1 * 8;
  const lifetime = t1 * 64;
  const servers = new Map<string, ServerTransaction>();
  // INVITE transactions answered >= 300, by Call-ID, From tag and CSeq number: an ACK whose branch does not
  // match (RFC 2543 peers, and test tools that give every message its own branch) still stops the repeats.
  const rejectedInvites = new Map<string, ServerTransaction>();
  const ackKey = (m: SipRequest) => `${header(m, 'Call-ID')}|${tagOf(header(m, 'From'))}|${parseCSeq(header(m, 'CSeq'))?.seq}`;
  const clients = new Map<string, ClientTransaction>();
  const token = () => randomBytes(8).toString('hex');
  const log = options.log;
  let transport: SipTransport | undefined;

  const send = (message: SipMessage, peer: Peer) => transport?.send(message, peer);

  const serverHeader: SipHeader = { name: 'Server', value: options.serverName };

  const answerMalformed = (error: SipParseError, peer: Peer) => {
    log({ level: 'warn', event: 'sip_malformed', details: { code: error.code, field: error.field, from: `${peer.address}:${peer.port}` } });
    const partial = error.partial;
    if (partial === undefined || partial.method === 'ACK' || headerValues(partial, 'Via').length === 0) return;
    const request = withReceived(partial, peer);
    send(
      responseTo(request, 400, {
        toTag: token(),
        headers: [serverHeader, { name: 'Warning', value: `399 ${uriHost(options.advertisedHost)} "${error.message.replace(/"/g, "'")}"` }],
      }),
      peer,
    );
  };

  const sweepEveryMs = Math.max(1000, t1 * 4);
  const sweep = () => {
    const now = scheduler.now();
    for (const [key, t] of servers) {
      if (now - t.createdAt > lifetime) {
        t.retransmit?.();
        servers.delete(key);
      }
    }
    for (const [key, t] of rejectedInvites) if (now - t.createdAt > lifetime) rejectedInvites.delete(key);
    cancelSweep = scheduler.schedule(sweepEveryMs, sweep);
  };
  let cancelSweep = scheduler.schedule(sweepEveryMs, sweep);

  const retransmitFinal = (t: ServerTransaction, response: SipResponse) => {
    // RFC 3261 section 17.2.1: a final non-2xx INVITE answer over UDP is repeated until the ACK.
    let interval = t1;
    const again = () => {
      if (t.acked || scheduler.now() - t.createdAt > lifetime) return;
      send(response, t.peer);
      interval = Math.min(interval * 2, t2);
      t.retransmit = scheduler.schedule(interval, again);
    };
    t.retransmit = scheduler.schedule(interval, again);
  };

  const preCheck = (request: SipRequest): { status: number; extras: ResponseExtras } | undefined => {
    const maxForwards = header(request, 'Max-Forwards');
    if (maxForwards !== undefined && /^\s*0+\s*$/.test(maxForwards)) return { status: 483, extras: {} };
    const uri = parseUri(request.uri);
    if (uri === undefined || !['sip', 'sips', 'tel'].includes(uri.scheme))
      return {
        status: 416,
        extras: { headers: [{ name: 'Warning', value: `399 ${uriHost(options.advertisedHost)} "only sip:, sips: and tel: URIs"` }] },
      };
    if (request.method !== 'CANCEL') {
      const unsupported = headerValues(request, 'Require')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== '' && !SUPPORTED_EXTENSIONS.has(v.toLowerCase()));
      if (unsupported.length > 0) return { status: 420, extras: { headers: [{ name: 'Unsupported', value: unsupported.join(', ') }] } };
    }
    return undefined;
  };

  const onRequest = (raw: SipRequest, peer: Peer) => {
    const request = withReceived(raw, peer);
    const key = transactionKey(request);
    if (request.method === 'ACK') {
      const t = servers.get(key) ?? rejectedInvites.get(ackKey(request));
      if (t?.response && t.response.status >= 300) {
        t.acked = true;
        t.retransmit?.();
        return;
      }
      options.onAck(request, peer);
      return;
    }
    const existing = servers.get(key);
    if (existing !== undefined) {
      // A retransmission: repeat the last answer (or, for an INVITE still being handled, say it is being handled).
      if (existing.response) send(existing.response, peer);
      else if (request.method === 'INVITE') send(responseTo(request, 100, { headers: [serverHeader] }), peer);
      return;
    }
    const t: ServerTransaction = { peer, createdAt: scheduler.now(), acked: false };
    servers.set(key, t);
    const context: RequestContext = {
      request,
      peer,
      respond: (status, extras = {}) => {
        const response = responseTo(request, status, { ...extras, headers: [serverHeader, ...(extras.headers ?? [])] });
        // A provisional answer after the final one would confuse the peer: the first final answer wins.
        if (t.response !== undefined && t.response.status >= 200) return t.response;
        t.response = response;
        send(response, peer);
        if (request.method === 'INVITE' && status >= 300) {
          rejectedInvites.set(ackKey(request), t);
          if (peer.transport === 'UDP') retransmitFinal(t, response);
        }
        return response;
      },
    };
    const refused = preCheck(request);
    if (refused) {
      context.respond(refused.status, { toTag: token(), ...refused.extras });
      return;
    }
    try {
      options.onRequest(context);
    } catch (e) {
      log({
        level: 'error',
        event: 'sip_handler_failed',
        details: { method: request.method, error: e instanceof Error ? e.message : 'unknown' },
      });
      context.respond(500, { toTag: token() });
    }
  };

  const onResponse = (response: SipResponse) => {
    const branch = topBranch(response);
    const c = branch === undefined ? undefined : clients.get(branch);
    if (c === undefined) return; // a stray or late answer (e.g. a retransmitted 200 after the transaction ended)
    c.retransmit?.();
    c.retransmit = undefined;
    if (response.status >= 200 && branch !== undefined) {
      c.timeout?.();
      clients.delete(branch);
      c.resolve(response);
    }
  };

  transport = await createTransport({
    ...options,
    onMessage: (message, peer) => (message.kind === 'request' ? onRequest(message, peer) : onResponse(message)),
    onMalformed: answerMalformed,
  });
  const ready = transport;

  return {
    transport: ready,
    advertisedHost: options.advertisedHost,
    serverName: options.serverName,
    t1Ms: t1,
    scheduler,
    token,
    transactions: () => servers.size,
    request: (build, peer) =>
      new Promise((resolve) => {
        const branch = `z9hG4bK${token()}`;
        const port = peer.transport === 'TCP' ? (ready.tcpPort ?? ready.udpPort) : ready.udpPort;
        const via: SipHeader = {
          name: 'Via',
          value: `SIP/2.0/${peer.transport} ${uriHost(options.advertisedHost)}:${port};branch=${branch};rport`,
        };
        const message = build(via);
        const c: ClientTransaction = { resolve };
        c.timeout = scheduler.schedule(lifetime, () => {
          c.retransmit?.();
          clients.delete(branch);
          resolve(undefined);
        });
        clients.set(branch, c);
        ready.send(message, peer);
        if (peer.transport === 'UDP') {
          let interval = t1;
          const again = () => {
            if (!clients.has(branch)) return;
            ready.send(message, peer);
            interval = Math.min(interval * 2, t2);
            c.retransmit = scheduler.schedule(interval, again);
          };
          c.retransmit = scheduler.schedule(interval, again);
        }
      }),
    close: async () => {
      cancelSweep();
      for (const t of servers.values()) t.retransmit?.();
      servers.clear();
      rejectedInvites.clear();
      for (const c of clients.values()) {
        c.retransmit?.();
        c.timeout?.();
        c.resolve(undefined);
      }
      clients.clear();
      await ready.close();
    },
  };
};
