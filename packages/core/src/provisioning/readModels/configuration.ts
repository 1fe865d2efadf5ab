import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Decider, DomainEvent } from '../../kernel/decider.js';
import type { RecordedEvent } from '../../kernel/eventstore/envelope.js';
import type { JsonValue } from '../../kernel/json.js';
import type { Projection } from '../../kernel/projection/projection.js';
import { type ApplicationUserState, applicationUserDecider } from '../applicationUser/decider.js';
import { type ClusterState, clusterDecider } from '../cluster/decider.js';
import { type CtiRoutePointState, ctiRoutePointDecider } from '../ctiRoutePoint/decider.js';
import { type DeviceTemplateState, deviceTemplateDecider } from '../deviceTemplate/decider.js';
import { type FeatureGroupTemplateState, featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { type LineTemplateState, lineTemplateDecider } from '../lineTemplate/decider.js';
import { streamKind, streams } from '../shared/streams.js';
import { type UserProfileState, userProfileDecider } from '../userProfile/decider.js';

/**
 * The configuration read model: clusters by id, and route points, application
 * users, templates, user profiles and feature group templates by name, each the
 * state its own decider folds from its stream. Configuration changes rarely, so
 * holding whole states is cheap and keeps one source of truth for their meaning.
 */
export interface ConfigurationReadModel {
  clusters: Record<string, ClusterState>;
  ctiRoutePoints: Record<string, CtiRoutePointState>;
  applicationUsers: Record<string, ApplicationUserState>;
  deviceTemplates: Record<string, DeviceTemplateState>;
  lineTemplates: Record<string, LineTemplateState>;
  userProfiles: Record<string, UserProfileState>;
  featureGroupTemplates: Record<string, FeatureGroupTemplateState>;
}

type Section = keyof ConfigurationReadModel;

/** A decider seen only as a fold (each entry of `sections` pairs it with its own state table). */
type Fold = { readonly initialState: () => unknown; readonly evolve: (state: unknown, event: DomainEvent) => unknown };
const fold = <C, Ev extends DomainEvent, S, Err>(decider: Decider<C, Ev, S, Err>): Fold => decider as unknown as Fold;

/** Which decider folds which kind of stream, and where its state goes. */
const sections: Record<string, { section: Section; decider: Fold; prefix: string }> = {
  cluster: { section: 'clusters', decider: fold(clusterDecider), prefix: streams.cluster('') },
  ctiRoutePoint: { section: 'ctiRoutePoints', decider: fold(ctiRoutePointDecider), prefix: streams.ctiRoutePoint('') },
  applicationUser: { section: 'applicationUsers', decider: fold(applicationUserDecider), prefix: streams.applicationUser('') },
  deviceTemplate: { section: 'deviceTemplates', decider: fold(deviceTemplateDecider), prefix: streams.deviceTemplate('') },
  lineTemplate: { section: 'lineTemplates', decider: fold(lineTemplateDecider), prefix: streams.lineTemplate('') },
  userProfile: { section: 'userProfiles', decider: fold(userProfileDecider), prefix: streams.userProfile('') },
  featureGroupTemplate: {
    section: 'featureGroupTemplates',
    decider: fold(featureGroupTemplateDecider),
    prefix: streams.featureGroupTemplate(''),
  },
};

export const emptyConfiguration = (): ConfigurationReadModel => ({
  clusters: {},
  ctiRoutePoints: {},
  applicationUsers: {},
  deviceTemplates: {},
  lineTemplates: {},
  userProfiles: {},
  featureGroupTemplates: {},
});

const evolve = (model: ConfigurationReadModel, event: RecordedEvent): ConfigurationReadModel => {
  const kind = streamKind(event.streamId);
  const entry = kind === undefined ? undefined : sections[kind];
  if (entry === undefined) return model;
  const key = event.streamId.slice(entry.prefix.length);
  const table = model[entry.section] as Record<string, unknown>;
  const previous = Object.hasOwn(table, key) ? table[key] : entry.decider.initialState();
  table[key] = entry.decider.evolve(previous, { type: event.type, data: event.data } satisfies DomainEvent);
  return model;
};

const Snapshot = t.type({
  clusters: t.record(t.string, t.UnknownRecord),
  ctiRoutePoints: t.record(t.string, t.UnknownRecord),
  applicationUsers: t.record(t.string, t.UnknownRecord),
  deviceTemplates: t.record(t.string, t.UnknownRecord),
  lineTemplates: t.record(t.string, t.UnknownRecord),
  userProfiles: t.record(t.string, t.UnknownRecord),
  featureGroupTemplates: t.record(t.string, t.UnknownRecord),
});

/**
 * The configuration projection. Its snapshot holds the deciders' states as they
 * are; bump `version` whenever one of the configuration states changes shape, so
 * an old snapshot is discarded and the model is rebuilt from the log.
 */
export const configurationProjection: Projection<ConfigurationReadModel> = {
  name: 'selfprov.configuration',
  version: 1,
  initialState: emptyConfiguration,
  evolve,
  snapshot: {
    encode: (model) => JSON.parse(JSON.stringify(model)) as JsonValue,
    decode: (stored) => E.map((s) => s as unknown as ConfigurationReadModel)(Snapshot.decode(stored)),
  },
};
