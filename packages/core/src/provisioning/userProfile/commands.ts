import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../shared/configurationCodecKit.js';
import { userProfileCommandCodecs } from './codecs.js';

type Codecs = typeof userProfileCommandCodecs;

/** A decoded user profile command. */
export type UserProfileCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Validates untrusted input as a user profile command (`invalid_input` or `unknown_command`, naming the field). */
export const decodeUserProfileCommand: (input: unknown) => E.Either<ValidationError, UserProfileCommand> =
  commandDecoder<UserProfileCommand>('user profile', userProfileCommandCodecs);
