import type { EventStore, RecordedEvent, Subscription } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import type { SipResponse } from './message/model.js';
import { uriHost } from './message/values.js';
import type { Registrar } from './registrar.js';
import type { Logger, SipStack } from './stack.js';

/**
 * Follows the event log and keeps the registrar in step with the domain: when
 * a phone is provisioned (by the IVR, an administrator or self-care), replaced
 * or removed, its binding is re-read (it now answers with the user's primary
 * extension); when the domain asks a phone to reset (`PhoneResetRequested`),
 * the phone is told to re-read its configuration with an unsolicited
 * `NOTIFY` (`Event: check-sync`, the event Cisco, Polycom and Yealink phones
 * act on) sent to its registered Contact. The temporary DN itself goes back
 * to the pool in the domain, in the same atomic append as the provisioning.
 */
export interface ResyncNotifier {
  start(): Promise<void>;
  /** Sends `NOTIFY check-sync` to a bound device now; `undefined` when it is not bound or did not answer. */
  notify(deviceName: string): Promise<SipResponse | undefined>;
  /** NOTIFYs sent, and answered with 2xx. */
  stats(): { readonly sent: number; readonly answered: number };
  close(): Promise<void>;
}

const PHONE_CHANGES = new Set(['PhoneProvisioned', 'PhoneReplaced', 'PhoneRemoved', 'PhoneMarkedReplaced']);

export const createResyncNotifier = (deps: {
  readonly events: EventStore;
  readonly registrar: Registrar;
  readonly stack: SipStack;
  readonly log: Logger;
}): ResyncNotifier => {
  const { stack, registrar, log } = deps;
  let subscription: Subscription | undefined;
  let sent = 0;
  let answered = 0;

  const notify = async (deviceName: string): Promise<SipResponse | undefined> => {
    const binding = registrar.binding(deviceName);
    if (binding === undefined) return undefined;
    const target = registrar.targetOf(binding);
    const uri = binding.contact.replace(/^[^<]*<([^>]*)>.*$/, '$1');
    const host = uriHost(stack.advertisedHost);
    const port = target.transport === 'TCP' ? (stack.transport.tcpPort ?? stack.transport.udpPort) : stack.transport.udpPort;
    sent += 1;
    const response = await stack.request(
      (via) => ({
        kind: 'request',
        method: 'NOTIFY',
        uri,
        headers: [
          via,
          { name: 'Max-Forwards', value: '70' },
          { name: 'From', value: `<sip:selfprov@${host}>;tag=${stack.token()}` },
          { name: 'To', value: `<sip:${deviceName}@${host}>` },
          { name: 'Call-ID', value: `${stack.token()}@${host}` },
          { name: 'CSeq', value: '1 NOTIFY' },
          { name: 'Contact', value: `<sip:selfprov@${host}:${port}${target.transport === 'TCP' ? ';transport=tcp' : ''}>` },
          { name: 'Event', value: 'check-sync' },
          { name: 'Subscription-State', value: 'terminated;reason=noresource' },
          { name: 'User-Agent', value: stack.serverName },
        ],
        body: Buffer.alloc(0),
      }),
      target,
    );
    if (response !== undefined && response.status < 300) answered += 1;
    log({
      level: response !== undefined && response.status < 300 ? 'info' : 'warn',
      event: 'check_sync_notified',
      details: { deviceName, status: response?.status ?? null },
    });
    return response;
  };

  const onEvent = async (event: RecordedEvent) => {
    const deviceName = (event.data as { deviceName?: unknown } | null)?.deviceName;
    if (typeof deviceName !== 'string' || registrar.binding(deviceName) === undefined) return;
    if (PHONE_CHANGES.has(event.type)) {
      const b = await registrar.refresh(deviceName);
      log({ level: 'info', event: 'binding_refreshed', details: { deviceName, dn: b?.dn ?? null, cause: event.type } });
    } else if (event.type === 'PhoneResetRequested') {
      await registrar.refresh(deviceName);
      // Not awaited: a phone that does not answer must not hold the log's delivery for 32 s.
      void notify(deviceName);
    }
  };

  return {
    start: async () => {
      // Only what happens from now on: a restart must not reset every phone again.
      const last = await deps.events.readAll({ direction: 'backward', maxCount: 1 })();
      const after = E.isRight(last) ? (last.right[0]?.globalPosition ?? 0) : 0;
      subscription = deps.events.subscribe({
        after,
        onEvent: (e) =>
          onEvent(e).catch((error: unknown) =>
            log({ level: 'error', event: 'resync_failed', details: { error: error instanceof Error ? error.message : 'unknown' } }),
          ),
        onError: (e) => log({ level: 'error', event: 'resync_subscription_stopped', details: { code: e.code } }),
      });
      await subscription.caughtUp;
    },
    notify,
    stats: () => ({ sent, answered }),
    close: async () => {
      await subscription?.close();
      subscription = undefined;
    },
  };
};
