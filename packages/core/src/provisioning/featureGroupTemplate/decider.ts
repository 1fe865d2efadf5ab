import * as E from 'fp-ts/lib/Either.js';
import type { Decider } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { orNull, sameJson, withoutNulls } from '../shared/configurationCodecKit.js';
import { DEFAULT_REMOTE_DESTINATION_LIMIT } from './codecs.js';
import { decodeFeatureGroupTemplateCommand, type FeatureGroupTemplateCommand } from './commands.js';
import type { FeatureGroupTemplateData, FeatureGroupTemplateEvent } from './events.js';

/** A feature group template (stream `feature-group-template-<name>`): settings given to users created from it. */
export interface FeatureGroupTemplateState {
  readonly exists: boolean;
  readonly name: string;
  readonly clusterId: string;
  readonly userProfile?: string;
  readonly homeCluster: boolean;
  readonly presenceEnabled: boolean;
  readonly serviceProfile?: string;
  readonly mobilityEnabled: boolean;
  readonly mobileVoiceAccess: boolean;
  /** Default 4. */
  readonly remoteDestinationLimit: number;
  readonly userLocale?: string;
}

export const initialFeatureGroupTemplateState = (): FeatureGroupTemplateState => ({
  exists: false,
  name: '',
  clusterId: '',
  homeCluster: true,
  presenceEnabled: false,
  mobilityEnabled: false,
  mobileVoiceAccess: false,
  remoteDestinationLimit: DEFAULT_REMOTE_DESTINATION_LIMIT,
});

const dataOf = (c: FeatureGroupTemplateCommand): FeatureGroupTemplateData => ({
  userProfile: orNull(c.userProfile),
  homeCluster: c.homeCluster,
  presenceEnabled: c.presenceEnabled,
  serviceProfile: orNull(c.serviceProfile),
  mobilityEnabled: c.mobilityEnabled,
  mobileVoiceAccess: c.mobileVoiceAccess,
  remoteDestinationLimit: c.remoteDestinationLimit,
  userLocale: orNull(c.userLocale),
});

type Result = E.Either<DomainError | ValidationError, readonly FeatureGroupTemplateEvent[]>;
const refuse = (code: string, message: string, field: string): Result => E.left(domainError(code, message, { field }));

const decide = (input: FeatureGroupTemplateCommand, s: FeatureGroupTemplateState): Result => {
  const decoded = decodeFeatureGroupTemplateCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'CreateFeatureGroupTemplate') {
    if (s.exists) return refuse('feature_group_template_already_exists', `a feature group template named ${c.name} already exists`, 'name');
    return E.right([{ type: 'FeatureGroupTemplateCreated', data: { name: c.name, clusterId: c.clusterId, ...dataOf(c) } }]);
  }
  if (!s.exists) return refuse('feature_group_template_not_found', `no feature group template is named ${c.name}`, 'name');
  if (c.name !== s.name) return refuse('wrong_stream', `the command names ${c.name} but the stream holds ${s.name}`, 'name');
  const data = dataOf(c);
  const { exists: _e, name: _n, clusterId: _c, ...current } = s;
  return sameJson(withoutNulls(data), current)
    ? E.right([])
    : E.right([{ type: 'FeatureGroupTemplateUpdated', data: { name: s.name, ...data } }]);
};

const withData = (s: FeatureGroupTemplateState, data: FeatureGroupTemplateData): FeatureGroupTemplateState => ({
  exists: s.exists,
  name: s.name,
  clusterId: s.clusterId,
  ...(withoutNulls(data) as Omit<FeatureGroupTemplateState, 'exists' | 'name' | 'clusterId'>),
});

const evolve = (s: FeatureGroupTemplateState, e: FeatureGroupTemplateEvent): FeatureGroupTemplateState => {
  switch (e.type) {
    case 'FeatureGroupTemplateCreated': {
      const { name, clusterId, ...data } = e.data;
      return withData({ ...s, exists: true, name, clusterId }, data);
    }
    case 'FeatureGroupTemplateUpdated': {
      const { name: _n, ...data } = e.data;
      return withData(s, data);
    }
    default:
      return s;
  }
};

/**
 * The feature group template aggregate. Refusals: `feature_group_template_already_exists`,
 * `feature_group_template_not_found`, `wrong_stream`; validation: `invalid_input`, `mobility_required`.
 */
export const featureGroupTemplateDecider: Decider<
  FeatureGroupTemplateCommand,
  FeatureGroupTemplateEvent,
  FeatureGroupTemplateState,
  DomainError | ValidationError
> = {
  decide,
  evolve,
  initialState: initialFeatureGroupTemplateState,
};
