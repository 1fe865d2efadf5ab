import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import type { DirectoryNumberCommand } from './commands.js';
import type { DirectoryNumberEvent, DnHolderData } from './events.js';

/** A DN reservation: who holds number `directoryNumber` of `clusterId`, if anyone. */
export interface DirectoryNumberState {
  /** True once the number was ever reserved (the stream exists). */
  readonly exists: boolean;
  readonly clusterId: string;
  readonly directoryNumber: string;
  readonly holder?: DnHolderData;
}

export type DirectoryNumberError = DomainError<'directory_number_in_use' | 'directory_number_held_by_other'>;

export const initialDirectoryNumberState = (): DirectoryNumberState => ({ exists: false, clusterId: '', directoryNumber: '' });

/** Same holder? */
export const sameHolder = (a: DnHolderData | undefined, b: DnHolderData | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  (a.kind === 'phone' ? b.kind === 'phone' && a.deviceName === b.deviceName : b.kind === 'user-line' && a.userId === b.userId);

/** A holder in words, for messages. */
export const describeHolder = (h: DnHolderData): string => (h.kind === 'phone' ? `phone ${h.deviceName}` : `the line of user ${h.userId}`);

const holderData = (h: DnHolderData): DnHolderData =>
  h.kind === 'phone' ? { kind: 'phone', deviceName: h.deviceName } : { kind: 'user-line', userId: h.userId };

const decide = (
  command: DirectoryNumberCommand,
  state: DirectoryNumberState,
): E.Either<DirectoryNumberError, readonly DirectoryNumberEvent[]> => {
  const { clusterId, directoryNumber } = command;
  const holder = holderData(command.holder);
  switch (command.type) {
    case 'ReserveDirectoryNumber':
      if (state.holder === undefined) return E.right([{ type: 'DirectoryNumberReserved', data: { clusterId, directoryNumber, holder } }]);
      if (sameHolder(state.holder, holder)) return E.right([]);
      return E.left(
        domainError('directory_number_in_use', `directory number ${directoryNumber} is already held by ${describeHolder(state.holder)}`, {
          field: 'directoryNumber',
          details: { clusterId, directoryNumber },
        }),
      );
    case 'ReleaseDirectoryNumber':
      if (state.holder === undefined) return E.right([]);
      if (!sameHolder(state.holder, holder))
        return E.left(
          domainError(
            'directory_number_held_by_other',
            `directory number ${directoryNumber} is held by ${describeHolder(state.holder)}, not by ${describeHolder(holder)}`,
            { field: 'directoryNumber', details: { clusterId, directoryNumber } },
          ),
        );
      return E.right([{ type: 'DirectoryNumberReleased', data: { clusterId, directoryNumber, holder } }]);
  }
};

const evolve = (state: DirectoryNumberState, event: DirectoryNumberEvent): DirectoryNumberState => {
  switch (event.type) {
    case 'DirectoryNumberReserved':
      return { exists: true, clusterId: event.data.clusterId, directoryNumber: event.data.directoryNumber, holder: event.data.holder };
    case 'DirectoryNumberReleased':
      return { exists: true, clusterId: event.data.clusterId, directoryNumber: event.data.directoryNumber };
    default:
      return state;
  }
};

/**
 * The DN reservation aggregate (`dn-<clusterId>-<number>`). Every writer appends
 * with the version it loaded (`no_stream` for a number never used), so two
 * processes can never both hold one number: the second append conflicts, and the
 * retry sees the holder and is refused (or, for auto-registration, picks the next free number).
 */
export const directoryNumberDecider: Decider<DirectoryNumberCommand, DirectoryNumberEvent, DirectoryNumberState, DirectoryNumberError> = {
  decide,
  evolve,
  initialState: initialDirectoryNumberState,
};
