import type { DomainEvent } from '../../kernel/decider.js';

/** Events of a DN reservation stream (`dn-<clusterId>-<number>`). */

export type DnHolderData =
  | { readonly kind: 'phone'; readonly deviceName: string }
  | { readonly kind: 'user-line'; readonly userId: string };

export type DirectoryNumberReserved = DomainEvent<
  'DirectoryNumberReserved',
  { readonly clusterId: string; readonly directoryNumber: string; readonly holder: DnHolderData }
>;

/** The number is free again (e.g. a temporary auto-registration DN returned to the pool). */
export type DirectoryNumberReleased = DomainEvent<
  'DirectoryNumberReleased',
  { readonly clusterId: string; readonly directoryNumber: string; readonly holder: DnHolderData }
>;

export type DirectoryNumberEvent = DirectoryNumberReserved | DirectoryNumberReleased;

export const directoryNumberEventTypes: readonly DirectoryNumberEvent['type'][] = ['DirectoryNumberReserved', 'DirectoryNumberReleased'];
