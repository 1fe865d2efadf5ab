import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { RecordedEvent } from '../../kernel/eventstore/envelope.js';
import type { JsonValue } from '../../kernel/json.js';
import type { Projection } from '../../kernel/projection/projection.js';
import { type DirectoryNumberEvent, type DnHolderData, directoryNumberEventTypes } from '../directoryNumber/events.js';

/** Held DNs per cluster, with their holder. Free numbers are computed from it and the cluster's range (`freeNumbers.ts`). */
export interface DirectoryNumbersReadModel {
  held: Record<string, Record<string, DnHolderData>>;
}

export const emptyDirectoryNumbers = (): DirectoryNumbersReadModel => ({ held: {} });

const eventTypes = new Set<string>(directoryNumberEventTypes);

const evolve = (model: DirectoryNumbersReadModel, event: RecordedEvent): DirectoryNumbersReadModel => {
  if (!eventTypes.has(event.type)) return model;
  const e = event as unknown as DirectoryNumberEvent;
  const { clusterId, directoryNumber } = e.data;
  const cluster = Object.hasOwn(model.held, clusterId) ? (model.held[clusterId] ?? {}) : {};
  if (e.type === 'DirectoryNumberReserved') cluster[directoryNumber] = e.data.holder;
  else delete cluster[directoryNumber];
  model.held[clusterId] = cluster;
  return model;
};

const Holder = t.union([
  t.type({ kind: t.literal('phone'), deviceName: t.string }),
  t.type({ kind: t.literal('user-line'), userId: t.string }),
]);
const Snapshot = t.type({ held: t.record(t.string, t.record(t.string, Holder)) });

/** Held DNs per cluster. */
export const directoryNumbersProjection: Projection<DirectoryNumbersReadModel> = {
  name: 'selfprov.directory-numbers',
  version: 1,
  initialState: emptyDirectoryNumbers,
  evolve,
  snapshot: {
    encode: (model) => JSON.parse(JSON.stringify(model)) as JsonValue,
    decode: (stored) => E.map((s) => s as DirectoryNumbersReadModel)(Snapshot.decode(stored)),
  },
};
