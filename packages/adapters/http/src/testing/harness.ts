// Test support: a real backend (SQLite file or memory) seeded with the demo data,
// the HTTP server over it, and helpers that drive it the way clients do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfprov, demoSecrets, type Selfprov, seedDemoData } from '@selfprov/app';
import { createIvrDriver, simulatedScheduler } from '@selfprov/ivr';
import { createScryptHasher } from '@selfprov/node';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { CSRF_HEADER, createHttpServer, type HttpServerOptions, SESSION_COOKIE } from '../index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const PASSWORD = demoSecrets.selfCarePassword;
export const PINS = demoSecrets.pins;

// Fast scrypt for tests (the default parameters are OWASP's, for real use).
const hasher = createScryptHasher({ log2N: 10 });

export interface Harness {
  readonly backend: Selfprov;
  readonly server: FastifyInstance;
  /** The file of a SQLite harness. */
  readonly dbPath?: string;
  close(): Promise<void>;
}

/** A seeded backend on `memory:` or a fresh SQLite file, and the server over it (not listening: use `inject`). */
export const harness = async (
  options: {
    readonly store?: 'memory' | 'sqlite';
    readonly server?: Partial<HttpServerOptions>;
    /** IVR timers on simulated time: they never fire by themselves (no event appears behind a test's back). */
    readonly simulatedIvr?: boolean;
  } = {},
): Promise<Harness> => {
  const dir = options.store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'selfprov-http-')) : undefined;
  const dbPath = dir === undefined ? undefined : join(dir, 'events.db');
  const created = await createSelfprov({ store: dbPath === undefined ? 'memory:' : `sqlite:${dbPath}`, hasher });
  if (E.isLeft(created)) throw new Error(`${created.left.code}: ${created.left.message}`);
  const backend = created.right;
  const seeded = await seedDemoData(backend);
  if (E.isLeft(seeded)) throw new Error(`${seeded.left.code}: ${seeded.left.message}`);
  const ivr = options.simulatedIvr
    ? createIvrDriver({ gateway: backend.ivrGateway, store: backend.events, scheduler: simulatedScheduler() })
    : undefined;
  const server = await createHttpServer({ backend, adminToken: ADMIN_TOKEN, ...(ivr ? { ivr } : {}), ...options.server });
  return {
    backend,
    server,
    ...(dbPath === undefined ? {} : { dbPath }),
    close: async () => {
      await server.close();
      ivr?.close();
      await backend.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const json = <T = Record<string, unknown>>(r: LightMyRequestResponse): T => JSON.parse(r.body) as T;

/** The global position of the log's last event (0 when empty): "nothing appended" compares two of these. */
export const logHead = async (backend: Selfprov): Promise<number> => {
  const r = await backend.events.readAll({ direction: 'backward', maxCount: 1 })();
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right[0]?.globalPosition ?? 0;
};

/** Events appended after `position`. */
export const eventsAfter = async (backend: Selfprov, position: number) => {
  const r = await backend.events.readAll({ after: position })();
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

export interface Session {
  readonly cookie: string;
  readonly csrf: string;
  /** Headers of a state-changing request of this session. */
  readonly headers: Record<string, string>;
}

export const login = async (server: FastifyInstance, userId: string, password: string = PASSWORD): Promise<Session> => {
  const r = await server.inject({ method: 'POST', url: '/api/selfcare/login', payload: { userId, password } });
  if (r.statusCode !== 200) throw new Error(`login ${userId}: ${r.statusCode} ${r.body}`);
  const token = r.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
  if (token === undefined) throw new Error('no session cookie');
  const csrf = json<{ csrfToken: string }>(r).csrfToken;
  const cookie = `${SESSION_COOKIE}=${token}`;
  return { cookie, csrf, headers: { cookie, [CSRF_HEADER]: csrf } };
};

const mustInject = async (server: FastifyInstance, options: InjectOptions, status: number) => {
  const r = await server.inject(options);
  if (r.statusCode !== status) throw new Error(`${options.method} ${options.url}: expected ${status}, got ${r.statusCode} ${r.body}`);
  return r;
};

/**
 * Gives a user a new phone the way the product does: the phone auto-registers
 * (`POST /api/devices/autoregister`), then calls the IVR through the webhook and
 * the user keys in the language, "provision", the extension, a confirmation and
 * the PIN. Answers the device name.
 */
export const provisionPhone = async (server: FastifyInstance, mac: string, extension: string, pin: string): Promise<string> => {
  const reg = await mustInject(
    server,
    { method: 'POST', url: '/api/devices/autoregister', payload: { mac, model: 'Cisco 8845', protocol: 'SIP' } },
    201,
  );
  const { deviceName } = json<{ deviceName: string }>(reg);
  const call = await mustInject(server, { method: 'POST', url: '/api/ivr/calls', payload: { device: deviceName, dialled: '8000' } }, 201);
  const callId = json<{ callId: string }>(call).callId;
  let last: { prompts: { id: string }[]; ended: boolean } | undefined;
  for (const digits of ['1', '1', `${extension}#`, '1', `${pin}#`]) {
    const r = await mustInject(server, { method: 'POST', url: `/api/ivr/calls/${callId}/dtmf`, payload: { digits } }, 200);
    last = json(r);
  }
  if (!last?.prompts.some((p) => p.id === 'phone-provisioned')) throw new Error(`not provisioned: ${JSON.stringify(last)}`);
  return deviceName;
};
