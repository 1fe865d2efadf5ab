import { uriHost } from './message/values.js';
import { type SipApp, type SipServerOptions, startSip } from './server.js';
import type { LogEntry } from './stack.js';

/**
 * The SIP adapter as a service of `selfprov serve` (the CLI's `ExtraService`
 * shape, matched structurally so this package does not depend on the CLI):
 * `createServeVerb([sipService()])` starts the registrar and the IVR over SIP on
 * `--host` and `--sip-port` beside HTTP, and stops it before the store closes.
 * Warnings and errors are printed one per line; `verbose` prints every event.
 */
export interface SipServiceContext {
  readonly app: SipApp;
  readonly host: string;
  /** `--sip-port`; `undefined`: the cluster's SIP port (auto-registration settings), else 5060. */
  readonly sipPort?: number;
  readonly log: (line: string) => void;
}

export interface SipService {
  readonly name: string;
  start(context: SipServiceContext): Promise<{ readonly description: string; close(): Promise<void> }>;
}

const line = (e: LogEntry): string =>
  `sip ${e.level} ${e.event}${Object.entries(e.details ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}=${String(v)}`)
    .join('')}`;

export const sipService = (options: Omit<SipServerOptions, 'app' | 'host' | 'port'> & { readonly verbose?: boolean } = {}): SipService => ({
  name: 'SIP',
  start: async ({ app, host, sipPort, log }) => {
    const { verbose, ...rest } = options;
    const sip = await startSip(app, {
      ...rest,
      host,
      ...(sipPort !== undefined ? { port: sipPort } : {}),
      log: (e) => {
        if (verbose || e.level === 'warn' || e.level === 'error') log(line(e));
        options.log?.(e);
      },
    });
    const tcp = sip.tcpPort === null ? '' : sip.tcpPort === sip.udpPort ? ' (UDP and TCP)' : `, TCP ${sip.tcpPort}`;
    return {
      description: `registrar and IVR calls on sip:${uriHost(sip.advertisedHost)}:${sip.udpPort}${tcp}`,
      close: () => sip.close(),
    };
  },
});
