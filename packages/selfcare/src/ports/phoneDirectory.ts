import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { SelfCarePortError } from '../shared/errors.js';

/** What an entry of the user's phone carousel is. */
export type CarouselKind = 'phone' | 'extension-mobility-profile' | 'remote-destination-profile';

/** A line of a phone or profile: its 1-based index and directory number. */
export interface DirectoryLine {
  readonly index: number;
  readonly directoryNumber: string;
}

/** A phone or profile as the provisioning side knows it. */
export interface DirectoryDevice {
  readonly deviceName: string;
  readonly kind: CarouselKind;
  readonly model: string | null;
  readonly description: string | null;
  readonly lines: readonly DirectoryLine[];
}

/**
 * Where self-care learns who owns what. The provisioning domain owns phones,
 * profiles and lines; self-care only reads them, so every ownership check
 * ("a user changes only their own phones and lines") takes its facts from here.
 * The lead binds it to the core read models; `createMemoryPhoneDirectory` serves tests.
 */
export interface PhoneDirectory {
  /** The user's carousel: phones and profiles they own. Empty for an unknown user. */
  phonesOf(userId: string): TE.TaskEither<SelfCarePortError, readonly DirectoryDevice[]>;
  /** The owner of a phone or profile; undefined when it has none or does not exist. */
  ownerOf(deviceName: string): TE.TaskEither<SelfCarePortError, string | undefined>;
  /** The lines of a phone or profile; empty when it does not exist. */
  linesOf(deviceName: string): TE.TaskEither<SelfCarePortError, readonly DirectoryLine[]>;
  /** The device registered with this MAC address (12 upper-case hex digits), if any. Optional: without it MAC uniqueness is left to provisioning. */
  deviceWithMac?(macAddress: string): TE.TaskEither<SelfCarePortError, string | undefined>;
}

/** A device of the in-memory directory. */
export interface MemoryDirectoryEntry {
  readonly deviceName: string;
  readonly owner?: string;
  readonly kind?: CarouselKind;
  readonly model?: string;
  readonly description?: string;
  readonly macAddress?: string;
  readonly lines?: readonly DirectoryLine[];
}

export interface MemoryPhoneDirectory extends PhoneDirectory {
  /** Adds or replaces a device. */
  put(entry: MemoryDirectoryEntry): void;
  remove(deviceName: string): void;
}

/** An in-memory phone directory for tests, examples and demos. */
export const createMemoryPhoneDirectory = (entries: readonly MemoryDirectoryEntry[] = []): MemoryPhoneDirectory => {
  const devices = new Map<string, MemoryDirectoryEntry>();
  for (const e of entries) devices.set(e.deviceName, e);
  const view = (e: MemoryDirectoryEntry): DirectoryDevice => ({
    deviceName: e.deviceName,
    kind: e.kind ?? 'phone',
    model: e.model ?? null,
    description: e.description ?? null,
    lines: [...(e.lines ?? [])].sort((a, b) => a.index - b.index),
  });
  const ok =
    <A>(a: A): TE.TaskEither<SelfCarePortError, A> =>
    async () =>
      E.right(a);
  return {
    put: (entry) => {
      devices.set(entry.deviceName, entry);
    },
    remove: (deviceName) => {
      devices.delete(deviceName);
    },
    phonesOf: (userId) => ok([...devices.values()].filter((d) => d.owner === userId).map(view)),
    ownerOf: (deviceName) => ok(devices.get(deviceName)?.owner),
    linesOf: (deviceName) => {
      const d = devices.get(deviceName);
      return ok(d ? view(d).lines : []);
    },
    deviceWithMac: (mac) => ok([...devices.values()].find((d) => d.macAddress === mac)?.deviceName),
  };
};
