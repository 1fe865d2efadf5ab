import * as t from 'io-ts';
import { LocaleCodec } from '../cluster/locales.js';
import { ClusterId, intBetween, Name } from '../shared/codecs.js';
import { commandCodec, withDefault } from '../shared/configurationCodecKit.js';

/** Remote destinations a mobility user may have: vendor default 4; selfprov accepts 1 to 500. */
export const DEFAULT_REMOTE_DESTINATION_LIMIT = 4;
export const RemoteDestinationLimit = intBetween(1, 500, 'RemoteDestinationLimit');

export const featureGroupTemplateDefaulted = {
  /** Users created from the template are homed on this cluster (vendor default checked). */
  homeCluster: withDefault(t.boolean, true),
  /** "Enable User for Unified CM IM and Presence". */
  presenceEnabled: withDefault(t.boolean, false),
  mobilityEnabled: withDefault(t.boolean, false),
  /** Needs `mobilityEnabled`. */
  mobileVoiceAccess: withDefault(t.boolean, false),
  remoteDestinationLimit: withDefault(RemoteDestinationLimit, DEFAULT_REMOTE_DESTINATION_LIMIT),
};

export const featureGroupTemplateOptional = {
  /** The user profile (templates, self-provisioning settings) users of this template get. */
  userProfile: Name,
  serviceProfile: Name,
  userLocale: LocaleCodec,
};

/** A new feature group template; its name is unique (stream `feature-group-template-<name>`). */
export const CreateFeatureGroupTemplate = commandCodec(
  'CreateFeatureGroupTemplate',
  { name: Name, clusterId: ClusterId, ...featureGroupTemplateDefaulted },
  featureGroupTemplateOptional,
);
/** Saves the template's form again: a full replacement. */
export const UpdateFeatureGroupTemplate = commandCodec(
  'UpdateFeatureGroupTemplate',
  { name: Name, ...featureGroupTemplateDefaulted },
  featureGroupTemplateOptional,
);

export const featureGroupTemplateCommandCodecs = { CreateFeatureGroupTemplate, UpdateFeatureGroupTemplate } as const;
