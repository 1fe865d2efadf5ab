import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../aggregateSupport.js';
import { phoneCommandCodecs } from './codecs.js';

type Codecs = typeof phoneCommandCodecs;

/** A decoded phone command: flat `{ type, deviceName, ... }`. */
export type PhoneCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];
export type PhoneCommandType = PhoneCommand['type'];
export type PhoneCommandOf<T extends PhoneCommandType> = Extract<PhoneCommand, { type: T }>;

/** Validates an untrusted phone command; the error names the field at fault. */
export const decodePhoneCommand: (input: unknown) => E.Either<ValidationError, PhoneCommand> = commandDecoder('phone', phoneCommandCodecs);
