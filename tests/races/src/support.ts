/**
 * What the race and crash tests share: spawning a worker process and reading its acknowledged
 * results, reading the whole log, and checking the cross-stream invariants and the acknowledged
 * commands against it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSelfprov, type Selfprov } from '@selfprov/app';
import type { EventStore, RecordedEvent } from '@selfprov/core';
import { replayableSeed, seededRandom } from '@selfprov/core/testkit';
import { createScryptHasher } from '@selfprov/node';
import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';

export const CLUSTER = 'cluster-1';
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const workerScript = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

/** One line a worker printed: an acknowledged result (`autoreg`, `provision`), or a marker (`start`: a command's first attempt begins). */
export interface Line {
  readonly kind: 'ready' | 'done' | 'checkpoint' | 'retry' | 'start' | 'autoreg' | 'provision';
  readonly worker: number;
  readonly ok?: boolean;
  readonly commandId?: string;
  readonly deviceName?: string;
  readonly userId?: string;
  readonly dn?: string;
  readonly released?: string;
  readonly code?: string;
  readonly phase?: number;
  readonly i?: number;
}

export interface Worker {
  readonly lines: Line[];
  /** Resolves once a line matching `pred` has been printed (rejects if the process ends first). */
  until(pred: (l: Line) => boolean): Promise<void>;
  send(word: string): void;
  kill(): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export const startWorker = (mode: 'race' | 'crash', worker: number, storeUrl: string): Worker => {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--conditions=source', '--import', tsx, workerScript, mode, String(worker)],
    { cwd: packageDir, env: { ...process.env, SELFPROV_RACE_STORE: storeUrl }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: Line[] = [];
  const waiters: { pred: (l: Line) => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  let partial = '';
  let stderr = '';
  let ended = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Line;
      lines.push(line);
      for (const w of [...waiters])
        if (w.pred(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      ended = true;
      // A line cut by SIGKILL stays in `partial` and is ignored: it was never acknowledged whole.
      for (const w of waiters.splice(0)) w.reject(new Error(`worker ${worker} ended (${code ?? signal}): ${stderr.slice(-2000)}`));
      resolve({ code, signal, stderr });
    }),
  );
  return {
    lines,
    exited,
    until: (pred) =>
      lines.some(pred)
        ? Promise.resolve()
        : ended
          ? Promise.reject(new Error(`worker ${worker} ended: ${stderr.slice(-2000)}`))
          : new Promise((resolve, reject) => waiters.push({ pred, resolve, reject })),
    send: (word) => void child.stdin.write(`${word}\n`),
    kill: () => void child.kill('SIGKILL'),
  };
};

/** Rejects with `describe()` (evaluated then, so it can show progress) if `promise` takes longer than `ms`. */
export const within = <A>(promise: Promise<A>, ms: number, describe: () => string): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no progress within ${ms} ms: ${describe()}`)), ms);
    promise.then(
      (a) => {
        clearTimeout(timer);
        resolve(a);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });

/** The seed of a randomised schedule: `SELFPROV_CRASH_SEED` (to replay a failed run) or a fresh one. */
export const crashSeed = (): number => replayableSeed(process.env.SELFPROV_CRASH_SEED);

export { seededRandom };

export const hasher = createScryptHasher({ log2N: 10 });

export const open = async (store: string): Promise<Selfprov> => {
  const app = await createSelfprov({ store, hasher });
  if (E.isLeft(app)) throw new Error(`open: ${app.left.code}: ${app.left.message}`);
  return app.right;
};

/** The whole log, in global order, page by page. */
export const readLog = async (events: EventStore): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await events.readAll({ after: out.at(-1)?.globalPosition ?? 0, maxCount: 1000 })();
    if (E.isLeft(page)) throw new Error(`readAll: ${page.left.code}: ${page.left.message}`);
    if (page.right.length === 0) return out;
    out.push(...page.right);
  }
};

type Holder = { readonly kind: 'phone'; readonly deviceName: string } | { readonly kind: 'user-line'; readonly userId: string };
interface DnData {
  readonly clusterId: string;
  readonly directoryNumber: string;
  readonly holder: Holder;
}

export interface PhoneFacts {
  autoRegisteredDn: string;
  owner?: string;
  lineDn?: string;
  provisionings: number;
}

export interface LogFacts {
  /** DN -> holder, after the whole log. */
  readonly held: Map<string, Holder>;
  /** Every reservation a phone (auto-registration) made, in log order. */
  readonly phoneReservations: { readonly dn: string; readonly deviceName: string }[];
  readonly releases: number;
  readonly phones: Map<string, PhoneFacts>;
  readonly users: Map<string, Set<string>>;
  readonly byCommand: Map<string, RecordedEvent[]>;
}

const same = (a: Holder, b: Holder) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Folds the log and asserts what must hold whatever the interleaving: events unique and in
 * strictly increasing positions, stream versions contiguous, no DN held by two holders, the owner
 * on a phone <=> the phone in its owner's list, no user over `limits`, and each provisioning
 * all-or-nothing (phone provisioned <=> user lists it <=> its temporary DN released <=> the line DN
 * held by the owner's line), each in the one command that wrote them.
 */
export const checkLog = (events: readonly RecordedEvent[], limits: Readonly<Record<string, number>>): LogFacts => {
  const ids = new Set<string>();
  const versions = new Map<string, number>();
  const held = new Map<string, Holder>();
  const phoneReservations: { dn: string; deviceName: string }[] = [];
  const phones = new Map<string, PhoneFacts>();
  const users = new Map<string, Set<string>>();
  const byCommand = new Map<string, RecordedEvent[]>();
  let releases = 0;
  let last = 0;
  for (const e of events) {
    assert.not.ok(ids.has(e.eventId), `event ${e.eventId} appears twice`);
    ids.add(e.eventId);
    assert.ok(e.globalPosition > last, `position ${e.globalPosition} after ${last}`);
    last = e.globalPosition;
    const expected = (versions.get(e.streamId) ?? -1) + 1;
    assert.is(e.streamVersion, expected, `${e.streamId}: version ${e.streamVersion}, expected ${expected}`);
    versions.set(e.streamId, expected);
    const commandId = e.metadata.commandId;
    if (commandId !== undefined) byCommand.set(commandId, [...(byCommand.get(commandId) ?? []), e]);

    if (e.type === 'DirectoryNumberReserved' || e.type === 'DirectoryNumberReleased') {
      const d = e.data as unknown as DnData;
      assert.is(e.streamId, `dn-${d.clusterId}-${d.directoryNumber}`);
      const current = held.get(d.directoryNumber);
      if (e.type === 'DirectoryNumberReserved') {
        assert.is(
          current,
          undefined,
          `DN ${d.directoryNumber} reserved by ${JSON.stringify(d.holder)} while held by ${JSON.stringify(current)}`,
        );
        held.set(d.directoryNumber, d.holder);
        if (d.holder.kind === 'phone') phoneReservations.push({ dn: d.directoryNumber, deviceName: d.holder.deviceName });
      } else {
        assert.ok(current && same(current, d.holder), `DN ${d.directoryNumber} released by a holder that does not hold it`);
        held.delete(d.directoryNumber);
        releases += 1;
      }
    } else if (e.type === 'PhoneAutoRegistered') {
      const d = e.data as { deviceName: string; directoryNumber: string };
      assert.is(e.streamVersion, 0, `${e.streamId} auto-registered twice`);
      phones.set(d.deviceName, { autoRegisteredDn: d.directoryNumber, provisionings: 0 });
    } else if (e.type === 'PhoneProvisioned') {
      const d = e.data as { deviceName: string; owner: string; lines: { index: number; dn: string }[] };
      const p = phones.get(d.deviceName);
      assert.ok(p, `${d.deviceName} provisioned before it exists`);
      if (p) {
        p.owner = d.owner;
        p.provisionings += 1;
        const line = d.lines.find((l) => l.index === 1)?.dn;
        if (line !== undefined) p.lineDn = line;
      }
    } else if (e.type === 'PhoneAssignedToUser' || e.type === 'PhoneUnassignedFromUser') {
      const d = e.data as { userId: string; deviceName: string };
      const list = users.get(d.userId) ?? new Set<string>();
      users.set(d.userId, list);
      if (e.type === 'PhoneAssignedToUser') {
        assert.not.ok(list.has(d.deviceName), `${d.userId} lists ${d.deviceName} twice`);
        list.add(d.deviceName);
      } else list.delete(d.deviceName);
    }
  }

  for (const [name, p] of phones) {
    if (p.owner === undefined) {
      const h = held.get(p.autoRegisteredDn);
      assert.ok(h && same(h, { kind: 'phone', deviceName: name }), `${name} does not hold its DN ${p.autoRegisteredDn}`);
      continue;
    }
    assert.is(p.provisionings, 1, `${name} provisioned ${p.provisionings} times`);
    assert.ok(users.get(p.owner)?.has(name), `${name} owned by ${p.owner}, who does not list it`);
    const h = held.get(p.autoRegisteredDn);
    assert.not.ok(h && same(h, { kind: 'phone', deviceName: name }), `${name} provisioned but still holds ${p.autoRegisteredDn}`);
    assert.ok(p.lineDn !== undefined, `${name} has no line 1`);
    assert.equal(
      held.get(p.lineDn ?? ''),
      { kind: 'user-line', userId: p.owner },
      `${name}: line DN ${p.lineDn} not held by ${p.owner}'s line`,
    );
  }
  for (const [userId, list] of users) {
    for (const name of list) assert.is(phones.get(name)?.owner, userId, `${userId} lists ${name}, owned by ${phones.get(name)?.owner}`);
    const limit = limits[userId];
    if (limit !== undefined) assert.ok(list.size <= limit, `${userId} owns ${list.size} phones, limit ${limit}`);
  }
  for (const [dn, h] of held)
    if (h.kind === 'phone') {
      const p = phones.get(h.deviceName);
      assert.ok(p && p.owner === undefined && p.autoRegisteredDn === dn, `${dn} held by ${h.deviceName}, which does not use it`);
    }
  // All-or-nothing per command: a provisioning's events were written together or not at all.
  for (const [commandId, es] of byCommand) {
    const types = es.map((e) => e.type);
    if (types.includes('PhoneProvisioned') || types.includes('PhoneAssignedToUser')) {
      assert.ok(types.includes('PhoneProvisioned') && types.includes('PhoneAssignedToUser'), `${commandId}: ${types}`);
      assert.ok(types.includes('DirectoryNumberReleased'), `${commandId} provisioned without releasing the temporary DN: ${types}`);
    }
    if (types.includes('PhoneAutoRegistered'))
      assert.equal([...types].sort(), ['DirectoryNumberReserved', 'PhoneAutoRegistered'], `${commandId}: ${types}`);
  }
  return { held, phoneReservations, releases, phones, users, byCommand };
};

const count = (es: readonly RecordedEvent[], pred: (e: RecordedEvent) => boolean) => es.filter(pred).length;

/** Every acknowledged success is in the log exactly once; an acknowledged refusal wrote nothing. */
export const checkAcks = (facts: LogFacts, acks: readonly Line[]): void => {
  for (const a of acks) {
    if (a.kind !== 'autoreg' && a.kind !== 'provision') continue;
    const es = facts.byCommand.get(a.commandId ?? '') ?? [];
    if (!a.ok) {
      assert.is(es.length, 0, `refused ${a.commandId} (${a.code}) wrote ${es.length} events`);
      continue;
    }
    const phone = `phone-${a.deviceName}`;
    if (a.kind === 'autoreg') {
      assert.is(
        count(
          es,
          (e) =>
            e.type === 'PhoneAutoRegistered' && e.streamId === phone && (e.data as { directoryNumber: string }).directoryNumber === a.dn,
        ),
        1,
        `${a.commandId} acknowledged, not in the log once`,
      );
      assert.is(
        count(es, (e) => e.type === 'DirectoryNumberReserved' && e.streamId === `dn-${CLUSTER}-${a.dn}`),
        1,
        `${a.commandId}: DN reservation`,
      );
    } else {
      assert.is(
        count(es, (e) => e.type === 'PhoneProvisioned' && e.streamId === phone && (e.data as { owner: string }).owner === a.userId),
        1,
        `${a.commandId} acknowledged, not in the log once`,
      );
      assert.is(
        count(es, (e) => e.type === 'PhoneAssignedToUser' && e.streamId === `user-${a.userId}`),
        1,
        `${a.commandId}: user assignment`,
      );
      if (a.released !== undefined)
        assert.is(
          count(es, (e) => e.type === 'DirectoryNumberReleased' && e.streamId === `dn-${CLUSTER}-${a.released}`),
          1,
          `${a.commandId}: DN release`,
        );
      assert.is(facts.phones.get(a.deviceName ?? '')?.owner, a.userId, `${a.deviceName} acknowledged for ${a.userId}`);
    }
  }
};

/** The demo's limits: Standard profile 10 phones; dave's Restricted profile allows none. */
export const demoLimits = { alice: 10, bob: 10, dave: 0 } as const;

/** The read models as comparable plain data. */
export const snapshotOf = (app: Pick<Selfprov, 'selfProvisioning'>) => {
  const rm = app.selfProvisioning.readModels;
  return {
    phones: [...rm.phones()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    users: [...rm.users()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    held: rm.heldDirectoryNumbers(CLUSTER),
    free: rm.freeDirectoryNumbers(CLUSTER),
  };
};
