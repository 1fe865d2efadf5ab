import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../aggregateSupport.js';
import { endUserCommandCodecs } from './codecs.js';

type Codecs = typeof endUserCommandCodecs;

/** A decoded end-user command: flat `{ type, userId, ... }`. */
export type EndUserCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];
export type EndUserCommandType = EndUserCommand['type'];
export type EndUserCommandOf<T extends EndUserCommandType> = Extract<EndUserCommand, { type: T }>;

/** Validates an untrusted end-user command; the error names the field at fault (`invalid_input`, `unknown_command`). */
export const decodeEndUserCommand: (input: unknown) => E.Either<ValidationError, EndUserCommand> = commandDecoder(
  'end-user',
  endUserCommandCodecs,
);
