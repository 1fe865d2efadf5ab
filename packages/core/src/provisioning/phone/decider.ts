import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError } from '../../kernel/errors.js';
import { compact } from '../aggregateSupport.js';
import type { PhoneCommand } from './commands.js';
import type { PhoneEvent, PhoneLineData } from './events.js';

/** A phone (device) as the self-provisioning domain sees it. */
export interface PhoneState {
  /** False before auto-registration and after removal. */
  readonly exists: boolean;
  readonly deviceName: string;
  readonly mac: string;
  readonly model: string;
  readonly protocol: 'SIP' | 'SCCP';
  readonly clusterId: string;
  readonly state: 'autoregistered' | 'provisioned';
  readonly owner?: string;
  readonly lines: readonly PhoneLineData[];
  readonly deviceTemplate?: string;
  /** The SIP registration status last reported by the registrar. */
  readonly registered: boolean;
  /** True once the phone was deleted (e.g. replaced with `replacedPhone: 'delete'`). */
  readonly removed: boolean;
  /** Set when the phone was replaced and kept: it has no owner and no lines until it auto-registers again. */
  readonly replacedBy?: string;
}

export type PhoneError = DomainError<
  | 'mac_already_registered'
  | 'phone_not_found'
  | 'wrong_stream'
  | 'phone_already_provisioned'
  | 'phone_owned_by_other_user'
  | 'phone_not_provisioned'
  | 'old_phone_still_registered'
>;

export const initialPhoneState = (): PhoneState => ({
  exists: false,
  deviceName: '',
  mac: '',
  model: '',
  protocol: 'SIP',
  clusterId: '',
  state: 'autoregistered',
  lines: [],
  registered: false,
  removed: false,
});

const notFound = (deviceName: string): PhoneError =>
  domainError('phone_not_found', `phone ${deviceName} does not exist`, { field: 'deviceName' });

/** The DN on line 1, if any: the temporary DN while the phone is auto-registered. */
export const lineOneDn = (state: Pick<PhoneState, 'lines'>): string | undefined => state.lines.find((l) => l.index === 1)?.dn;

/** Is the device name taken? A removed phone, or one replaced and kept (no owner, no lines), may auto-register again. */
export const isRegisteredPhone = (state: Pick<PhoneState, 'exists' | 'replacedBy'>): boolean =>
  state.exists && state.replacedBy === undefined;

const decide = (command: PhoneCommand, state: PhoneState): E.Either<PhoneError, readonly PhoneEvent[]> => {
  if (command.type === 'AutoRegisterPhone') {
    const d = command;
    if (isRegisteredPhone(state))
      return E.left(
        domainError('mac_already_registered', `a phone with MAC ${d.mac} is already registered as ${state.deviceName}`, {
          field: 'mac',
          details: { deviceName: state.deviceName },
        }),
      );
    return E.right([
      {
        type: 'PhoneAutoRegistered',
        data: compact({
          deviceName: d.deviceName,
          mac: d.mac,
          model: d.model,
          protocol: d.protocol,
          clusterId: d.clusterId,
          directoryNumber: d.directoryNumber,
          deviceTemplate: d.deviceTemplate,
          lineTemplate: d.lineTemplate,
        }),
      },
    ]);
  }
  if (!state.exists) return E.left(notFound(command.deviceName));
  if (command.deviceName !== state.deviceName)
    return E.left(
      domainError('wrong_stream', `the command names ${command.deviceName} but the stream holds ${state.deviceName}`, {
        field: 'deviceName',
      }),
    );
  const deviceName = state.deviceName;
  switch (command.type) {
    case 'RecordRegistration':
      if (command.registered === state.registered) return E.right([]);
      return E.right([{ type: command.registered ? 'PhoneRegistered' : 'PhoneUnregistered', data: { deviceName } }]);
    case 'ProvisionPhone': {
      const d = command;
      let previousOwner: string | undefined;
      if (state.state === 'provisioned') {
        if (state.owner === undefined || state.owner === d.owner || d.replaces !== undefined)
          return E.left(
            domainError(
              'phone_already_provisioned',
              state.owner === undefined
                ? `device cannot be provisioned: phone ${deviceName} was replaced; it must auto-register again first`
                : `device cannot be provisioned: phone ${deviceName} is already provisioned`,
              { field: 'deviceName' },
            ),
          );
        if (!d.allowOwnedByOtherUser)
          return E.left(
            domainError(
              'phone_owned_by_other_user',
              `device cannot be provisioned: phone ${deviceName} belongs to another user, and the user profile does not allow taking it over`,
              { field: 'deviceName' },
            ),
          );
        previousOwner = state.owner;
      }
      const released = state.state === 'autoregistered' ? lineOneDn(state) : undefined;
      return E.right([
        {
          type: 'PhoneProvisioned',
          data: compact({
            deviceName,
            clusterId: state.clusterId,
            owner: d.owner,
            previousOwner,
            deviceTemplate: d.deviceTemplate,
            lines: d.lines.map((l) => compact({ index: l.index, dn: l.dn, lineTemplate: l.lineTemplate })),
            releasedDirectoryNumber: released,
            replaces: d.replaces,
          }),
        },
        { type: 'PhoneResetRequested', data: { deviceName, reason: d.replaces === undefined ? 'provisioned' : 'replaced' } },
      ]);
    }
    case 'MarkPhoneReplaced': {
      const d = command;
      if (state.replacedBy === d.replacedBy) return E.right([]);
      if (state.state !== 'provisioned' || state.owner === undefined)
        return E.left(
          domainError('phone_not_provisioned', `phone ${deviceName} has no owner: there is nothing to replace`, { field: 'deviceName' }),
        );
      if (state.registered)
        return E.left(
          domainError('old_phone_still_registered', `phone ${deviceName} is still registered: unplug the old phone before replacing it`, {
            field: 'deviceName',
            details: { deviceName },
          }),
        );
      const replaced: PhoneEvent = { type: 'PhoneReplaced', data: { deviceName, replacedBy: d.replacedBy, disposition: d.disposition } };
      return E.right(
        d.disposition === 'delete' ? [replaced, { type: 'PhoneRemoved', data: { deviceName, reason: 'replaced' } }] : [replaced],
      );
    }
    case 'RequestPhoneReset':
      return E.right([{ type: 'PhoneResetRequested', data: { deviceName, reason: command.reason } }]);
    case 'RemovePhone':
      return E.right([{ type: 'PhoneRemoved', data: { deviceName, reason: command.reason } }]);
  }
};

const evolve = (state: PhoneState, event: PhoneEvent): PhoneState => {
  switch (event.type) {
    case 'PhoneAutoRegistered': {
      const d = event.data;
      return compact({
        exists: true,
        deviceName: d.deviceName,
        mac: d.mac,
        model: d.model,
        protocol: d.protocol,
        clusterId: d.clusterId,
        state: 'autoregistered',
        lines: [compact({ index: 1, dn: d.directoryNumber, lineTemplate: d.lineTemplate })],
        deviceTemplate: d.deviceTemplate,
        // It just registered to get its number.
        registered: true,
        removed: false,
      });
    }
    case 'PhoneRegistered':
      return { ...state, registered: true };
    case 'PhoneUnregistered':
      return { ...state, registered: false };
    case 'PhoneProvisioned':
      return compact({
        ...state,
        state: 'provisioned',
        owner: event.data.owner,
        deviceTemplate: event.data.deviceTemplate,
        lines: event.data.lines,
        replacedBy: undefined,
      });
    case 'PhoneReplaced':
      return compact({ ...state, owner: undefined, lines: [], replacedBy: event.data.replacedBy });
    case 'PhoneRemoved':
      return compact({ ...state, exists: false, removed: true, owner: undefined, lines: [], registered: false });
    default:
      return state;
  }
};

/**
 * The phone aggregate (`phone-<deviceName>`, device name `SEP<MAC>`). Created by
 * auto-registration with `no_stream`, so a MAC exists once even when two
 * registrations race. Ownership is mirrored on the owner's user stream; both are
 * written in one atomic append by the provisioning workflows.
 */
export const phoneDecider: Decider<PhoneCommand, PhoneEvent, PhoneState, PhoneError> = {
  decide,
  evolve,
  initialState: initialPhoneState,
};
