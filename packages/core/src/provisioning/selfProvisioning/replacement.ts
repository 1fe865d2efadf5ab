import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { LoadedStream, StreamDecision } from '../../kernel/command/handler.js';
import { contextWith, decideOn, decisions, reader, type StreamSource, stalePlan } from '../../kernel/command/workflow.js';
import { domainError } from '../../kernel/errors.js';
import { decodeWith } from '../../kernel/validation/decode.js';
import { endUserDecider } from '../endUser/decider.js';
import { type PhoneState, phoneDecider } from '../phone/decider.js';
import type { DeviceName, DirectoryNumber, Name, UserId } from '../shared/codecs.js';
import { streams } from '../shared/streams.js';
import { ReplacePhoneInput } from './codecs.js';
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
import { userRefusal } from './provisioning.js';
import { type PlanError, recorded, runWorkflow, type WorkflowContext, type WorkflowDeps, type WorkflowError } from './support.js';
import { provisioningLimitOf } from './userReadiness.js';

/** What a successful replacement did. */
export interface ReplacementResult {
  /** The new phone, now the user's with the old phone's configuration. */
  readonly deviceName: string;
  /** The old phone. */
  readonly replacedPhone: string;
  readonly userId: string;
  /** The enterprise parameter applied to the old phone: kept (ownerless, no lines) or deleted. */
  readonly oldPhone: 'keep' | 'delete';
  readonly releasedDirectoryNumber?: string;
  readonly alreadyHandled: boolean;
}

interface ReplacementPlan {
  readonly missing: ReadonlySet<string>;
  readonly system: SystemPlan;
  readonly user: UserPlan;
  readonly phone: PhonePlan;
  /** The user's phones (other than the new one), in the order they were assigned. */
  readonly owned: readonly PhoneState[];
}

const planReplacement = (input: ReplacePhoneInput, identity: Identity, source: StreamSource): ReplacementPlan => {
  const r = reader(source);
  const system = planSystem(r, input.clusterId);
  const user = planUser(r, input.clusterId, identity.kind === 'user' ? identity.userId : undefined, { requireTemplates: false });
  const phone = planPhone(r, input.deviceName);
  const owned: PhoneState[] = [];
  for (const deviceName of user.user?.exists ? user.user.phones : []) {
    if (deviceName === input.deviceName) continue;
    const state = r.state(phoneDecider, streams.phone(deviceName));
    if (state !== undefined) owned.push(state);
  }
  return { missing: r.missing, system, user, phone, owned };
};

/**
 * Which phone is replaced: the user's phone that is currently unregistered (the
 * old one was unplugged); when several are, the one assigned most recently.
 */
export const phoneToReplace = (owned: readonly PhoneState[], userId: string): PhoneState | undefined =>
  owned.filter((p) => p.exists && p.owner === userId && !p.registered).at(-1);

const decideReplacement = (
  input: ReplacePhoneInput,
  identity: Identity,
  p: ReplacementPlan,
  loaded: ReadonlyMap<string, LoadedStream>,
): E.Either<PlanError, readonly StreamDecision[]> => {
  const { clusterId, deviceName, primaryExtension } = input;
  const checked = checkSystemAndAuthentication(clusterId, p.system, input.authentication.method);
  if (E.isLeft(checked)) return checked;
  const cluster = checked.right;

  if (identity.kind === 'ambiguous')
    return E.left(
      domainError('primary_extension_ambiguous', `${identity.count} end users share primary extension ${primaryExtension}`, {
        field: 'primaryExtension',
        details: { count: identity.count },
      }),
    );
  const { user, setup } = p.user;
  if (identity.kind === 'unknown' || user === undefined || !user.exists || user.clusterId !== clusterId)
    return E.left(
      domainError('user_not_found', `no end user of cluster ${JSON.stringify(clusterId)} has primary extension ${primaryExtension}`, {
        field: 'primaryExtension',
      }),
    );
  if (user.primaryExtension !== primaryExtension) return E.left(stalePlan('primary extension changed'));
  const [issue] = setup?.issues ?? [];
  if (issue) return E.left(userRefusal(issue, 'primaryExtension'));
  const profile = setup?.profile;
  if (setup === undefined || profile === undefined) return E.left(stalePlan('user setup did not resolve'));

  const found = phoneInCluster(p.phone, clusterId, deviceName);
  if (E.isLeft(found)) return found;
  const newPhone = found.right;
  if (newPhone.state !== 'autoregistered')
    return E.left(
      domainError('phone_already_provisioned', `device cannot be provisioned: phone ${deviceName} is already provisioned`, {
        field: 'deviceName',
      }),
    );

  const owned = p.owned.filter((ph) => ph.exists && ph.owner === user.userId);
  if (owned.length === 0)
    return E.left(
      domainError('no_phone_to_replace', `end user ${JSON.stringify(user.userId)} has no phone to replace`, { field: 'primaryExtension' }),
    );
  const old = phoneToReplace(owned, user.userId);
  if (old === undefined)
    return E.left(
      domainError('old_phone_still_registered', 'the phone to replace is still registered: unplug the old phone first', {
        field: 'primaryExtension',
        details: { phones: owned.map((ph) => ph.deviceName) },
      }),
    );

  const plan = decisions();
  guardConfiguration(plan, clusterId, p.system, setup);
  const disposition = cluster.enterpriseParameters.replacedPhone;
  const replaced = decideOn(plan, loaded, phoneDecider, streams.phone(old.deviceName), {
    type: 'MarkPhoneReplaced',
    deviceName: recorded<DeviceName>(old.deviceName),
    replacedBy: recorded<DeviceName>(deviceName),
    disposition,
  });
  if (E.isLeft(replaced)) return replaced;

  // The new phone takes the old one's configuration: its device template and lines.
  const deviceTemplate = old.deviceTemplate ?? profile.deskPhoneTemplate ?? newPhone.deviceTemplate;
  if (deviceTemplate === undefined)
    return E.left(
      domainError('device_template_not_found', `phone ${old.deviceName} has no device template to carry over`, { field: 'deviceName' }),
    );
  const lines =
    old.lines.length > 0
      ? old.lines
      : [{ index: 1, dn: primaryExtension, ...(profile.lineTemplate === undefined ? {} : { lineTemplate: profile.lineTemplate }) }];
  const provisioned = decideOn(plan, loaded, phoneDecider, streams.phone(deviceName), {
    type: 'ProvisionPhone',
    deviceName,
    owner: recorded<UserId>(user.userId),
    deviceTemplate: recorded<Name>(deviceTemplate),
    lines: lines.map((l) => ({
      index: l.index,
      dn: recorded<DirectoryNumber>(l.dn),
      ...(l.lineTemplate === undefined ? {} : { lineTemplate: recorded<Name>(l.lineTemplate) }),
    })),
    allowOwnedByOtherUser: false,
    replaces: recorded<DeviceName>(old.deviceName),
  });
  if (E.isLeft(provisioned)) return provisioned;

  const assigned = decideOn(plan, loaded, endUserDecider, streams.user(user.userId), {
    type: 'AssignPhone',
    userId: recorded<UserId>(user.userId),
    deviceName,
    limit: provisioningLimitOf(profile),
    replacing: recorded<DeviceName>(old.deviceName),
  });
  if (E.isLeft(assigned))
    return E.left(
      assigned.left.code === 'provisioning_limit_reached'
        ? domainError(assigned.left.code, assigned.left.message, { field: 'primaryExtension', details: assigned.left.details ?? {} })
        : assigned.left,
    );

  const released = releaseTemporaryDn(plan, loaded, p.phone, newPhone.clusterId, deviceName);
  if (E.isLeft(released)) return released;

  // The user's line keeps (or, for data from before line reservations, takes) the primary extension.
  const reserved = reserveUserLine(plan, loaded, p.user, { clusterId, primaryExtension, userId: user.userId }, (held) =>
    domainError(held.code, `primary extension ${primaryExtension} is held by another line or phone`, {
      field: 'primaryExtension',
      details: held.details ?? {},
    }),
  );
  if (E.isLeft(reserved)) return reserved;
  return E.right(plan.list());
};

/**
 * Replaces a user's phone with a new, auto-registered one ("native phone
 * migration": IVR option 2, primary extension then PIN, or the authentication
 * code for an administrator). The old phone is the user's phone that is currently
 * unregistered (the most recently assigned if several); the new phone takes its
 * device template, lines and ownership, and a reset request; the old phone is
 * kept (ownerless, no lines) or deleted per the enterprise parameter
 * `replacedPhone`. The limit counts the replaced phone once. One atomic append.
 *
 * Refusals: the system and authentication ones of `provisionPhone`, `user_not_found`,
 * `primary_extension_ambiguous`, the user-level ones (except templates),
 * `phone_not_found`, `phone_already_provisioned`, `no_phone_to_replace`,
 * `old_phone_still_registered`.
 */
export const replacePhone = (
  deps: WorkflowDeps,
  input: unknown,
  context?: WorkflowContext,
): TE.TaskEither<WorkflowError, ReplacementResult> => {
  const decoded = decodeWith(ReplacePhoneInput)(input);
  if (E.isLeft(decoded)) return TE.left(decoded.left);
  const request = decoded.right;
  const command = identityCommand(
    deps,
    () => identityOf(deps.readModels.usersByPrimaryExtension(request.clusterId, request.primaryExtension)),
    (identity, source) => planReplacement(request, identity, source),
    (identity, p, loaded) => decideReplacement(request, identity, p, loaded),
  );

  const ctx = contextWith(deps.runtime, context, { actor: { kind: 'device', id: request.deviceName }, channel: 'ivr' });
  return pipe(
    runWorkflow(deps, command, ctx),
    TE.map((result): ReplacementResult => {
      const provisioned = result.events.find((e) => e.type === 'PhoneProvisioned')?.data as
        | { deviceName?: string; owner?: string; replaces?: string; releasedDirectoryNumber?: string }
        | undefined;
      const replaced = result.events.find((e) => e.type === 'PhoneReplaced')?.data as { disposition?: 'keep' | 'delete' } | undefined;
      return {
        deviceName: provisioned?.deviceName ?? request.deviceName,
        replacedPhone: provisioned?.replaces ?? '',
        userId: provisioned?.owner ?? '',
        oldPhone: replaced?.disposition ?? 'keep',
        ...(provisioned?.releasedDirectoryNumber === undefined ? {} : { releasedDirectoryNumber: provisioned.releasedDirectoryNumber }),
        alreadyHandled: result.alreadyHandled,
      };
    }),
  );
};
