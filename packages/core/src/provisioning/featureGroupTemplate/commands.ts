import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type ValidationError, validationError } from '../../kernel/errors.js';
import { commandDecoder } from '../shared/configurationCodecKit.js';
import { featureGroupTemplateCommandCodecs } from './codecs.js';

type Codecs = typeof featureGroupTemplateCommandCodecs;

/** A decoded feature group template command. */
export type FeatureGroupTemplateCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];

/** Mobile Voice Access is a mobility feature: it needs mobility enabled. */
const mobilityFirst = (c: FeatureGroupTemplateCommand): E.Either<ValidationError, FeatureGroupTemplateCommand> =>
  c.mobileVoiceAccess && !c.mobilityEnabled
    ? E.left(validationError('mobility_required', 'mobileVoiceAccess', 'mobileVoiceAccess needs mobilityEnabled'))
    : E.right(c);

/** Validates untrusted input as a feature group template command (`invalid_input`, `unknown_command`, `mobility_required`). */
export const decodeFeatureGroupTemplateCommand: (input: unknown) => E.Either<ValidationError, FeatureGroupTemplateCommand> =
  commandDecoder<FeatureGroupTemplateCommand>('feature group template', featureGroupTemplateCommandCodecs, mobilityFirst);
