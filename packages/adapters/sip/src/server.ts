import { networkInterfaces } from 'node:os';
import type { EventStore, SelfProvisioning } from '@selfprov/core';
import { createIvrDriver, type IvrDriver, type IvrDriverDependencies, type IvrGateway, type IvrScheduler } from '@selfprov/ivr';
import * as E from 'fp-ts/lib/Either.js';
import { ALLOW } from './calls/answers.js';
import type { CallInfo, IvrCallOptions, IvrCalls } from './calls/types.js';
import { createIvrCalls } from './calls.js';
import { createMediaEngine, type MediaEngine } from './media.js';
import { createPromptLibrary } from './prompts.js';
import { type Binding, createRegistrar, type Registrar, type RegistrarOptions } from './registrar.js';
import { createResyncNotifier, type ResyncNotifier } from './resync.js';
import { createSipStack, type Logger, type RequestContext, type SipStack } from './stack.js';

/** What the SIP server needs of the assembled backend (`@selfprov/app`'s `Selfprov` has all of it). */
export interface SipApp {
  readonly selfProvisioning: SelfProvisioning;
  readonly ivrGateway: IvrGateway;
  /** The application's event log (with personal-data protection): IVR calls are recorded here. */
  readonly events: EventStore;
}

export interface SipServerOptions {
  readonly app: SipApp;
  /** Address to listen on. Default `127.0.0.1` (loopback: expose it deliberately). */
  readonly host?: string;
  /**
   * UDP port, and TCP port unless `tcpPort` is given. Default: the cluster's SIP
   * ports (auto-registration settings, UDP and TCP), else 5060. `0`: a free port
   * (TCP then listens on the same number).
   */
  readonly port?: number;
  /** TCP port; `null` turns TCP off. */
  readonly tcpPort?: number | null;
  /** Host put in Via, Contact, SDP and P-Associated-URI. Default: `host`, or the first non-internal IPv4 address when `host` is a wildcard. */
  readonly advertisedHost?: string;
  /** The cluster phones auto-register in and whose ports are used. Default: the only cluster there is. */
  readonly clusterId?: string;
  readonly registrar?: Omit<RegistrarOptions, 'clusterId'>;
  readonly calls?: IvrCallOptions;
  /** IVR timeouts, tries and entry lengths (the session driver's `options`). */
  readonly ivr?: IvrDriverDependencies['options'];
  /** Where IVR time comes from. Default: real time. */
  readonly ivrScheduler?: IvrScheduler;
  /**
   * Where SIP time comes from: retransmissions and transaction timeouts, the 2xx repeats until the ACK,
   * the ringing (`calls.answerDelayMs`), the longest call. Default: real time. (RTP pacing and binding
   * expiry always use real time.)
   */
  readonly sipScheduler?: IvrScheduler;
  /** Folder the catalogs' audio paths (`prompts/<locale>/<name>.wav`) are relative to. Default: this package's. */
  readonly promptRoot?: string;
  /** RTP port range (even ports). Default: ports chosen by the system. */
  readonly rtpPorts?: { readonly min: number; readonly max: number };
  /** Largest accepted message and body. Defaults 65,535 and 16,384 bytes. */
  readonly maxMessageBytes?: number;
  readonly maxBodyBytes?: number;
  /** RFC 3261 T1 (ms). Default 500. */
  readonly t1Ms?: number;
  /** Structured log lines (never a secret: keys typed in a PIN entry are not logged). Default: none. */
  readonly log?: Logger;
  /** `Server` / `User-Agent` value. Default `selfprov`. */
  readonly serverName?: string;
}

export interface SipServerAddress {
  readonly host: string;
  readonly advertisedHost: string;
  readonly udpPort: number;
  readonly tcpPort: number | null;
}

export interface SipServer {
  /** Binds the sockets and starts following the event log. */
  start(): Promise<SipServerAddress>;
  /** Ends live calls (BYE), closes sockets and subscriptions. */
  stop(): Promise<void>;
  readonly address: SipServerAddress | undefined;
  /** Registered devices. */
  bindings(): readonly Binding[];
  binding(deviceName: string): Binding | undefined;
  /** IVR calls in progress. */
  calls(): readonly CallInfo[];
  /** Tells a bound device to re-read its configuration (`NOTIFY check-sync`); resolves with its answer. */
  notifyCheckSync(deviceName: string): Promise<{ readonly status: number } | undefined>;
  /** Check-sync NOTIFYs sent and answered. */
  resyncStats(): { readonly sent: number; readonly answered: number };
}

const wildcard = (host: string) => host === '0.0.0.0' || host === '::';

const firstExternalIPv4 = (): string => {
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
};

/** The ports the cluster's auto-registration settings name, if there is one cluster to read them from. */
const clusterPorts = async (sp: SelfProvisioning, clusterId: string | undefined): Promise<{ udp: number; tcp: number } | undefined> => {
  const caught = await sp.readModels.catchUp()();
  if (E.isLeft(caught)) return undefined;
  const clusters = sp.readModels.clusters().filter((c) => c.exists);
  const cluster =
    clusterId !== undefined ? clusters.find((c) => c.clusterId === clusterId) : clusters.length === 1 ? clusters[0] : undefined;
  return cluster ? { udp: cluster.autoRegistration.sipPorts.udp, tcp: cluster.autoRegistration.sipPorts.tcp } : undefined;
};

/**
 * The SIP server: a registrar with auto-registration, and the IVR over SIP/RTP,
 * on UDP and TCP. See the package README and docs/sip.md.
 */
export const createSipServer = (options: SipServerOptions): SipServer => {
  const log: Logger = options.log ?? (() => {});
  let running:
    | {
        readonly stack: SipStack;
        readonly registrar: Registrar;
        readonly calls: IvrCalls;
        readonly driver: IvrDriver;
        readonly media: MediaEngine;
        readonly resync: ResyncNotifier;
        readonly address: SipServerAddress;
      }
    | undefined;
  let starting: Promise<SipServerAddress> | undefined;

  const start = async (): Promise<SipServerAddress> => {
    const app = options.app;
    const host = options.host ?? '127.0.0.1';
    const advertisedHost = options.advertisedHost ?? (wildcard(host) ? firstExternalIPv4() : host);
    const ports = options.port === undefined ? await clusterPorts(app.selfProvisioning, options.clusterId) : undefined;
    const udpPort = options.port ?? ports?.udp ?? 5060;
    const tcpPort = options.tcpPort !== undefined ? options.tcpPort : options.port === undefined ? (ports?.tcp ?? 5060) : undefined;

    // The IVR calls handler exists once the stack does; requests cannot arrive before the stack is bound.
    let calls: IvrCalls | undefined;
    let registrar: Registrar | undefined;
    const stack = await createSipStack({
      host,
      udpPort,
      ...(tcpPort !== undefined ? { tcpPort } : {}),
      advertisedHost,
      serverName: options.serverName ?? 'selfprov',
      ...(options.t1Ms !== undefined ? { t1Ms: options.t1Ms } : {}),
      ...(options.sipScheduler ? { scheduler: options.sipScheduler } : {}),
      ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      log,
      onAck: (request) => calls?.ack(request),
      onRequest: (context: RequestContext) => {
        if (calls === undefined || registrar === undefined) {
          context.respond(503, { toTag: 'starting', headers: [{ name: 'Retry-After', value: '1' }] });
          return;
        }
        switch (context.request.method) {
          case 'REGISTER':
            void registrar.handle(context).catch((e: unknown) => {
              log({ level: 'error', event: 'register_failed', details: { error: e instanceof Error ? e.message : 'unknown' } });
              context.respond(500, { toTag: 'error' });
            });
            return;
          case 'INVITE':
            void calls.invite(context);
            return;
          case 'BYE':
            return calls.bye(context);
          case 'CANCEL':
            return calls.cancel(context);
          case 'INFO':
            return calls.info(context);
          case 'OPTIONS':
            context.respond(200, {
              toTag: 'options',
              headers: [
                { name: 'Allow', value: ALLOW },
                { name: 'Accept', value: 'application/sdp, application/dtmf-relay, application/dtmf' },
              ],
            });
            return;
          default:
            context.respond(405, { toTag: 'unsupported', headers: [{ name: 'Allow', value: ALLOW }] });
        }
      },
    });
    const address: SipServerAddress = { host, advertisedHost, udpPort: stack.transport.udpPort, tcpPort: stack.transport.tcpPort };
    const prompts = createPromptLibrary(options.promptRoot, (path, why) =>
      log({ level: 'warn', event: 'prompt_audio_missing', details: { path, why } }),
    );
    prompts.preload();
    const media = createMediaEngine({ host, prompts, ...(options.rtpPorts ? { rtpPorts: options.rtpPorts } : {}) });
    registrar = createRegistrar({
      selfProvisioning: app.selfProvisioning,
      advertisedHost,
      log,
      options: { ...options.registrar, ...(options.clusterId !== undefined ? { clusterId: options.clusterId } : {}) },
    });
    const driver = createIvrDriver({
      gateway: app.ivrGateway,
      store: app.events,
      ...(options.ivrScheduler ? { scheduler: options.ivrScheduler } : {}),
      ...(options.ivr ? { options: options.ivr } : {}),
      onOutput: (turn) => calls?.onIvrOutput(turn),
      log: (e) => log({ level: e.level, event: `ivr_${e.event}`, details: { callId: e.callId, ...e.details } }),
    });
    calls = createIvrCalls({
      stack,
      registrar,
      selfProvisioning: app.selfProvisioning,
      gateway: app.ivrGateway,
      driver,
      media,
      log,
      ...(options.calls ? { options: options.calls } : {}),
    });
    const resync = createResyncNotifier({ events: app.events, registrar, stack, log });
    try {
      await resync.start();
    } catch (e) {
      // The sockets are bound: release them before reporting the failure.
      registrar.close();
      driver.close();
      media.close();
      await stack.close();
      throw e;
    }
    running = { stack, registrar, calls, driver, media, resync, address };
    log({ level: 'info', event: 'sip_listening', details: { host, udpPort: address.udpPort, tcpPort: address.tcpPort } });
    return address;
  };

  return {
    start: () => {
      if (running) return Promise.resolve(running.address);
      starting ??= start().finally(() => {
        starting = undefined;
      });
      return starting;
    },
    stop: async () => {
      await starting?.catch(() => undefined);
      const r = running;
      if (r === undefined) return;
      running = undefined;
      await r.calls.close(Math.min(2000, r.stack.t1Ms * 4));
      await r.resync.close();
      r.registrar.close();
      r.driver.close();
      r.media.close();
      await r.stack.close();
    },
    get address() {
      return running?.address;
    },
    bindings: () => running?.registrar.bindings() ?? [],
    binding: (deviceName) => running?.registrar.binding(deviceName),
    calls: () => running?.calls.calls() ?? [],
    notifyCheckSync: async (deviceName) => {
      const r = await running?.resync.notify(deviceName);
      return r === undefined ? undefined : { status: r.status };
    },
    resyncStats: () => running?.resync.stats() ?? { sent: 0, answered: 0 },
  };
};

/** A running SIP server, as `selfprov serve --sip-port` holds it. */
export interface RunningSip extends SipServerAddress {
  readonly server: SipServer;
  close(): Promise<void>;
}

/**
 * Starts the SIP server for an assembled backend (`createSelfprov`'s result):
 * `const sip = await startSip(app, { port: 5060 }); ... await sip.close();`
 */
export const startSip = async (app: SipApp, options: Omit<SipServerOptions, 'app'> = {}): Promise<RunningSip> => {
  const server = createSipServer({ ...options, app });
  const address = await server.start();
  return { ...address, server, close: () => server.stop() };
};
