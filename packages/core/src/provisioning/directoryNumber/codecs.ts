import * as t from 'io-ts';
import { commandCodec } from '../aggregateSupport.js';
import { ClusterId, DeviceName, DirectoryNumber, UserId } from '../shared/codecs.js';

/**
 * Who holds a DN: an auto-registered phone (its temporary number), or a user's
 * line. A user's primary extension is held by the user's line, which every phone
 * of that user shows on line 1: so "a DN is held by at most one line or
 * auto-registered phone" holds while a user has several phones.
 */
export const DnHolder = t.union(
  [t.type({ kind: t.literal('phone'), deviceName: DeviceName }), t.type({ kind: t.literal('user-line'), userId: UserId })],
  'DnHolder',
);
export type DnHolder = t.TypeOf<typeof DnHolder>;

const id = { clusterId: ClusterId, directoryNumber: DirectoryNumber };

export const ReserveDirectoryNumber = commandCodec('ReserveDirectoryNumber', { ...id, holder: DnHolder });
export const ReleaseDirectoryNumber = commandCodec('ReleaseDirectoryNumber', { ...id, holder: DnHolder });

export const directoryNumberCommandCodecs = { ReserveDirectoryNumber, ReleaseDirectoryNumber } as const;
