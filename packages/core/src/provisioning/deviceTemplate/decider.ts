import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { sameJson, withNulls, withoutNulls } from '../shared/configurationCodecKit.js';
import { deviceTemplateOptional } from './codecs.js';
import { type DeviceTemplateCommand, decodeDeviceTemplateCommand } from './commands.js';
import type { DeviceTemplateEvent, DeviceTemplateFields, DeviceTemplateFieldsData } from './events.js';

/** A universal device template (stream `udt-<name>`), applied to provisioned phones. */
export interface DeviceTemplateState extends DeviceTemplateFields {
  readonly exists: boolean;
  readonly name: string;
  readonly clusterId: string;
}

export const initialDeviceTemplateState = (): DeviceTemplateState => ({
  exists: false,
  name: '',
  clusterId: '',
  deviceDescription: '',
  devicePool: '',
  deviceSecurityProfile: '',
  sipProfile: '',
  phoneButtonTemplate: '',
  speedDials: [],
  busyLampFields: [],
  doNotDisturb: false,
  dndOption: 'use-common-profile',
  extensionMobility: false,
});

const OPTIONAL = Object.keys(deviceTemplateOptional);

/** The template fields of a command (without `type`, `name`, `clusterId`) as event data. */
const fieldsOf = (c: DeviceTemplateCommand): DeviceTemplateFieldsData => {
  const { type: _t, name: _n, ...rest } = c;
  const { clusterId: _c, ...fields } = rest as typeof rest & { clusterId?: string };
  return withNulls<DeviceTemplateFields>(fields, OPTIONAL);
};

const fieldsOfState = (s: DeviceTemplateState): DeviceTemplateFields => {
  const { exists: _e, name: _n, clusterId: _c, ...fields } = s;
  return fields;
};

type Result = E.Either<DomainError | ValidationError, readonly DeviceTemplateEvent[]>;
const refuse = (code: string, message: string, field: string): Result => E.left(domainError(code, message, { field }));

const decide = (input: DeviceTemplateCommand, s: DeviceTemplateState): Result => {
  const decoded = decodeDeviceTemplateCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateDeviceTemplate') {
    if (s.exists) return refuse('device_template_already_exists', `a universal device template named ${c.name} already exists`, 'name');
    return E.right([{ type: 'DeviceTemplateCreated', data: { name: c.name, clusterId: c.clusterId, fields: fieldsOf(c) } }]);
  }
  if (!s.exists) return refuse('device_template_not_found', `no universal device template is named ${c.name}`, 'name');
  if (c.name !== s.name) return refuse('wrong_stream', `the command names ${c.name} but the stream holds ${s.name}`, 'name');
  const fields = fieldsOf(c);
  return sameJson(withoutNulls(fields), fieldsOfState(s))
    ? E.right([])
    : E.right([{ type: 'DeviceTemplateUpdated', data: { name: s.name, fields } }]);
};

const withFields = (s: DeviceTemplateState, fields: DeviceTemplateFieldsData): DeviceTemplateState => ({
  exists: s.exists,
  name: s.name,
  clusterId: s.clusterId,
  ...(withoutNulls(fields) as DeviceTemplateFields),
});

const evolve = (s: DeviceTemplateState, e: DeviceTemplateEvent): DeviceTemplateState => {
  switch (e.type) {
    case 'DeviceTemplateCreated':
      return withFields({ ...s, exists: true, name: e.data.name, clusterId: e.data.clusterId }, e.data.fields);
    case 'DeviceTemplateUpdated':
      return withFields(s, e.data.fields);
    default:
      return s;
  }
};

/**
 * The universal device template aggregate. Refusals: `device_template_already_exists`,
 * `device_template_not_found`, `wrong_stream`; validation: `invalid_input` (five required
 * fields, tags, URLs, ...), `duplicate_index`.
 */
export const deviceTemplateDecider: Decider<
  DeviceTemplateCommand,
  DeviceTemplateEvent,
  DeviceTemplateState,
  DomainError | ValidationError
> = {
  decide,
  evolve,
  initialState: initialDeviceTemplateState,
};
