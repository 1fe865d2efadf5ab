import type { CarouselKind, DirectoryLine } from '../ports/phoneDirectory.js';
import type { Catalog } from '../shared/catalog.js';
import type { LineFeature } from '../shared/features.js';
import type { SetCallerIdInput, SetCallForwardInput, SetLineMusicOnHoldInput, SetNotificationInput } from './codecs.js';

/** The key of one line in the read model's `lines` map: `<deviceName>#<lineIndex>`. */
export const lineKey = (deviceName: string, lineIndex: number) => `${deviceName}#${lineIndex}`;

/** One of the subject's own lines with its current forward-all number, for loop detection. */
export interface OwnLine {
  readonly deviceName: string;
  readonly lineIndex: number;
  readonly directoryNumber: string;
  /** The number this line forwards all calls to, or null. */
  readonly forwardAllNumber: string | null;
}

/** Facts a line-settings decision reads from the phone directory and the read model, loaded with it. */
export interface LineFacts {
  readonly subject: string;
  readonly owner: string | null;
  readonly kind: CarouselKind | null;
  /** The lines of the device. */
  readonly lines: readonly DirectoryLine[];
  /** Every line of the subject (all devices) with its forward-all number. */
  readonly ownLines: readonly OwnLine[];
  readonly catalog: Catalog;
}

type Cmd<T extends string, D> = { readonly type: T; readonly data: D; readonly facts: LineFacts };

export type SetCallForward = Cmd<'SetCallForward', SetCallForwardInput>;
export type SetCallerId = Cmd<'SetCallerId', SetCallerIdInput>;
export type SetNotification = Cmd<'SetNotification', SetNotificationInput>;
export type SetLineMusicOnHold = Cmd<'SetLineMusicOnHold', SetLineMusicOnHoldInput>;

export type LineSettingsCommand = SetCallForward | SetCallerId | SetNotification | SetLineMusicOnHold;

/** The visibility feature each command belongs to (Line Settings page). */
export const lineFeatureOf: Readonly<Record<LineSettingsCommand['type'], LineFeature>> = {
  SetCallForward: 'CallForward',
  SetCallerId: 'CallerId',
  SetNotification: 'Notification',
  SetLineMusicOnHold: 'MusicOnHold',
};
