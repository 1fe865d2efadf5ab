import * as E from 'fp-ts/lib/Either.js';
import type { MultiStreamCommand, StreamDecision } from '../../kernel/command/handler.js';
import { type Decider, type DomainEvent, foldEvents } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { decodeApplicationUserCommand } from '../applicationUser/commands.js';
import { applicationUserDecider } from '../applicationUser/decider.js';
import { decodeClusterCommand } from '../cluster/commands.js';
import { clusterDecider } from '../cluster/decider.js';
import { decodeCtiRoutePointCommand } from '../ctiRoutePoint/commands.js';
import { ctiRoutePointDecider } from '../ctiRoutePoint/decider.js';
import { decodeDeviceTemplateCommand } from '../deviceTemplate/commands.js';
import { deviceTemplateDecider } from '../deviceTemplate/decider.js';
import { decodeFeatureGroupTemplateCommand } from '../featureGroupTemplate/commands.js';
import { featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { decodeLineTemplateCommand } from '../lineTemplate/commands.js';
import { lineTemplateDecider } from '../lineTemplate/decider.js';
import { streams } from '../shared/streams.js';
import { decodeUserProfileCommand } from '../userProfile/commands.js';
import { userProfileDecider } from '../userProfile/decider.js';

/**
 * Cross-aggregate references of configuration commands. A decider sees only its own
 * stream, so it cannot know whether the template a profile names exists. Decision:
 * references are kept by name; `configurationCommand` loads the referenced streams
 * with the command's own, refuses a missing or foreign reference (naming the field),
 * and appends with those streams as guards (no events, expected version = the loaded
 * one), so a reference cannot vanish or move between the check and the write.
 */

export type ConfigurationAggregate =
  | 'cluster'
  | 'ctiRoutePoint'
  | 'applicationUser'
  | 'deviceTemplate'
  | 'lineTemplate'
  | 'userProfile'
  | 'featureGroupTemplate';

/** A command's reference to another configuration object, and the input field that holds it. */
export interface ConfigurationReference {
  readonly kind: ConfigurationAggregate;
  readonly name: string;
  readonly field: string;
}

type Command = { readonly type: string } & Record<string, unknown>;
type AnyDecider = Decider<unknown, DomainEvent, { readonly exists: boolean; readonly clusterId: string }, DomainError | ValidationError>;

interface Entry {
  readonly decider: AnyDecider;
  readonly decode: (input: unknown) => E.Either<ValidationError, Command>;
  /** The command's own stream. */
  readonly stream: (c: Command) => string;
  readonly notFound: string;
}

const loose = <C, Ev extends DomainEvent, S>(d: Decider<C, Ev, S, DomainError | ValidationError>): AnyDecider => d as unknown as AnyDecider;
const decoder =
  <C>(decode: (input: unknown) => E.Either<ValidationError, C>) =>
  (input: unknown) =>
    decode(input) as unknown as E.Either<ValidationError, Command>;
const str = (c: Command, key: string): string => String(c[key]);

const registry: Record<ConfigurationAggregate, Entry> = {
  cluster: {
    decider: loose(clusterDecider),
    decode: decoder(decodeClusterCommand),
    stream: (c) => streams.cluster(str(c, 'clusterId')),
    notFound: 'cluster_not_found',
  },
  ctiRoutePoint: {
    decider: loose(ctiRoutePointDecider),
    decode: decoder(decodeCtiRoutePointCommand),
    stream: (c) => streams.ctiRoutePoint(str(c, 'name')),
    notFound: 'cti_route_point_not_found',
  },
  applicationUser: {
    decider: loose(applicationUserDecider),
    decode: decoder(decodeApplicationUserCommand),
    stream: (c) => streams.applicationUser(str(c, 'userId')),
    notFound: 'application_user_not_found',
  },
  deviceTemplate: {
    decider: loose(deviceTemplateDecider),
    decode: decoder(decodeDeviceTemplateCommand),
    stream: (c) => streams.deviceTemplate(str(c, 'name')),
    notFound: 'device_template_not_found',
  },
  lineTemplate: {
    decider: loose(lineTemplateDecider),
    decode: decoder(decodeLineTemplateCommand),
    stream: (c) => streams.lineTemplate(str(c, 'name')),
    notFound: 'line_template_not_found',
  },
  userProfile: {
    decider: loose(userProfileDecider),
    decode: decoder(decodeUserProfileCommand),
    stream: (c) => streams.userProfile(str(c, 'name')),
    notFound: 'user_profile_not_found',
  },
  featureGroupTemplate: {
    decider: loose(featureGroupTemplateDecider),
    decode: decoder(decodeFeatureGroupTemplateCommand),
    stream: (c) => streams.featureGroupTemplate(str(c, 'name')),
    notFound: 'feature_group_template_not_found',
  },
};

/** The stream holding a referenced object. */
export const referenceStream = (ref: Pick<ConfigurationReference, 'kind' | 'name'>): string => streams[ref.kind](ref.name);

const refs = (c: Command, pairs: readonly (readonly [ConfigurationAggregate, string])[]): ConfigurationReference[] =>
  pairs.flatMap(([kind, field]) => (typeof c[field] === 'string' ? [{ kind, name: c[field] as string, field }] : []));

const creates = new Set([
  'CreateCtiRoutePoint',
  'CreateApplicationUser',
  'CreateDeviceTemplate',
  'CreateLineTemplate',
  'CreateUserProfile',
  'CreateFeatureGroupTemplate',
]);

/**
 * The other configuration objects a (decoded) command refers to: the cluster a new
 * object joins, the templates auto-registration and profiles name, the route point
 * and application user of the self-provisioning settings, the device an application
 * user controls, the profile of a feature group template. Dissociating never checks
 * the device (a dangling association must stay removable).
 */
export const commandReferences = (c: Command): ConfigurationReference[] => {
  const cluster = creates.has(c.type) ? refs(c, [['cluster', 'clusterId']]) : [];
  switch (c.type) {
    case 'ConfigureAutoRegistration':
      return refs(c, [
        ['deviceTemplate', 'deviceTemplate'],
        ['lineTemplate', 'lineTemplate'],
      ]);
    case 'ConfigureSelfProvisioning':
      return refs(c, [
        ['ctiRoutePoint', 'ctiRoutePoint'],
        ['applicationUser', 'applicationUser'],
      ]);
    case 'AssociateControlledDevice':
      return refs(c, [['ctiRoutePoint', 'device']]);
    case 'CreateUserProfile':
    case 'UpdateUserProfile':
      return [
        ...cluster,
        ...refs(c, [
          ['deviceTemplate', 'deskPhoneTemplate'],
          ['deviceTemplate', 'mobileDeviceTemplate'],
          ['deviceTemplate', 'profileTemplate'],
          ['lineTemplate', 'lineTemplate'],
        ]),
      ];
    case 'CreateFeatureGroupTemplate':
    case 'UpdateFeatureGroupTemplate':
      return [...cluster, ...refs(c, [['userProfile', 'userProfile']])];
    default:
      return cluster;
  }
};

/**
 * A configuration command ready for `handleMultiStreamCommand`: validates `input` as a
 * command of `aggregate`, then decides it on its stream and checks its references
 * (`<kind>_not_found` or `reference_in_other_cluster`, naming the field). Pure: it
 * only describes which streams to load and what to append.
 */
export const configurationCommand = (
  aggregate: ConfigurationAggregate,
  input: unknown,
): E.Either<ValidationError, { readonly streamId: string; readonly command: MultiStreamCommand<DomainError | ValidationError> }> => {
  const entry = registry[aggregate];
  const decoded = entry.decode(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  const streamId = entry.stream(c);
  const references = commandReferences(c);
  const command: MultiStreamCommand<DomainError | ValidationError> = {
    streams: [streamId, ...references.map(referenceStream)],
    decide: (loaded) => {
      const events = <Ev extends DomainEvent>(id: string) => (loaded.get(id)?.events ?? []) as unknown as readonly Ev[];
      const state = foldEvents(entry.decider, events(streamId));
      const decided = entry.decider.decide(c, state);
      if (E.isLeft(decided)) return decided;
      if (decided.right.length === 0) return E.right([{ streamId, events: [] }]);
      const clusterId = foldEvents(entry.decider, decided.right, state).clusterId;
      const guards: StreamDecision[] = [];
      for (const ref of references) {
        const id = referenceStream(ref);
        const target = foldEvents(registry[ref.kind].decider, events(id));
        if (!target.exists)
          return E.left(
            domainError(registry[ref.kind].notFound, `${ref.field} names ${ref.name}, which does not exist`, { field: ref.field }),
          );
        if (ref.kind !== 'cluster' && target.clusterId !== clusterId)
          return E.left(
            domainError('reference_in_other_cluster', `${ref.field} names ${ref.name}, which belongs to cluster ${target.clusterId}`, {
              field: ref.field,
              details: { cluster: clusterId, referencedCluster: target.clusterId },
            }),
          );
        // A guard: the reference must not change before this append lands.
        if (!guards.some((g) => g.streamId === id)) guards.push({ streamId: id, events: [] });
      }
      return E.right([{ streamId, events: decided.right }, ...guards]);
    },
  };
  return E.right({ streamId, command });
};
