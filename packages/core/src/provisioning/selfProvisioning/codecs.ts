import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type ValidationError, validationError } from '../../kernel/errors.js';
import { decodeWith } from '../../kernel/validation/decode.js';
import { PhoneModel } from '../phone/codecs.js';
import { ClusterId, DeviceName, DirectoryNumber, DtmfDigits, MacAddress, Protocol, UserId } from '../shared/codecs.js';

/** Input codecs of the self-provisioning workflows. Every workflow validates its input with one of these first. */

/**
 * How the caller was authenticated before the request (the IVR verifies the
 * secret with the credentials module; the domain only checks the method is
 * allowed by the cluster's authentication mode).
 */
export const AuthenticationMethod = t.keyof({ none: null, pin: null, password: null, 'authentication-code': null }, 'AuthenticationMethod');
export type AuthenticationMethod = t.TypeOf<typeof AuthenticationMethod>;

export const Authentication = t.type({ method: AuthenticationMethod }, 'Authentication');

export const AutoRegisterPhoneInput = t.type(
  { clusterId: ClusterId, mac: MacAddress, model: PhoneModel, protocol: Protocol },
  'AutoRegisterPhoneInput',
);
export type AutoRegisterPhoneInput = t.TypeOf<typeof AutoRegisterPhoneInput>;

const ProvisionPhoneFields = t.intersection(
  [
    t.type({ clusterId: ClusterId, deviceName: DeviceName, authentication: Authentication }),
    t.partial({ selfProvisioningId: DtmfDigits, userId: UserId }),
  ],
  'ProvisionPhoneInput',
);

/** The user is named by exactly one of `selfProvisioningId` (as the IVR collects it) or `userId`. */
export type ProvisionPhoneInput = t.TypeOf<typeof ProvisionPhoneFields>;

export const decodeProvisionPhoneInput = (input: unknown): E.Either<ValidationError, ProvisionPhoneInput> =>
  E.chain((p: ProvisionPhoneInput) =>
    (p.selfProvisioningId === undefined) === (p.userId === undefined)
      ? E.left(validationError('invalid_input', 'selfProvisioningId', 'give exactly one of selfProvisioningId or userId to name the user'))
      : E.right(p),
  )(decodeWith(ProvisionPhoneFields)(input));

export const ReplacePhoneInput = t.type(
  { clusterId: ClusterId, deviceName: DeviceName, primaryExtension: DirectoryNumber, authentication: Authentication },
  'ReplacePhoneInput',
);
export type ReplacePhoneInput = t.TypeOf<typeof ReplacePhoneInput>;

export const RecordRegistrationInput = t.type({ deviceName: DeviceName, registered: t.boolean }, 'RecordRegistrationInput');
export type RecordRegistrationInput = t.TypeOf<typeof RecordRegistrationInput>;
