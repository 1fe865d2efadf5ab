import {
  type Actor,
  blockingReadinessCodes,
  type CredentialDeps,
  type EventStore,
  type Runtime,
  recordCredentialEvents,
  type SelfProvisioning,
  streams,
  systemRuntime,
  type VerificationResult,
  verifyAuthenticationCode,
  verifyCredential,
  verifyPin,
} from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CallSettings, IvrGateway, IvrRefusal, Refused } from './gateway.js';

/**
 * The `IvrGateway` bound to the self-provisioning domain: call settings from
 * the cluster (IVR languages, authentication mode, route point DN, system
 * readiness), users found through the facade's read models, secrets checked by
 * the credentials module (lockout, throttling, hashing), and the domain's
 * atomic, idempotent `provisionPhone` / `replacePhone` workflows.
 */
export interface DomainGatewayOptions {
  readonly selfProvisioning: SelfProvisioning;
  /** The credentials module's ports: credential store, throttle store, hasher, clock (and throttle policy). */
  readonly credentials: CredentialDeps;
  /** Where the credential check's audit events go (the users' and clusters' streams); usually the facade's store. */
  readonly store: EventStore;
  /** The cluster of the IVR. Default: the calling phone's cluster (or the only cluster there is). */
  readonly clusterId?: string;
  /** Ids and timers for recording the checks' events. Default: the system's, with the credentials' clock. */
  readonly runtime?: Runtime;
}

/** Domain error codes and the refusal the caller hears for each. Codes not listed are a generic failure. */
const refusalByCode: Readonly<Record<string, IvrRefusal>> = {
  user_not_found: 'unknown_id',
  self_provisioning_id_ambiguous: 'unknown_id',
  primary_extension_ambiguous: 'unknown_id',
  user_has_no_primary_extension: 'no_primary_extension',
  self_provisioning_not_allowed: 'not_allowed_by_profile',
  phone_already_provisioned: 'already_provisioned',
  phone_owned_by_other_user: 'owned_by_another_user',
  provisioning_limit_reached: 'limit_reached',
  old_phone_still_registered: 'old_phone_registered',
  no_phone_to_replace: 'no_phone_to_replace',
  cluster_not_found: 'system_not_ready',
  // The user's profile is incomplete: nothing the caller can fix; the administrator must.
  feature_group_template_not_found: 'system_not_ready',
  user_has_no_user_profile: 'system_not_ready',
  user_profile_not_found: 'system_not_ready',
  user_profile_has_no_device_template: 'system_not_ready',
  user_profile_has_no_line_template: 'system_not_ready',
  device_template_not_found: 'system_not_ready',
  line_template_not_found: 'system_not_ready',
};

/** The refusal for a domain, validation or store error (by its `code`). */
export const refusalForDomainError = (error: { readonly code: string }): IvrRefusal =>
  refusalByCode[error.code] ?? (blockingReadinessCodes.has(error.code) ? 'system_not_ready' : 'failure');

const refused = (refusal: IvrRefusal, message?: string): Refused => (message === undefined ? { refusal } : { refusal, message });

/** The refusal for a credential check's outcome (`undefined`: verified). */
const verificationRefusal = (r: VerificationResult): Refused | undefined => {
  switch (r.outcome) {
    case 'verified':
      return undefined;
    case 'credential_invalid':
      return r.lockedOut !== null
        ? { refusal: 'wrong_credential', attemptsLeft: 0 }
        : r.remainingAttempts === null
          ? { refusal: 'wrong_credential' }
          : { refusal: 'wrong_credential', attemptsLeft: r.remainingAttempts };
    case 'locked_out':
      return { refusal: 'locked_out' };
    case 'throttled_device':
    case 'throttled_global':
      return { refusal: 'throttled' };
    case 'credential_not_set':
      // Worded like a wrong secret on the line (the credentials module's advice): no hint that the account has none.
      return { refusal: 'wrong_credential' };
  }
};

export const createDomainGateway = (o: DomainGatewayOptions): IvrGateway => {
  const sp = o.selfProvisioning;

  const clusterOf = async (device: string): Promise<E.Either<Refused, string>> => {
    if (o.clusterId !== undefined) return E.right(o.clusterId);
    const phone = await sp.phone(device)();
    if (E.isLeft(phone)) return E.left(refused('failure', phone.left.message));
    if (phone.right?.exists) return E.right(phone.right.clusterId);
    const clusters = sp.readModels.clusters().filter((c) => c.exists);
    return clusters.length === 1 && clusters[0] !== undefined
      ? E.right(clusters[0].clusterId)
      : E.left(refused('failure', 'the calling device belongs to no known cluster'));
  };

  const policyOf = async (clusterId: string) => {
    const cluster = await sp.cluster(clusterId)();
    return E.isRight(cluster) && cluster.right?.exists ? cluster.right.credentialPolicy : undefined;
  };

  const runtime = o.runtime ?? { ...systemRuntime(), clock: o.credentials.clock };
  /**
   * Records the check's events (never a secret) on the subject's stream, the one way credential
   * events are recorded (recordCredentialEvents). A check whose record cannot be written is not
   * trusted: the caller hears a failure, and the lockout counters in the credential store stand.
   */
  const audit = async (
    stream: string,
    events: VerificationResult['events'],
    actor: Actor,
    callId: string,
  ): Promise<E.Either<Refused, void>> => {
    const recorded = await recordCredentialEvents(
      { store: o.store, runtime },
      { streamId: stream, events, context: { commandId: runtime.ids.uuid(), actor, channel: 'ivr', correlationId: callId } },
    )();
    return E.isLeft(recorded) ? E.left(refused('failure', recorded.left.code)) : E.right(undefined);
  };

  const actorFor = (r: { authenticatedBy: string; userId: string; device: string }): Actor =>
    r.authenticatedBy === 'administrator'
      ? { kind: 'administrator', id: 'authentication-code', onBehalfOf: r.userId }
      : r.authenticatedBy === 'user'
        ? { kind: 'user', id: r.userId }
        : { kind: 'device', id: r.device };

  return {
    callSettings:
      (device, dialled): TE.TaskEither<Refused, CallSettings> =>
      async () => {
        const clusterId = await clusterOf(device);
        if (E.isLeft(clusterId)) return clusterId;
        const cluster = await sp.cluster(clusterId.right)();
        if (E.isLeft(cluster)) return E.left(refused('failure', cluster.left.message));
        const settings = cluster.right?.selfProvisioning;
        if (!cluster.right?.exists || settings === undefined)
          return E.left(refused('system_not_ready', 'self-provisioning is not configured'));
        const readiness = await sp.systemReadiness(clusterId.right)();
        if (E.isLeft(readiness)) return E.left(refused('failure', readiness.left.message));
        const blocking = readiness.right.find((i) => blockingReadinessCodes.has(i.code));
        if (blocking !== undefined) return E.left(refused('system_not_ready', blocking.code));
        const ivrDirectoryNumber = sp.readModels.ctiRoutePoint(settings.ctiRoutePoint)?.line1Dn ?? null;
        return E.right({
          languages: settings.languages,
          authenticationMode: settings.authentication,
          ivrDirectoryNumber,
          dialledIsIvr: dialled === undefined ? ivrDirectoryNumber !== null : dialled === ivrDirectoryNumber,
        });
      },

    identifyUser:
      ({ device, by, digits }) =>
      async () => {
        const clusterId = await clusterOf(device);
        if (E.isLeft(clusterId)) return clusterId;
        const users =
          by === 'extension'
            ? await sp.usersByPrimaryExtension(clusterId.right, digits)()
            : await sp.usersBySelfProvisioningId(clusterId.right, digits)();
        if (E.isLeft(users)) return E.left(refused('failure', users.left.message));
        const [user, ...others] = users.right;
        // Several users with one id: the domain refuses to guess, so does the IVR.
        if (user === undefined || others.length > 0) return E.left(refused('unknown_id'));
        return E.right({ userId: user.userId });
      },

    verifyCredential:
      ({ callId, userId, secret, allowedMethods, callingDevice }) =>
      async () => {
        const clusterId = await clusterOf(callingDevice);
        if (E.isLeft(clusterId)) return clusterId;
        const policy = await policyOf(clusterId.right);
        const withPolicy = policy === undefined ? {} : { policy };
        const device = { kind: 'device', id: callingDevice } as const;
        if (allowedMethods.includes('authentication-code') && !allowedMethods.includes('pin')) {
          const checked = await verifyAuthenticationCode(o.credentials, { code: secret, device: callingDevice, ...withPolicy })();
          if (E.isLeft(checked)) return E.left(refused('failure', checked.left.code));
          const recorded = await audit(streams.cluster(clusterId.right), checked.right.events, device, callId);
          if (E.isLeft(recorded)) return recorded;
          const refusal = verificationRefusal(checked.right);
          return refusal === undefined ? E.right({ method: 'authentication-code' }) : E.left(refusal);
        }
        // The PIN when the user has one, else the password typed as digits. One credential per attempt:
        // a wrong PIN never counts as a password failure (which would lock the user out of self-care too).
        const pin = allowedMethods.includes('pin')
          ? await verifyPin(o.credentials, { subject: userId, secret, device: callingDevice, ...withPolicy })()
          : undefined;
        if (pin !== undefined && E.isLeft(pin)) return E.left(refused('failure', pin.left.code));
        const usePassword = allowedMethods.includes('password') && (pin === undefined || pin.right.outcome === 'credential_not_set');
        const checked = usePassword
          ? await verifyCredential(o.credentials, { subject: userId, kind: 'password', secret, device: callingDevice, ...withPolicy })()
          : pin;
        if (checked === undefined) return E.left(refused('failure', 'no credential method allowed'));
        if (E.isLeft(checked)) return E.left(refused('failure', checked.left.code));
        const recorded = await audit(streams.user(userId), checked.right.events, device, callId);
        if (E.isLeft(recorded)) return recorded;
        const refusal = verificationRefusal(checked.right);
        return refusal === undefined ? E.right({ method: usePassword ? 'password' : 'pin' }) : E.left(refusal);
      },

    provisionPhone: (r) => async () => {
      const clusterId = await clusterOf(r.device);
      if (E.isLeft(clusterId)) return clusterId;
      const result = await sp.provisionPhone(
        { clusterId: clusterId.right, deviceName: r.device, userId: r.userId, authentication: { method: r.method } },
        { commandId: r.commandId, actor: actorFor(r), channel: 'ivr', correlationId: r.callId },
      )();
      if (E.isLeft(result)) return E.left(refused(refusalForDomainError(result.left), result.left.code));
      return E.right({ extension: result.right.directoryNumber });
    },

    replacePhone: (r) => async () => {
      const clusterId = await clusterOf(r.device);
      if (E.isLeft(clusterId)) return clusterId;
      const result = await sp.replacePhone(
        { clusterId: clusterId.right, deviceName: r.device, primaryExtension: r.digits, authentication: { method: r.method } },
        { commandId: r.commandId, actor: actorFor(r), channel: 'ivr', correlationId: r.callId },
      )();
      if (E.isLeft(result)) return E.left(refused(refusalForDomainError(result.left), result.left.code));
      // The extension was looked up by these digits: it is the user's primary extension, now on the new phone.
      return E.right({ extension: r.digits, oldDevice: result.right.replacedPhone });
    },
  };
};
