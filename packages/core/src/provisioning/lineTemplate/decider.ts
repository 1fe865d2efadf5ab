import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { sameJson, withNulls, withoutNulls } from '../shared/configurationCodecKit.js';
import { lineTemplateOptional } from './codecs.js';
import { decodeLineTemplateCommand, type LineTemplateCommand } from './commands.js';
import type {
  ForwardAllSetting,
  ForwardPairSetting,
  ForwardSetting,
  LineTemplateEvent,
  LineTemplateFields,
  LineTemplateFieldsData,
} from './events.js';

/** A universal line template (stream `ult-<name>`), applied to provisioned phones' lines. */
export interface LineTemplateState extends LineTemplateFields {
  readonly exists: boolean;
  readonly name: string;
  readonly clusterId: string;
}

const noPair: ForwardPairSetting = { internal: {}, external: {} };

export const initialLineTemplateState = (): LineTemplateState => ({
  exists: false,
  name: '',
  clusterId: '',
  autoAnswer: 'off',
  forwardAll: {},
  forwardBusy: noPair,
  forwardNoAnswer: noPair,
  forwardNoCoverage: noPair,
  forwardUnregistered: noPair,
});

const OPTIONAL = Object.keys(lineTemplateOptional);
const FORWARD = ['destination', 'callingSearchSpace'];
const pair = (p: ForwardPairSetting) => ({
  internal: withNulls<ForwardSetting>(p.internal, FORWARD),
  external: withNulls<ForwardSetting>(p.external, FORWARD),
});

/** The template fields of a command as event data (every optional field present, `null` when unset). */
const fieldsOf = (c: LineTemplateCommand): LineTemplateFieldsData => {
  const { type: _t, name: _n, ...rest } = c;
  const {
    clusterId: _c,
    forwardAll,
    forwardBusy,
    forwardNoAnswer,
    forwardNoCoverage,
    forwardUnregistered,
    ...flat
  } = rest as typeof rest & {
    clusterId?: string;
  };
  return {
    ...withNulls(flat, OPTIONAL),
    forwardAll: withNulls<ForwardAllSetting>(forwardAll, [...FORWARD, 'secondaryCallingSearchSpace']),
    forwardBusy: pair(forwardBusy),
    forwardNoAnswer: pair(forwardNoAnswer),
    forwardNoCoverage: pair(forwardNoCoverage),
    forwardUnregistered: pair(forwardUnregistered),
  } as LineTemplateFieldsData;
};

const fieldsOfState = (s: LineTemplateState): LineTemplateFields => {
  const { exists: _e, name: _n, clusterId: _c, ...fields } = s;
  return fields;
};

type Result = E.Either<DomainError | ValidationError, readonly LineTemplateEvent[]>;
const refuse = (code: string, message: string, field: string): Result => E.left(domainError(code, message, { field }));

const decide = (input: LineTemplateCommand, s: LineTemplateState): Result => {
  const decoded = decodeLineTemplateCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateLineTemplate') {
    if (s.exists) return refuse('line_template_already_exists', `a universal line template named ${c.name} already exists`, 'name');
    return E.right([{ type: 'LineTemplateCreated', data: { name: c.name, clusterId: c.clusterId, fields: fieldsOf(c) } }]);
  }
  if (!s.exists) return refuse('line_template_not_found', `no universal line template is named ${c.name}`, 'name');
  if (c.name !== s.name) return refuse('wrong_stream', `the command names ${c.name} but the stream holds ${s.name}`, 'name');
  const fields = fieldsOf(c);
  return sameJson(withoutNulls(fields), fieldsOfState(s))
    ? E.right([])
    : E.right([{ type: 'LineTemplateUpdated', data: { name: s.name, fields } }]);
};

const withFields = (s: LineTemplateState, fields: LineTemplateFieldsData): LineTemplateState => ({
  exists: s.exists,
  name: s.name,
  clusterId: s.clusterId,
  ...(withoutNulls(fields) as LineTemplateFields),
});

const evolve = (s: LineTemplateState, e: LineTemplateEvent): LineTemplateState => {
  switch (e.type) {
    case 'LineTemplateCreated':
      return withFields({ ...s, exists: true, name: e.data.name, clusterId: e.data.clusterId }, e.data.fields);
    case 'LineTemplateUpdated':
      return withFields(s, e.data.fields);
    default:
      return s;
  }
};

/**
 * The universal line template aggregate. Refusals: `line_template_already_exists`,
 * `line_template_not_found`, `wrong_stream`; validation: `invalid_input` naming the field.
 */
export const lineTemplateDecider: Decider<LineTemplateCommand, LineTemplateEvent, LineTemplateState, DomainError | ValidationError> = {
  decide,
  evolve,
  initialState: initialLineTemplateState,
};
