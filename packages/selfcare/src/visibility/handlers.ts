import type { CommandResult } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { CallOptions, SelfCareDeps } from '../facade/deps.js';
import { decode, type Op, op } from '../facade/support.js';
import { parseFeatureList } from '../shared/features.js';
import type { Principal } from '../shared/principal.js';
import { selfCareStreams } from '../shared/streams.js';
import { SetVisibleFeaturesInput } from './codecs.js';
import { visibilityDecider } from './decider.js';

/** The operator's visible features of one page (vendor string `A,B,C#` or an array). */
export const setVisibleFeatures = (deps: SelfCareDeps, principal: Principal, input: unknown, call?: CallOptions): Op<CommandResult> =>
  op(async () => {
    const data = decode(SetVisibleFeaturesInput, input);
    if (E.isLeft(data)) return data;
    const features = parseFeatureList(data.right.page, data.right.features);
    if (E.isLeft(features)) return features;
    return deps.append(
      visibilityDecider,
      selfCareStreams.visibility(),
      { type: 'SetVisibleFeatures', data: { page: data.right.page, features: features.right }, actor: deps.actorKind(principal) },
      deps.context(principal, deps.commandIdOf(call)),
    );
  });
