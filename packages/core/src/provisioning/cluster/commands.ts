import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type ValidationError, validationError } from '../../kernel/errors.js';
import { commandDecoder } from '../shared/configurationCodecKit.js';
import { clusterCommandCodecs, MAX_AUTOREGISTRATION_RANGE } from './codecs.js';

type Codecs = typeof clusterCommandCodecs;

/** A decoded cluster command (defaults applied, formats checked). */
export type ClusterCommand = { [K in keyof Codecs]: t.TypeOf<Codecs[K]> }[keyof Codecs];
export type ClusterCommandType = ClusterCommand['type'];
export type ClusterCommandOf<T extends ClusterCommandType> = Extract<ClusterCommand, { type: T }>;

/**
 * Checks a DN range: digits only (by the codec), the same number of digits at both
 * ends (so numeric and textual order agree and `0100`-style numbers keep their
 * zeros), start <= end, and at most {@link MAX_AUTOREGISTRATION_RANGE} numbers.
 */
export const checkDnRange = (startDn: string, endDn: string): E.Either<ValidationError, { size: number }> => {
  if (startDn.length !== endDn.length)
    return E.left(validationError('dn_range_invalid', 'endDn', 'endDn must have as many digits as startDn'));
  // BigInt: a DN has up to 24 digits, beyond a double's exact range.
  const start = BigInt(startDn);
  const end = BigInt(endDn);
  if (start > end) return E.left(validationError('dn_range_invalid', 'startDn', 'startDn must not be after endDn'));
  const size = end - start + 1n;
  if (size > BigInt(MAX_AUTOREGISTRATION_RANGE))
    return E.left(
      validationError('dn_range_too_large', 'endDn', `the range may hold at most ${MAX_AUTOREGISTRATION_RANGE} numbers`, {
        max: MAX_AUTOREGISTRATION_RANGE,
      }),
    );
  return E.right({ size: Number(size) });
};

const crossFieldChecks = (command: ClusterCommand): E.Either<ValidationError, ClusterCommand> => {
  switch (command.type) {
    case 'ConfigureAutoRegistration':
      return E.map(() => command)(checkDnRange(command.startDn, command.endDn));
    case 'SetSipPorts':
      return command.tls === command.tcp
        ? E.left(validationError('sip_ports_conflict', 'tls', 'tls must differ from tcp: both listen on TCP'))
        : E.right(command);
    default:
      return E.right(command);
  }
};

/**
 * Validates untrusted input as a cluster command: the error names the field
 * (`invalid_input`, `unknown_command`, `dn_range_invalid`, `dn_range_too_large`, `sip_ports_conflict`).
 */
export const decodeClusterCommand: (input: unknown) => E.Either<ValidationError, ClusterCommand> = commandDecoder<ClusterCommand>(
  'cluster',
  clusterCommandCodecs,
  crossFieldChecks,
);
