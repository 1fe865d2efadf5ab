import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { RecordedEvent } from '../../kernel/eventstore/envelope.js';
import type { JsonValue } from '../../kernel/json.js';
import type { Projection } from '../../kernel/projection/projection.js';
import { type EndUserState, endUserDecider, initialEndUserState } from '../endUser/decider.js';
import { type EndUserEvent, endUserEventTypes } from '../endUser/events.js';

/**
 * End users by id, by (cluster, self-provisioning id) and by (cluster, primary
 * extension): how the IVR finds the caller's account from the digits entered.
 * The snapshot holds personal data (names, email) like the events it folds: an
 * erasure must rebuild the model (or drop its checkpoint).
 */
export interface UsersReadModel {
  byId: Record<string, EndUserState>;
  /** Key `clusterId/selfProvisioningId` -> user ids (more than one is an ambiguity the IVR refuses). */
  bySelfProvisioningId: Record<string, string[]>;
  /** Key `clusterId/primaryExtension` -> user ids. */
  byPrimaryExtension: Record<string, string[]>;
}

export const indexKey = (clusterId: string, digits: string): string => `${clusterId}/${digits}`;

export const emptyUsers = (): UsersReadModel => ({ byId: {}, bySelfProvisioningId: {}, byPrimaryExtension: {} });

const eventTypes = new Set<string>(endUserEventTypes);

const unindex = (index: Record<string, string[]>, key: string | undefined, userId: string) => {
  if (key === undefined || !Object.hasOwn(index, key)) return;
  const rest = (index[key] ?? []).filter((id) => id !== userId);
  if (rest.length === 0) delete index[key];
  else index[key] = rest;
};

const addIndex = (index: Record<string, string[]>, key: string | undefined, userId: string) => {
  if (key === undefined) return;
  const ids = Object.hasOwn(index, key) ? (index[key] ?? []) : [];
  if (!ids.includes(userId)) index[key] = [...ids, userId];
};

const keys = (u: EndUserState | undefined) =>
  u === undefined
    ? { sp: undefined, pe: undefined }
    : {
        sp: u.selfProvisioningId === undefined ? undefined : indexKey(u.clusterId, u.selfProvisioningId),
        pe: u.primaryExtension === undefined ? undefined : indexKey(u.clusterId, u.primaryExtension),
      };

const put = (model: UsersReadModel, next: EndUserState, previous: EndUserState | undefined): void => {
  const before = keys(previous);
  const after = keys(next);
  unindex(model.bySelfProvisioningId, before.sp, next.userId);
  unindex(model.byPrimaryExtension, before.pe, next.userId);
  model.byId[next.userId] = next;
  addIndex(model.bySelfProvisioningId, after.sp, next.userId);
  addIndex(model.byPrimaryExtension, after.pe, next.userId);
};

const evolve = (model: UsersReadModel, event: RecordedEvent): UsersReadModel => {
  // By event type, not stream prefix: `user-profile-x` is both a user profile and the end user `profile-x`.
  if (!eventTypes.has(event.type)) return model;
  const userId = (event.data as { userId?: unknown }).userId;
  if (typeof userId !== 'string') return model;
  const previous = Object.hasOwn(model.byId, userId) ? model.byId[userId] : undefined;
  const next = endUserDecider.evolve(previous ?? initialEndUserState(), event as unknown as EndUserEvent);
  if (next.exists) put(model, next, previous);
  return model;
};

const EndUserStateCodec = t.intersection([
  t.type({
    exists: t.boolean,
    userId: t.string,
    clusterId: t.string,
    phones: t.array(t.string),
    personal: t.intersection([t.type({ firstName: t.string, lastName: t.string }), t.partial({ email: t.string })]),
  }),
  t.partial({
    primaryExtension: t.string,
    selfProvisioningId: t.string,
    customSelfProvisioningId: t.string,
    userProfile: t.string,
    featureGroupTemplate: t.string,
  }),
]);

const Snapshot = t.type({ byId: t.record(t.string, EndUserStateCodec) });

/** Users by id, self-provisioning id and primary extension. The snapshot stores users; indexes are rebuilt from them. */
export const usersProjection: Projection<UsersReadModel> = {
  name: 'selfprov.users',
  version: 1,
  initialState: emptyUsers,
  evolve,
  snapshot: {
    encode: (model) => JSON.parse(JSON.stringify({ byId: model.byId })) as JsonValue,
    decode: (stored) =>
      E.map((s: t.TypeOf<typeof Snapshot>) => {
        const model = emptyUsers();
        for (const user of Object.values(s.byId)) put(model, user, undefined);
        return model;
      })(Snapshot.decode(stored)),
  },
};
