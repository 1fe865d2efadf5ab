import { decodeWith, domainError, type ValidationError, validationError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { DtmfKey } from '../events.js';

// What transports send the driver, checked before anything is recorded, and the errors about calls.

const CALL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const pattern = (name: string, re: RegExp) => t.refinement(t.string, (s) => re.test(s), name);

const StartCall = t.exact(
  t.intersection([
    t.type({ device: pattern('a device name (1-64 letters, digits, . _ -)', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/) }),
    t.partial({
      callId: pattern('a call id (1-128 letters, digits, . _ : -)', CALL_ID),
      dialled: pattern('a dialled number (1-24 digits)', /^[0-9]{1,24}$/),
      language: pattern('a locale name such as en_US', /^[a-z]{2,3}_[A-Z]{2}$/),
    }),
  ]),
  'StartCallRequest',
);
export const decodeStart = decodeWith(StartCall, 'invalid_call_request');

export const checkCallId = (callId: unknown): E.Either<ValidationError, string> =>
  typeof callId === 'string' && CALL_ID.test(callId)
    ? E.right(callId)
    : E.left(validationError('invalid_call_id', 'callId', 'callId must be 1-128 letters, digits, . _ : -'));

/** DTMF keys a transport may send: 1 to 64 of `0-9`, `*`, `#`. */
export const checkDigits = (digits: unknown): E.Either<ValidationError, readonly DtmfKey[]> =>
  typeof digits === 'string' && /^[0-9*#]{1,64}$/.test(digits)
    ? E.right([...digits] as DtmfKey[])
    : E.left(validationError('invalid_digits', 'digits', 'digits must be 1 to 64 DTMF keys: 0-9, * or #'));

export const unknownCall = (callId: string) =>
  domainError('unknown_call' as const, 'no IVR call with this id', { field: 'callId', details: { callId } });
export const callEnded = (callId: string) =>
  domainError('call_ended' as const, 'this IVR call has ended', { field: 'callId', details: { callId } });
