import type { DomainEvent } from '../../kernel/decider.js';

/** A feature group template's settings as event data (`null` = not set). */
export type FeatureGroupTemplateData = {
  readonly userProfile: string | null;
  readonly homeCluster: boolean;
  readonly presenceEnabled: boolean;
  readonly serviceProfile: string | null;
  readonly mobilityEnabled: boolean;
  readonly mobileVoiceAccess: boolean;
  readonly remoteDestinationLimit: number;
  readonly userLocale: string | null;
};

export type FeatureGroupTemplateCreated = DomainEvent<
  'FeatureGroupTemplateCreated',
  { readonly name: string; readonly clusterId: string } & FeatureGroupTemplateData
>;
export type FeatureGroupTemplateUpdated = DomainEvent<'FeatureGroupTemplateUpdated', { readonly name: string } & FeatureGroupTemplateData>;

export type FeatureGroupTemplateEvent = FeatureGroupTemplateCreated | FeatureGroupTemplateUpdated;
