import type { DomainEvent } from '../../kernel/decider.js';

/** Events of the phone stream (`phone-<deviceName>`). */

export type PhoneLineData = { readonly index: number; readonly dn: string; readonly lineTemplate?: string };

/** The phone appeared with a temporary DN on line 1 and the auto-registration templates. */
export type PhoneAutoRegistered = DomainEvent<
  'PhoneAutoRegistered',
  {
    readonly deviceName: string;
    readonly mac: string;
    readonly model: string;
    readonly protocol: 'SIP' | 'SCCP';
    readonly clusterId: string;
    readonly directoryNumber: string;
    readonly deviceTemplate?: string;
    readonly lineTemplate?: string;
  }
>;

export type PhoneRegistered = DomainEvent<'PhoneRegistered', { readonly deviceName: string }>;
export type PhoneUnregistered = DomainEvent<'PhoneUnregistered', { readonly deviceName: string }>;

/** The phone now belongs to `owner`, with the given templates and lines. */
export type PhoneProvisioned = DomainEvent<
  'PhoneProvisioned',
  {
    readonly deviceName: string;
    readonly clusterId: string;
    readonly owner: string;
    /** Set when the phone was taken over from another user. */
    readonly previousOwner?: string;
    readonly deviceTemplate: string;
    readonly lines: readonly PhoneLineData[];
    /** The temporary auto-registration DN given back to the pool. */
    readonly releasedDirectoryNumber?: string;
    /** Set when this phone replaces another ("native phone migration"). */
    readonly replaces?: string;
  }
>;

export type PhoneResetRequested = DomainEvent<'PhoneResetRequested', { readonly deviceName: string; readonly reason: string }>;

/** The phone was replaced by another; its owner and lines moved there. `disposition` is the enterprise parameter. */
export type PhoneReplaced = DomainEvent<
  'PhoneReplaced',
  { readonly deviceName: string; readonly replacedBy: string; readonly disposition: 'keep' | 'delete' }
>;

export type PhoneRemoved = DomainEvent<'PhoneRemoved', { readonly deviceName: string; readonly reason: string }>;

export type PhoneEvent =
  | PhoneAutoRegistered
  | PhoneRegistered
  | PhoneUnregistered
  | PhoneProvisioned
  | PhoneResetRequested
  | PhoneReplaced
  | PhoneRemoved;

export const phoneEventTypes: readonly PhoneEvent['type'][] = [
  'PhoneAutoRegistered',
  'PhoneRegistered',
  'PhoneUnregistered',
  'PhoneProvisioned',
  'PhoneResetRequested',
  'PhoneReplaced',
  'PhoneRemoved',
];
