import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { handleCommand } from '../../kernel/command/handler.js';
import { contextWith, decideOn, decisions, loadedSource, reader, stalePlan, type WorkflowCommand } from '../../kernel/command/workflow.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import { decodeWith } from '../../kernel/validation/decode.js';
import { clusterDecider } from '../cluster/decider.js';
import { directoryNumberDecider } from '../directoryNumber/decider.js';
import type { PhoneCommandOf } from '../phone/commands.js';
import { isRegisteredPhone, phoneDecider } from '../phone/decider.js';
import { inRange } from '../readModels/freeNumbers.js';
import type { DeviceName, DirectoryNumber, Name } from '../shared/codecs.js';
import { deviceNameForMac } from '../shared/codecs.js';
import { streams } from '../shared/streams.js';
import { AutoRegisterPhoneInput, RecordRegistrationInput } from './codecs.js';
import { recorded, runWorkflow, type WorkflowContext, type WorkflowDeps, type WorkflowError } from './support.js';

/** What auto-registration answers the phone: its device name and temporary DN. */
export interface AutoRegistrationResult {
  readonly deviceName: string;
  readonly clusterId: string;
  readonly directoryNumber: string;
  /** True when this request (same `commandId`) had already been handled: nothing new was written. */
  readonly alreadyHandled: boolean;
}

/**
 * Auto-registers a phone that is not known yet: device name `SEP<MAC>`, the lowest
 * free DN of the cluster's auto-registration range on line 1, and the
 * auto-registration templates. One atomic append creates the phone stream (with
 * `no_stream`: a MAC exists once) and reserves `dn-<cluster>-<number>` at its loaded
 * version (two processes can never hold one number). On a conflict the free-DN read
 * model is caught up and consulted again, so the loser takes the next free number.
 *
 * Refusals: `cluster_not_found`, `autoregistration_disabled`, `mac_already_registered`,
 * `dn_range_exhausted`; bad input: `invalid_input` naming the field (`mac`, `model`...).
 */
export const autoRegisterPhone = (
  deps: WorkflowDeps,
  input: unknown,
  context?: WorkflowContext,
): TE.TaskEither<WorkflowError, AutoRegistrationResult> => {
  const decoded = decodeWith(AutoRegisterPhoneInput)(input);
  if (E.isLeft(decoded)) return TE.left(decoded.left);
  const { clusterId, mac, model, protocol } = decoded.right;
  const deviceName = deviceNameForMac(mac);
  const clusterStream = streams.cluster(clusterId);
  const phoneStream = streams.phone(deviceName);
  let candidate: string | undefined;
  const claimed = deps.claimedNumbers;
  const claims = claimed?.get(clusterId) ?? new Set<string>();
  if (claimed && !claimed.has(clusterId)) claimed.set(clusterId, claims);
  const release = () => {
    if (candidate !== undefined) claims.delete(candidate);
  };

  const command: WorkflowCommand<DomainError> = {
    streams: () => async () => {
      const caught = await deps.readModels.catchUp()();
      if (E.isLeft(caught)) return caught;
      release();
      // The lowest free number nobody in this process is reserving yet; if all are, the lowest (the store arbitrates).
      const free = deps.readModels.freeDirectoryNumbers(clusterId, claims.size + 1);
      candidate = free.find((dn) => !claims.has(dn)) ?? free[0];
      if (candidate !== undefined && claimed) claims.add(candidate);
      return E.right([clusterStream, phoneStream, ...(candidate === undefined ? [] : [streams.directoryNumber(clusterId, candidate)])]);
    },
    decide: (loaded) => {
      const r = reader(loadedSource(loaded));
      const cluster = r.state(clusterDecider, clusterStream);
      if (cluster === undefined || !cluster.exists)
        return E.left(domainError('cluster_not_found', `cluster ${JSON.stringify(clusterId)} does not exist`, { field: 'clusterId' }));
      const settings = cluster.autoRegistration;
      if (!settings.enabled)
        return E.left(
          domainError('autoregistration_disabled', `auto-registration is disabled on cluster ${JSON.stringify(clusterId)}`, {
            field: 'clusterId',
          }),
        );
      const phone = r.state(phoneDecider, phoneStream);
      if (phone !== undefined && isRegisteredPhone(phone))
        return E.left(
          domainError('mac_already_registered', `a phone with MAC ${mac} is already registered as ${deviceName}`, {
            field: 'mac',
            details: { deviceName },
          }),
        );
      const { startDn, endDn } = settings;
      if (candidate === undefined || startDn === undefined || endDn === undefined)
        return E.left(
          domainError(
            'dn_range_exhausted',
            `no free directory number is left in the auto-registration range ${startDn ?? '?'}-${endDn ?? '?'} of cluster ${JSON.stringify(clusterId)}`,
            {
              field: 'clusterId',
              details: { clusterId, ...(startDn === undefined ? {} : { startDn }), ...(endDn === undefined ? {} : { endDn }) },
            },
          ),
        );
      const dnStream = streams.directoryNumber(clusterId, candidate);
      const dn = r.state(directoryNumberDecider, dnStream);
      // The read model lagged behind a concurrent writer (range changed, number taken): plan again.
      if (!inRange({ startDn, endDn }, candidate)) return E.left(stalePlan(`${candidate} is outside the range`));
      if (dn === undefined || dn.holder !== undefined) return E.left(stalePlan(`${candidate} was taken meanwhile`));

      const plan = decisions();
      plan.guard(clusterStream);
      const register: PhoneCommandOf<'AutoRegisterPhone'> = {
        type: 'AutoRegisterPhone',
        deviceName,
        mac,
        model,
        protocol,
        clusterId,
        directoryNumber: recorded<DirectoryNumber>(candidate),
        ...(settings.deviceTemplate === undefined ? {} : { deviceTemplate: recorded<Name>(settings.deviceTemplate) }),
        ...(settings.lineTemplate === undefined ? {} : { lineTemplate: recorded<Name>(settings.lineTemplate) }),
      };
      const registered = decideOn(plan, loaded, phoneDecider, phoneStream, register);
      if (E.isLeft(registered)) return registered;
      const reserved = decideOn(plan, loaded, directoryNumberDecider, dnStream, {
        type: 'ReserveDirectoryNumber',
        clusterId,
        directoryNumber: recorded<DirectoryNumber>(candidate),
        holder: { kind: 'phone', deviceName },
      });
      if (E.isLeft(reserved)) return reserved;
      return E.right(plan.list());
    },
  };

  const ctx = contextWith(deps.runtime, context, { actor: { kind: 'device', id: deviceName }, channel: 'sip' });
  return pipe(
    runWorkflow(deps, command, ctx),
    (task) => async () => {
      try {
        return await task();
      } finally {
        release();
      }
    },
    TE.map((result) => {
      const event = result.events.find((e) => e.type === 'PhoneAutoRegistered');
      const data = (event?.data ?? {}) as { deviceName?: string; directoryNumber?: string; clusterId?: string };
      return {
        deviceName: data.deviceName ?? deviceName,
        clusterId: data.clusterId ?? clusterId,
        directoryNumber: data.directoryNumber ?? '',
        alreadyHandled: result.alreadyHandled,
      };
    }),
  );
};

/** Result of a registration report. */
export interface RegistrationResult {
  readonly deviceName: DeviceName | string;
  readonly registered: boolean;
  /** False when the phone already had that status. */
  readonly changed: boolean;
}

/**
 * Records the SIP registration status of a known phone (`phone_not_found` otherwise).
 * A replacement needs the old phone unregistered, so the registrar reports both ways.
 */
export const recordRegistration = (
  deps: WorkflowDeps,
  input: unknown,
  context?: WorkflowContext,
): TE.TaskEither<WorkflowError, RegistrationResult> => {
  const decoded = decodeWith(RecordRegistrationInput)(input);
  if (E.isLeft(decoded)) return TE.left(decoded.left);
  const { deviceName, registered } = decoded.right;
  const ctx = contextWith(deps.runtime, context, { actor: { kind: 'device', id: deviceName }, channel: 'sip' });
  return pipe(
    handleCommand(
      {
        store: deps.store,
        runtime: deps.runtime,
        ...(deps.retry ? { retry: deps.retry } : {}),
        ...(deps.afterAppend ? { afterAppend: deps.afterAppend } : {}),
      },
      phoneDecider,
      streams.phone(deviceName),
      { type: 'RecordRegistration', deviceName, registered },
      ctx,
    ),
    TE.map((result) => ({ deviceName, registered, changed: result.events.length > 0 })),
  );
};
