import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../aggregateSupport.js';
import { directoryNumberCommandCodecs } from './codecs.js';

type Codecs = typeof directoryNumberCommandCodecs;

/** A decoded DN reservation command. */
export type DirectoryNumberCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Validates an untrusted DN reservation command; the error names the field at fault. */
export const decodeDirectoryNumberCommand: (input: unknown) => E.Either<ValidationError, DirectoryNumberCommand> = commandDecoder(
  'directory-number',
  directoryNumberCommandCodecs,
);
