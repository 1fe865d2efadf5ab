import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { LoadedStream, MultiStreamCommand, StreamDecision } from '../../command/handler.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import { directoryNumberDecider } from '../directoryNumber/decider.js';
import { endUserDecider } from '../endUser/decider.js';
import { phoneDecider } from '../phone/decider.js';
import type { ClusterId, DeviceName, DirectoryNumber, Name, UserId } from '../shared/codecs.js';
import { streams } from '../shared/streams.js';
import { decodeProvisionPhoneInput, type ProvisionPhoneInput } from './codecs.js';
import {
  guardConfiguration,
  type Identity,
  identityOf,
  type PhonePlan,
  planPhone,
  planSystem,
  planUser,
  type SystemPlan,
  type UserPlan,
} from './planning.js';
import { authenticationRefusal, systemRefusal } from './prerequisites.js';
import {
  contextWith,
  decideOn,
  decisions,
  discoverStreams,
  loadedSource,
  type Reader,
  reader,
  recorded,
  runWorkflow,
  type StreamSource,
  stale,
  type WorkflowContext,
  type WorkflowDeps,
  type WorkflowError,
} from './support.js';
import { provisioningLimitOf, type UserReadinessItem } from './userReadiness.js';

/** What a successful provisioning did. */
export interface ProvisioningResult {
  readonly deviceName: string;
  readonly userId: string;
  /** The user's primary extension, now on line 1. */
  readonly directoryNumber: string;
  readonly deviceTemplate: string;
  readonly lineTemplate?: string;
  /** Set when the phone was taken over from another user (their user stream records the unassignment). */
  readonly previousOwner?: string;
  /** The temporary auto-registration DN given back to the pool. */
  readonly releasedDirectoryNumber?: string;
  readonly alreadyHandled: boolean;
}

interface ProvisioningPlan {
  readonly missing: ReadonlySet<string>;
  readonly r: Reader;
  readonly system: SystemPlan;
  readonly user: UserPlan;
  readonly phone: PhonePlan;
  readonly previousOwner: ReturnType<typeof planUser>['user'];
}

const planProvisioning = (input: ProvisionPhoneInput, identity: Identity, source: StreamSource): ProvisioningPlan => {
  const r = reader(source);
  const system = planSystem(r, input.clusterId);
  const userId = identity.kind === 'user' ? identity.userId : undefined;
  const user = planUser(r, input.clusterId, userId);
  const phone = planPhone(r, input.deviceName);
  const owner = phone.phone?.exists ? phone.phone.owner : undefined;
  const previousOwner = owner !== undefined && owner !== userId ? r.state(endUserDecider, streams.user(owner)) : undefined;
  return { missing: r.missing, r, system, user, phone, previousOwner };
};

/** A user-level readiness item as a refusal: same code; the field names how the request named the user. */
export const userRefusal = (issue: UserReadinessItem, field: string): DomainError =>
  domainError(issue.code, issue.message, { field, details: { setting: issue.setting, fix: issue.fix } });

const decideProvisioning = (
  input: ProvisionPhoneInput,
  identity: Identity,
  p: ProvisioningPlan,
  loaded: ReadonlyMap<string, LoadedStream>,
): E.Either<DomainError, readonly StreamDecision[]> => {
  const { clusterId, deviceName } = input;
  const system = systemRefusal(clusterId, p.system);
  if (system) return E.left(system);
  const cluster = p.system.cluster;
  const mode = cluster?.selfProvisioning?.authentication;
  if (cluster === undefined || mode === undefined) return E.left(stale('cluster settings vanished'));
  const auth = authenticationRefusal(mode, input.authentication.method);
  if (auth) return E.left(auth);

  const userField = input.userId !== undefined ? 'userId' : 'selfProvisioningId';
  if (identity.kind === 'ambiguous')
    return E.left(
      domainError('self_provisioning_id_ambiguous', `${identity.count} end users share this self-provisioning id`, {
        field: userField,
        details: { count: identity.count },
      }),
    );
  const { user, setup, userLineDn } = p.user;
  if (identity.kind === 'unknown' || user === undefined || !user.exists || user.clusterId !== clusterId)
    return E.left(
      domainError('user_not_found', `no end user of cluster ${JSON.stringify(clusterId)} has this ${userField}`, { field: userField }),
    );
  // Found through the read model, but the loaded user no longer has that id: the read model lagged.
  if (input.selfProvisioningId !== undefined && user.selfProvisioningId !== input.selfProvisioningId)
    return E.left(stale('self-provisioning id changed'));
  const [issue] = setup?.issues ?? [];
  if (issue) return E.left(userRefusal(issue, userField));
  const profile = setup?.profile;
  const primaryExtension = user.primaryExtension;
  if (setup === undefined || profile === undefined || primaryExtension === undefined) return E.left(stale('user setup did not resolve'));
  const deviceTemplate = profile.deskPhoneTemplate;
  const lineTemplate = profile.lineTemplate;
  if (deviceTemplate === undefined || lineTemplate === undefined) return E.left(stale('profile templates vanished'));

  const phone = p.phone.phone;
  if (phone === undefined || !phone.exists || phone.clusterId !== clusterId)
    return E.left(
      domainError('phone_not_found', `phone ${deviceName} is not registered in cluster ${JSON.stringify(clusterId)}`, {
        field: 'deviceName',
      }),
    );

  const plan = decisions();
  guardConfiguration(plan, clusterId, p.system, setup);
  const phoneStream = streams.phone(deviceName);
  const provisioned = decideOn(plan, loaded, phoneDecider, phoneStream, {
    type: 'ProvisionPhone',
    deviceName: recorded<DeviceName>(deviceName),
    owner: recorded<UserId>(user.userId),
    deviceTemplate: recorded<Name>(deviceTemplate),
    lines: [{ index: 1, dn: recorded<DirectoryNumber>(primaryExtension), lineTemplate: recorded<Name>(lineTemplate) }],
    allowOwnedByOtherUser: profile.allowProvisioningOfPhoneOwnedByOtherUser,
  });
  if (E.isLeft(provisioned)) return provisioned;

  const limit = provisioningLimitOf(profile);
  const assigned = decideOn(plan, loaded, endUserDecider, streams.user(user.userId), {
    type: 'AssignPhone',
    userId: recorded<UserId>(user.userId),
    deviceName: recorded<DeviceName>(deviceName),
    limit,
  });
  if (E.isLeft(assigned))
    return E.left(
      assigned.left.code === 'provisioning_limit_reached'
        ? domainError(assigned.left.code, assigned.left.message, {
            field: userField,
            details: { ...assigned.left.details, setting: 'userProfile.provisioningLimit' },
          })
        : assigned.left,
    );

  const previous = phone.owner;
  if (previous !== undefined && previous !== user.userId && p.previousOwner?.exists && p.previousOwner.phones.includes(deviceName)) {
    const unassigned = decideOn(plan, loaded, endUserDecider, streams.user(previous), {
      type: 'UnassignPhone',
      userId: recorded<UserId>(previous),
      deviceName: recorded<DeviceName>(deviceName),
      reason: 'provisioned-by-other-user',
      newOwner: recorded<UserId>(user.userId),
    });
    if (E.isLeft(unassigned)) return unassigned;
  }

  const temporary = p.phone.temporaryDn;
  if (temporary !== undefined && temporary.state?.holder !== undefined) {
    const released = decideOn(plan, loaded, directoryNumberDecider, streams.directoryNumber(phone.clusterId, temporary.dn), {
      type: 'ReleaseDirectoryNumber',
      clusterId: recorded<ClusterId>(phone.clusterId),
      directoryNumber: recorded<DirectoryNumber>(temporary.dn),
      holder: { kind: 'phone', deviceName: recorded<DeviceName>(deviceName) },
    });
    if (E.isLeft(released)) return released;
  }

  if (userLineDn === undefined) return E.left(stale('user line reservation not loaded'));
  const reserved = decideOn(plan, loaded, directoryNumberDecider, streams.directoryNumber(clusterId, primaryExtension), {
    type: 'ReserveDirectoryNumber',
    clusterId,
    directoryNumber: recorded<DirectoryNumber>(primaryExtension),
    holder: { kind: 'user-line', userId: recorded<UserId>(user.userId) },
  });
  if (E.isLeft(reserved))
    return E.left(
      domainError(
        reserved.left.code,
        `the primary extension ${primaryExtension} of end user ${JSON.stringify(user.userId)} is held by another line or phone`,
        { field: userField, details: { ...reserved.left.details, setting: 'primaryExtension' } },
      ),
    );
  return E.right(plan.list());
};

/**
 * Provisions an auto-registered phone for an end user (the IVR's "new phone"
 * flow, or an administrator on the user's behalf). Checks, in order: the six
 * system prerequisites, the authentication method against the cluster's mode, the
 * user (found by `selfProvisioningId` or `userId`) and their user-level
 * prerequisites, the phone, the provisioning limit, and the user's line DN.
 *
 * Then, in ONE atomic append: the phone gets the profile's UDT, line 1 the user's
 * primary extension with the profile's ULT, and a reset request; the user stream
 * records the phone (the limit is enforced there); a previous owner's stream
 * records the unassignment; the temporary DN is released and the user's line
 * reservation taken; every configuration stream read is guarded, so a concurrent
 * configuration change makes the decision run again.
 *
 * Credentials are verified before this call (by the IVR, with the credentials
 * module); the domain checks only that the method is allowed.
 */
export const provisionPhone = (
  deps: WorkflowDeps,
  input: unknown,
  context?: WorkflowContext,
): TE.TaskEither<WorkflowError, ProvisioningResult> => {
  const decoded = decodeProvisionPhoneInput(input);
  if (E.isLeft(decoded)) return TE.left(decoded.left);
  const request = decoded.right;
  let identity: Identity = { kind: 'unknown' };

  const command: MultiStreamCommand<DomainError> = {
    streams: () => async () => {
      const caught = await deps.readModels.catchUp()();
      if (E.isLeft(caught)) return caught;
      if (request.userId !== undefined) identity = { kind: 'user', userId: request.userId };
      else if (request.selfProvisioningId !== undefined)
        identity = identityOf(deps.readModels.usersBySelfProvisioningId(request.clusterId, request.selfProvisioningId));
      return discoverStreams(deps.store, (source) => planProvisioning(request, identity, source))();
    },
    decide: (loaded) => {
      const p = planProvisioning(request, identity, loadedSource(loaded));
      if (p.missing.size > 0) return E.left(stale(`not loaded: ${[...p.missing].join(', ')}`));
      return decideProvisioning(request, identity, p, loaded);
    },
  };

  const ctx = contextWith(deps.runtime, context, { actor: { kind: 'device', id: request.deviceName }, channel: 'ivr' });
  return pipe(
    runWorkflow(deps, command, ctx),
    TE.map((result): ProvisioningResult => {
      const event = result.events.find((e) => e.type === 'PhoneProvisioned');
      const data = (event?.data ?? {}) as {
        deviceName?: string;
        owner?: string;
        deviceTemplate?: string;
        lines?: { index: number; dn: string; lineTemplate?: string }[];
        previousOwner?: string;
        releasedDirectoryNumber?: string;
      };
      const line = data.lines?.find((l) => l.index === 1);
      return {
        deviceName: data.deviceName ?? request.deviceName,
        userId: data.owner ?? '',
        directoryNumber: line?.dn ?? '',
        deviceTemplate: data.deviceTemplate ?? '',
        ...(line?.lineTemplate === undefined ? {} : { lineTemplate: line.lineTemplate }),
        ...(data.previousOwner === undefined ? {} : { previousOwner: data.previousOwner }),
        ...(data.releasedDirectoryNumber === undefined ? {} : { releasedDirectoryNumber: data.releasedDirectoryNumber }),
        alreadyHandled: result.alreadyHandled,
      };
    }),
  );
};
