import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { LoadedStream, StreamDecision } from '../../kernel/command/handler.js';
import { contextWith, decideOn, decisions, type Reader, reader, type StreamSource, stalePlan } from '../../kernel/command/workflow.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import { endUserDecider } from '../endUser/decider.js';
import { phoneDecider } from '../phone/decider.js';
import type { DeviceName, DirectoryNumber, Name, UserId } from '../shared/codecs.js';
import { streams } from '../shared/streams.js';
import { decodeProvisionPhoneInput, type ProvisionPhoneInput } from './codecs.js';
import {
  checkSystemAndAuthentication,
  guardConfiguration,
  type Identity,
  identityCommand,
  identityOf,
  type PhonePlan,
  phoneInCluster,
  planPhone,
  planSystem,
  planUser,
  releaseTemporaryDn,
  reserveUserLine,
  type SystemPlan,
  type UserPlan,
} from './planning.js';
import { type PlanError, recorded, runWorkflow, type WorkflowContext, type WorkflowDeps, type WorkflowError } from './support.js';
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
): E.Either<PlanError, readonly StreamDecision[]> => {
  const { clusterId, deviceName } = input;
  const checked = checkSystemAndAuthentication(clusterId, p.system, input.authentication.method);
  if (E.isLeft(checked)) return checked;

  const userField = input.userId !== undefined ? 'userId' : 'selfProvisioningId';
  if (identity.kind === 'ambiguous')
    return E.left(
      domainError('self_provisioning_id_ambiguous', `${identity.count} end users share this self-provisioning id`, {
        field: userField,
        details: { count: identity.count },
      }),
    );
  const { user, setup } = p.user;
  if (identity.kind === 'unknown' || user === undefined || !user.exists || user.clusterId !== clusterId)
    return E.left(
      domainError('user_not_found', `no end user of cluster ${JSON.stringify(clusterId)} has this ${userField}`, { field: userField }),
    );
  // Found through the read model, but the loaded user no longer has that id: the read model lagged.
  if (input.selfProvisioningId !== undefined && user.selfProvisioningId !== input.selfProvisioningId)
    return E.left(stalePlan('self-provisioning id changed'));
  const [issue] = setup?.issues ?? [];
  if (issue) return E.left(userRefusal(issue, userField));
  const profile = setup?.profile;
  const primaryExtension = user.primaryExtension;
  if (setup === undefined || profile === undefined || primaryExtension === undefined)
    return E.left(stalePlan('user setup did not resolve'));
  const deviceTemplate = profile.deskPhoneTemplate;
  const lineTemplate = profile.lineTemplate;
  if (deviceTemplate === undefined || lineTemplate === undefined) return E.left(stalePlan('profile templates vanished'));

  const found = phoneInCluster(p.phone, clusterId, deviceName);
  if (E.isLeft(found)) return found;
  const phone = found.right;

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

  const released = releaseTemporaryDn(plan, loaded, p.phone, phone.clusterId, deviceName);
  if (E.isLeft(released)) return released;

  const reserved = reserveUserLine(plan, loaded, p.user, { clusterId, primaryExtension, userId: user.userId }, (held) =>
    domainError(
      held.code,
      `the primary extension ${primaryExtension} of end user ${JSON.stringify(user.userId)} is held by another line or phone`,
      { field: userField, details: { ...held.details, setting: 'primaryExtension' } },
    ),
  );
  if (E.isLeft(reserved)) return reserved;
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
  const command = identityCommand(
    deps,
    (): Identity => {
      if (request.userId !== undefined) return { kind: 'user', userId: request.userId };
      if (request.selfProvisioningId !== undefined)
        return identityOf(deps.readModels.usersBySelfProvisioningId(request.clusterId, request.selfProvisioningId));
      return { kind: 'unknown' };
    },
    (identity, source) => planProvisioning(request, identity, source),
    (identity, p, loaded) => decideProvisioning(request, identity, p, loaded),
  );

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
