import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type ValidationError, validationError } from '../../kernel/errors.js';
import { commandDecoder, firstDuplicate } from '../shared/configurationCodecKit.js';
import { deviceTemplateCommandCodecs } from './codecs.js';

type Codecs = typeof deviceTemplateCommandCodecs;

/** A decoded UDT command. */
export type DeviceTemplateCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Button indexes are unique within the speed dials, and within the busy lamp fields. */
const uniqueIndexes = (c: DeviceTemplateCommand): E.Either<ValidationError, DeviceTemplateCommand> => {
  const sd = firstDuplicate(c.speedDials, (s) => s.index);
  if (sd !== undefined) return E.left(validationError('duplicate_index', `speedDials[${sd}].index`, 'two speed dials use the same index'));
  const blf = firstDuplicate(c.busyLampFields, (b) => b.index);
  if (blf !== undefined)
    return E.left(validationError('duplicate_index', `busyLampFields[${blf}].index`, 'two busy lamp fields use the same index'));
  return E.right(c);
};

/** Validates untrusted input as a UDT command (`invalid_input`, `unknown_command`, `duplicate_index`, naming the field). */
export const decodeDeviceTemplateCommand: (input: unknown) => E.Either<ValidationError, DeviceTemplateCommand> =
  commandDecoder<DeviceTemplateCommand>('device template', deviceTemplateCommandCodecs, uniqueIndexes);
