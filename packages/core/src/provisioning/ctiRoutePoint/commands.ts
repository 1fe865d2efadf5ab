import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../shared/configurationCodecKit.js';
import { ctiRoutePointCommandCodecs } from './codecs.js';

type Codecs = typeof ctiRoutePointCommandCodecs;

/** A decoded CTI route point command. */
export type CtiRoutePointCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Validates untrusted input as a CTI route point command (`invalid_input` or `unknown_command`, naming the field). */
export const decodeCtiRoutePointCommand: (input: unknown) => E.Either<ValidationError, CtiRoutePointCommand> =
  commandDecoder<CtiRoutePointCommand>('CTI route point', ctiRoutePointCommandCodecs);
