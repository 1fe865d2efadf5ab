import { mergeStreamCatalogues, provisioningStreamCatalogue, type StreamCatalogue } from '@selfprov/core';
import { selfCareStreamCatalogue } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';

/**
 * Every stream of the assembled backend: the provisioning domain's (with the IVR's call streams)
 * and self-care's, each package declaring its own (packages/core/src/kernel/streamCatalogue.ts).
 * Two packages claiming one prefix is a programming error, found at start-up.
 */
export const selfprovStreamCatalogue: StreamCatalogue = E.getOrElse<{ message: string }, StreamCatalogue>((e) => {
  throw new Error(`stream catalogue: ${e.message}`);
})(mergeStreamCatalogues(provisioningStreamCatalogue, selfCareStreamCatalogue));
