import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../shared/configurationCodecKit.js';
import { applicationUserCommandCodecs } from './codecs.js';

type Codecs = typeof applicationUserCommandCodecs;

/** A decoded application user command. */
export type ApplicationUserCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Validates untrusted input as an application user command (`invalid_input` or `unknown_command`, naming the field). */
export const decodeApplicationUserCommand: (input: unknown) => E.Either<ValidationError, ApplicationUserCommand> =
  commandDecoder<ApplicationUserCommand>('application user', applicationUserCommandCodecs);
