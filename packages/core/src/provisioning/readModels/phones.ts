import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { RecordedEvent } from '../../kernel/eventstore/envelope.js';
import type { JsonValue } from '../../kernel/json.js';
import type { Projection } from '../../kernel/projection/projection.js';
import { initialPhoneState, type PhoneState, phoneDecider } from '../phone/decider.js';
import { type PhoneEvent, phoneEventTypes } from '../phone/events.js';

/** Phones by device name and by owner. Removed phones leave the model. */
export interface PhonesReadModel {
  byDeviceName: Record<string, PhoneState>;
  /** Owner user id -> device names. */
  byOwner: Record<string, string[]>;
}

export const emptyPhones = (): PhonesReadModel => ({ byDeviceName: {}, byOwner: {} });

const eventTypes = new Set<string>(phoneEventTypes);

const setOwner = (model: PhonesReadModel, deviceName: string, before: string | undefined, after: string | undefined) => {
  if (before === after) return;
  if (before !== undefined && Object.hasOwn(model.byOwner, before)) {
    const rest = (model.byOwner[before] ?? []).filter((d) => d !== deviceName);
    if (rest.length === 0) delete model.byOwner[before];
    else model.byOwner[before] = rest;
  }
  if (after !== undefined) {
    const list = Object.hasOwn(model.byOwner, after) ? (model.byOwner[after] ?? []) : [];
    if (!list.includes(deviceName)) model.byOwner[after] = [...list, deviceName];
  }
};

const evolve = (model: PhonesReadModel, event: RecordedEvent): PhonesReadModel => {
  if (!eventTypes.has(event.type)) return model;
  const deviceName = (event.data as { deviceName?: unknown }).deviceName;
  if (typeof deviceName !== 'string') return model;
  const previous = Object.hasOwn(model.byDeviceName, deviceName) ? model.byDeviceName[deviceName] : undefined;
  const next = phoneDecider.evolve(previous ?? initialPhoneState(), event as unknown as PhoneEvent);
  setOwner(model, deviceName, previous?.owner, next.exists ? next.owner : undefined);
  if (next.exists) model.byDeviceName[deviceName] = next;
  else delete model.byDeviceName[deviceName];
  return model;
};

const PhoneStateCodec = t.intersection([
  t.type({
    exists: t.boolean,
    deviceName: t.string,
    mac: t.string,
    model: t.string,
    protocol: t.keyof({ SIP: null, SCCP: null }),
    clusterId: t.string,
    state: t.keyof({ autoregistered: null, provisioned: null }),
    lines: t.array(t.intersection([t.type({ index: t.number, dn: t.string }), t.partial({ lineTemplate: t.string })])),
    registered: t.boolean,
    removed: t.boolean,
  }),
  t.partial({ owner: t.string, deviceTemplate: t.string, replacedBy: t.string }),
]);

const Snapshot = t.type({ byDeviceName: t.record(t.string, PhoneStateCodec) });

/** Phones by device name and by owner. The snapshot stores phones; the owner index is rebuilt from them. */
export const phonesProjection: Projection<PhonesReadModel> = {
  name: 'selfprov.phones',
  version: 1,
  initialState: emptyPhones,
  evolve,
  snapshot: {
    encode: (model) => JSON.parse(JSON.stringify({ byDeviceName: model.byDeviceName })) as JsonValue,
    decode: (stored) =>
      E.map((s: t.TypeOf<typeof Snapshot>) => {
        const model = emptyPhones();
        for (const phone of Object.values(s.byDeviceName)) {
          model.byDeviceName[phone.deviceName] = phone;
          setOwner(model, phone.deviceName, undefined, phone.owner);
        }
        return model;
      })(Snapshot.decode(stored)),
  },
};
