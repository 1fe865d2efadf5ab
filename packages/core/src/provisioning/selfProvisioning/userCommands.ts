import * as E from 'fp-ts/lib/Either.js';
import type { MultiStreamCommand, StreamDecision } from '../../kernel/command/handler.js';
import { foldEvents } from '../../kernel/decider.js';
import { type DomainError, domainError, type ValidationError } from '../../kernel/errors.js';
import { clusterDecider } from '../cluster/decider.js';
import { decodeEndUserCommand, type EndUserCommand } from '../endUser/commands.js';
import { endUserDecider } from '../endUser/decider.js';
import type { EndUserEvent } from '../endUser/events.js';
import { featureGroupTemplateDecider } from '../featureGroupTemplate/decider.js';
import { streams } from '../shared/streams.js';
import { userProfileDecider } from '../userProfile/decider.js';

/**
 * End-user administration commands with their references checked, as the
 * configuration commands do (`readiness/references.ts`): a new user joins an
 * existing cluster; the user profile and feature group template a user names
 * exist in the user's cluster. The referenced streams are appended as guards, so
 * a reference cannot vanish between the check and the write.
 *
 * `AssignPhone` / `UnassignPhone` are not accepted here: phones change owner only
 * through the provisioning workflows, which keep phone and user streams in step.
 */

type Reference = { readonly kind: 'cluster' | 'userProfile' | 'featureGroupTemplate'; readonly name: string; readonly field: string };

const notFound = {
  cluster: 'cluster_not_found',
  userProfile: 'user_profile_not_found',
  featureGroupTemplate: 'feature_group_template_not_found',
};

const referenceStream = (r: Reference): string => streams[r.kind](r.name);

const referencesOf = (c: EndUserCommand): Reference[] => {
  const out: Reference[] = [];
  if (c.type === 'CreateEndUser') out.push({ kind: 'cluster', name: c.clusterId, field: 'clusterId' });
  if (c.type === 'CreateEndUser' || c.type === 'ChangeUserProfile') {
    if (c.userProfile !== undefined) out.push({ kind: 'userProfile', name: c.userProfile, field: 'userProfile' });
    if (c.featureGroupTemplate !== undefined)
      out.push({ kind: 'featureGroupTemplate', name: c.featureGroupTemplate, field: 'featureGroupTemplate' });
  }
  return out;
};

/**
 * `user-<id>` must not collide with another kind's stream: `user-profile-<name>` is
 * a user profile's stream, so an end-user id may not start with `profile-`.
 */
const RESERVED_USER_ID = /^profile-/i;

/** Validates an end-user administration command and describes it for `handleMultiStreamCommand`. */
export const endUserCommand = (
  input: unknown,
): E.Either<ValidationError, { readonly streamId: string; readonly command: MultiStreamCommand<DomainError | ValidationError> }> => {
  const decoded = decodeEndUserCommand(input);
  if (E.isLeft(decoded)) return decoded;
  const c = decoded.right;
  if (c.type === 'AssignPhone' || c.type === 'UnassignPhone')
    return E.left({
      _tag: 'ValidationError',
      code: 'unknown_command',
      field: 'type',
      message: 'phones are assigned and unassigned by the provisioning workflows only',
    });
  if (RESERVED_USER_ID.test(c.userId))
    return E.left({
      _tag: 'ValidationError',
      code: 'invalid_input',
      field: 'userId',
      message: 'userId must not start with "profile-" (its stream would be a user profile\'s)',
    });
  const streamId = streams.user(c.userId);
  const references = referencesOf(c);
  const command: MultiStreamCommand<DomainError | ValidationError> = {
    streams: [streamId, ...references.map(referenceStream)],
    decide: (loaded) => {
      const state = foldEvents(endUserDecider, (loaded.get(streamId)?.events ?? []) as unknown as readonly EndUserEvent[]);
      const decided = endUserDecider.decide(c, state);
      if (E.isLeft(decided)) return decided;
      if (decided.right.length === 0) return E.right([{ streamId, events: [] }]);
      const clusterId = c.type === 'CreateEndUser' ? c.clusterId : state.clusterId;
      const guards: StreamDecision[] = [];
      for (const ref of references) {
        const id = referenceStream(ref);
        const events = (loaded.get(id)?.events ?? []) as never[];
        const target =
          ref.kind === 'cluster'
            ? foldEvents(clusterDecider, events)
            : ref.kind === 'userProfile'
              ? foldEvents(userProfileDecider, events)
              : foldEvents(featureGroupTemplateDecider, events);
        if (!target.exists)
          return E.left(domainError(notFound[ref.kind], `${ref.field} names ${ref.name}, which does not exist`, { field: ref.field }));
        if (target.clusterId !== clusterId)
          return E.left(
            domainError('reference_in_other_cluster', `${ref.field} names ${ref.name}, which belongs to cluster ${target.clusterId}`, {
              field: ref.field,
              details: { cluster: clusterId, referencedCluster: target.clusterId },
            }),
          );
        guards.push({ streamId: id, events: [] });
      }
      return E.right([{ streamId, events: decided.right }, ...guards]);
    },
  };
  return E.right({ streamId, command });
};
