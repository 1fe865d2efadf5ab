/**
 * Emmett, installed outside the pnpm workspace in bench/peers/<folder> (exact versions pinned in each
 * folder's package.json). Installed here on first use with `npm install --prefix`, so `pnpm bench` works
 * on a fresh clone; loaded through `createRequire` from its own folder (never from the workspace).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const peersDir = new URL('../peers/', import.meta.url).pathname;

export type PeerName = 'emmett-sqlite' | 'emmett-postgresql';

/** What each folder must provide; `sqlite3` has a native part, so loading it proves the build. */
const probes: Record<PeerName, readonly string[]> = {
  'emmett-sqlite': ['@event-driven-io/emmett', '@event-driven-io/emmett-sqlite', 'sqlite3'],
  'emmett-postgresql': ['@event-driven-io/emmett', '@event-driven-io/emmett-postgresql', '@event-driven-io/dumbo', 'pg'],
};

const loadable = (name: PeerName): string | undefined => {
  const require = createRequire(join(peersDir, name, 'package.json'));
  for (const pkg of probes[name]) {
    try {
      require(pkg);
    } catch (cause) {
      return `${pkg}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`;
    }
  }
  return undefined;
};

/**
 * Makes sure bench/peers/<name> is installed, installing it with npm if not. Returns a `require`
 * rooted in that folder, or the reason it is unavailable.
 */
export const ensurePeer = (name: PeerName): { require: NodeJS.Require } | { unavailable: string } => {
  const folder = join(peersDir, name);
  const missing = loadable(name);
  if (missing !== undefined) {
    console.log(`[peers] ${name} is not installed (${missing}); running: npm install --prefix bench/peers/${name}`);
    const r = spawnSync('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund'], { stdio: 'inherit' });
    const still = loadable(name);
    if (r.status !== 0 || still !== undefined)
      return { unavailable: `npm install --prefix bench/peers/${name} failed (exit ${r.status}): ${still ?? ''}` };
    console.log(`[peers] installed bench/peers/${name}`);
  }
  return { require: createRequire(join(folder, 'package.json')) };
};
