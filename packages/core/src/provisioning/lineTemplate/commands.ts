import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ValidationError } from '../../kernel/errors.js';
import { commandDecoder } from '../shared/configurationCodecKit.js';
import { lineTemplateCommandCodecs } from './codecs.js';

type Codecs = typeof lineTemplateCommandCodecs;

/** A decoded ULT command. */
export type LineTemplateCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Validates untrusted input as a ULT command (`invalid_input` or `unknown_command`, naming the field). */
export const decodeLineTemplateCommand: (input: unknown) => E.Either<ValidationError, LineTemplateCommand> =
  commandDecoder<LineTemplateCommand>('line template', lineTemplateCommandCodecs);
