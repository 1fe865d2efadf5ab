import { createSelfprov, DEFAULT_STORE_URL, demoSecrets, type Selfprov, seedDemoData } from '@selfprov/app';
import { demo as demoConfig } from '@selfprov/core';
import { generateAdminToken, type RunningServer, startHttpServer } from '@selfprov/http';
import * as E from 'fp-ts/lib/Either.js';
import { parseOptions, storeUrlOf, UsageError } from './args.js';
import type { Verb } from './verbs.js';

/**
 * `selfprov serve`: the main job. Opens the store, optionally seeds the demo,
 * serves HTTP (admin API, devices, IVR webhook, self-care API and portal) and the
 * extra services (the SIP adapter plugs in through `extraServices`), and shuts
 * down gracefully on SIGINT/SIGTERM: stop accepting, let requests in flight
 * finish, stop the extra services, close the store.
 */

/** What an extra service (e.g. the SIP registrar and IVR calls over SIP) gets when the server starts. */
export interface ExtraServiceContext {
  readonly app: Selfprov;
  /** The address to listen on (`--host`). */
  readonly host: string;
  /** `--sip-port` (default 5060). */
  readonly sipPort: number;
  /** Prints one line on the server's output. */
  readonly log: (line: string) => void;
}

/** A service started beside the HTTP server and stopped before the store closes. */
export interface ExtraService {
  readonly name: string;
  start(context: ExtraServiceContext): Promise<StartedService>;
}

export interface StartedService {
  /** Shown at start, e.g. `SIP on udp://127.0.0.1:5060`. */
  readonly description?: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  readonly store: string;
  readonly port: number;
  readonly host: string;
  readonly sipPort: number;
  readonly demo: boolean;
  /** Default: `SELFPROV_ADMIN_TOKEN`, else a generated one (printed). */
  readonly adminToken?: string;
  /** Default: `SELFPROV_IVR_TOKEN` (unset: the IVR webhook is open). */
  readonly ivrToken?: string;
  readonly extraServices?: readonly ExtraService[];
  readonly log?: (line: string) => void;
}

/** A running server: `stop()` shuts it down gracefully (also what the signals do). */
export interface Serving {
  readonly url: string;
  readonly adminToken: string;
  stop(): Promise<void>;
}

const demoLines = (url: string): string[] => [
  'demo data:',
  `  self-care logins:   ${demoSecrets.selfCareUsers.map((u) => `${u} / ${demoSecrets.selfCarePassword}`).join(', ')}`,
  `  IVR extension:      ${demoConfig.ivrExtension} (user PINs: ${Object.entries(demoSecrets.pins)
    .map(([u, p]) => `${u} ${p}`)
    .join(', ')}; administrators: * then ${demoSecrets.authenticationCode})`,
  `  a new phone:        curl -X POST ${url}/api/devices/autoregister -H 'content-type: application/json' -d '{"mac":"00:11:22:33:44:55","model":"Cisco 8845","protocol":"SIP"}'`,
];

/** Seeds the demo when the store is empty or holds the demo already (idempotent); never into someone's own data. */
const seedIfDemo = async (app: Selfprov, log: (line: string) => void): Promise<E.Either<string, boolean>> => {
  const any = await app.events.readAll({ maxCount: 1 })();
  if (E.isLeft(any)) return E.left(`${any.left.code}: ${any.left.message}`);
  if (any.right.length > 0) {
    const cluster = await app.selfProvisioning.cluster(demoConfig.clusterId)();
    if (E.isLeft(cluster)) return E.left(`${cluster.left.code}: ${cluster.left.message}`);
    if (!(cluster.right?.exists && cluster.right.name === demoConfig.clusterName)) {
      log('demo: the store already holds other data; the demo data was not seeded');
      return E.right(false);
    }
  }
  const seeded = await seedDemoData(app);
  if (E.isLeft(seeded)) return E.left(`${seeded.left.code}: ${seeded.left.message}`);
  log(
    seeded.right.eventsWritten === 0 && seeded.right.secretsSet === 0
      ? 'demo: already seeded'
      : `demo: seeded (${seeded.right.eventsWritten} events, ${seeded.right.secretsSet} secrets)`,
  );
  if (!app.durableSecrets) log('demo: this store keeps secrets in memory only; they are gone when the server stops');
  return E.right(true);
};

/** Starts everything; answers once the server listens. */
export const startServe = async (options: ServeOptions): Promise<E.Either<string, Serving>> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const created = await createSelfprov({ store: options.store });
  if (E.isLeft(created))
    return E.left(
      `cannot open the store: ${created.left.code}: ${created.left.message}${created.left.field ? ` (field ${created.left.field})` : ''}`,
    );
  const app = created.right;
  const started: { name: string; service: StartedService }[] = [];
  let running: RunningServer | undefined;
  const closeAll = async () => {
    await running?.close();
    for (const s of started.reverse()) await s.service.close().catch((e: unknown) => log(`${s.name}: stop failed: ${String(e)}`));
    await app.close();
  };
  try {
    let demoReady = false;
    if (options.demo) {
      const seeded = await seedIfDemo(app, log);
      if (E.isLeft(seeded)) {
        await app.close();
        return E.left(`cannot seed the demo: ${seeded.left}`);
      }
      demoReady = seeded.right;
    }
    const fromEnv = options.adminToken ?? process.env.SELFPROV_ADMIN_TOKEN;
    const adminToken = fromEnv !== undefined && fromEnv !== '' ? fromEnv : generateAdminToken();
    const ivrToken = options.ivrToken ?? process.env.SELFPROV_IVR_TOKEN;
    running = await startHttpServer({
      backend: app,
      adminToken,
      ...(ivrToken ? { ivrToken } : {}),
      port: options.port,
      host: options.host,
      logger: { level: 'warn' },
    });
    for (const extra of options.extraServices ?? []) {
      const service = await extra.start({ app, host: options.host, sipPort: options.sipPort, log });
      started.push({ name: extra.name, service });
      log(`${extra.name}: ${service.description ?? 'started'}`);
    }
    const url = running.url;
    log(`selfprov serving ${url} (store ${app.store.description})`);
    log(`  self-care portal:   ${url}/`);
    log(`  administrator view: ${url}/admin`);
    log(`  API description:    ${url}/openapi.json`);
    log(
      fromEnv !== undefined && fromEnv !== ''
        ? '  admin token:        from SELFPROV_ADMIN_TOKEN'
        : `  admin token:        ${adminToken}   (generated; set SELFPROV_ADMIN_TOKEN to choose it)`,
    );
    if (demoReady) for (const line of demoLines(url)) log(line);
    let stopping: Promise<void> | undefined;
    return E.right({
      url,
      adminToken,
      stop: () => {
        stopping ??= closeAll();
        return stopping;
      },
    });
  } catch (error) {
    // e.g. the port is taken: release what was opened.
    await closeAll().catch(() => undefined);
    return E.left(error instanceof Error ? error.message : String(error));
  }
};

const portOf = (value: string | undefined, name: string, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`${name} must be a port number 0-65535`);
  return Number(value);
};

/** The `serve` verb, with the extra services to start beside HTTP (the SIP adapter registers itself here). */
export const createServeVerb = (extraServices: readonly ExtraService[] = []): Verb => ({
  summary: 'serve the HTTP API, the IVR webhook and the self-care portal (--demo: with the demo data)',
  usage: `selfprov serve [--store URL] [--port 3000] [--host 127.0.0.1] [--sip-port 5060] [--demo]

  --store URL     sqlite:<path> (default ${DEFAULT_STORE_URL}), memory:, postgres://..., kurrentdb://... (or SELFPROV_STORE)
  --port N        HTTP port (default: PORT, else 3000; 0 picks a free port)
  --host ADDR     address to listen on (default: HOST, else 127.0.0.1)
  --sip-port N    SIP port for the SIP adapter (default 5060)
  --demo          seed the demo data if the store is empty, and print the demo logins

Environment: SELFPROV_ADMIN_TOKEN (the admin API's bearer token; generated and printed when unset),
SELFPROV_IVR_TOKEN (when set, the IVR webhook requires it). Stops gracefully on SIGINT/SIGTERM.`,
  run: async (argv) => {
    const { values, positionals } = parseOptions(argv, {
      store: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'sip-port': { type: 'string' },
      demo: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const port = portOf(values.port ?? process.env.PORT, values.port === undefined ? 'PORT' : '--port', 3000);
    const sipPort = portOf(values['sip-port'], '--sip-port', 5060);
    const host = values.host ?? (process.env.HOST || '127.0.0.1');
    const serving = await startServe({
      store: storeUrlOf(values.store, DEFAULT_STORE_URL),
      port,
      host,
      sipPort,
      demo: values.demo === true,
      extraServices,
    });
    if (E.isLeft(serving)) {
      console.error(`selfprov serve: ${serving.left}`);
      return 1;
    }
    console.log('Press Ctrl-C to stop.');
    return new Promise<number>((resolve) => {
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals) => {
        // A terminal sends the signal to the whole process group (and wrappers forward it): once is enough.
        if (signalled) return;
        signalled = true;
        console.log(`${signal}: stopping (requests in flight finish first)...`);
        serving.right.stop().then(
          () => {
            console.log('stopped');
            resolve(0);
          },
          (error: unknown) => {
            console.error(`selfprov serve: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
            resolve(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  },
});

/** `selfprov serve` without extra services (until the SIP adapter registers itself in verbs.ts). */
export const serve = createServeVerb();
