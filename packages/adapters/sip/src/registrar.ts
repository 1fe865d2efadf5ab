import { isRegisteredPhone, lineOneDn, type PhoneState, type SelfProvisioning, type WorkflowError } from '@selfprov/core';
import * as E from 'fp-ts/lib/Either.js';
import { deviceMacOf, modelOf } from './identify.js';
import { header, headerValues } from './message/headers.js';
import type { SipHeader } from './message/model.js';
import { parseCSeq, parseNameAddr, parseUri, type SipUri, uriHost } from './message/values.js';
import type { Logger, RequestContext } from './stack.js';
import type { Peer } from './transport.js';

/**
 * The registrar (RFC 3261 section 10.3) with auto-registration. A REGISTER
 * from a device the domain does not know auto-registers it (device `SEP<MAC>`,
 * the lowest free DN of the range, through `autoRegisterPhone`); a known device
 * refreshes its binding. The 200 OK names the device's DN on line 1 in
 * `P-Associated-URI` (RFC 3455). Expires: the Contact's `expires`, else the
 * `Expires` header, else the default; below the minimum -> 423 with
 * `Min-Expires`; above the maximum -> shortened; 0 (or `Contact: *` with
 * `Expires: 0`) removes the binding and records the phone unregistered.
 *
 * Refusals (reason phrase and a `Warning: 399` that says why):
 *
 * | case | answer |
 * |---|---|
 * | no MAC in `+sip.instance`, user part or MAC header, and no known DN | 403 Device Not Identified |
 * | auto-registration disabled on the cluster | 403 Auto-registration Disabled |
 * | the auto-registration range is exhausted | 503 Auto-registration Range Exhausted, `Retry-After: 600` |
 * | no cluster (or several and none configured) | 503 Auto-registration Not Configured |
 * | expires below the minimum | 423 Interval Too Brief, `Min-Expires` |
 * | bad `To`, `Contact` or `Expires`; `*` with other contacts or a non-zero Expires | 400 Bad Request |
 * | a CSeq not above the binding's for the same Call-ID | 500 Out of Order |
 * | the store failed | 500 Server Internal Error, `Retry-After: 5` |
 */

export interface RegistrarOptions {
  /** Default 60 s. */
  readonly minExpires?: number;
  /** Default 3600 s. */
  readonly maxExpires?: number;
  /** When the request gives none. Default 3600 s. */
  readonly defaultExpires?: number;
  /** Header that may carry the MAC. Default `X-Device-MAC`. */
  readonly macHeader?: string;
  /** The cluster phones auto-register in. Default: the only cluster there is. */
  readonly clusterId?: string;
}

/** A registered device: where to reach it and what it is. */
export interface Binding {
  readonly deviceName: string;
  readonly mac: string;
  /** The DN on line 1: the temporary one while auto-registered, the user's primary extension once provisioned. */
  dn: string | undefined;
  /** The Contact value as registered (without `expires`). */
  contact: string;
  contactUri: SipUri;
  /** Where the REGISTER came from (a TCP binding keeps its connection). */
  source: Peer;
  expiresAt: number;
  callId: string;
  cseq: number;
  userAgent?: string;
}

export interface Registrar {
  handle(context: RequestContext): Promise<void>;
  binding(deviceName: string): Binding | undefined;
  /** The device bound with this DN on line 1. */
  deviceWithDn(dn: string): Binding | undefined;
  bindings(): readonly Binding[];
  /** Re-reads a device from the domain (after provisioning: the binding moves to the new DN). */
  refresh(deviceName: string): Promise<Binding | undefined>;
  /** Where requests to a bound device go (its Contact; over TCP, its connection when still open). */
  targetOf(binding: Binding): Peer;
  close(): void;
}

interface Refusal {
  readonly status: number;
  readonly reason: string;
  readonly warning?: string;
  readonly headers?: readonly SipHeader[];
}

/** The SIP answer to a domain refusal of auto-registration. */
export const refusalForRegistration = (error: WorkflowError): Refusal => {
  switch (error.code) {
    case 'dn_range_exhausted':
      return {
        status: 503,
        reason: 'Auto-registration Range Exhausted',
        warning: 'no free directory number is left in the auto-registration range',
        headers: [{ name: 'Retry-After', value: '600' }],
      };
    case 'autoregistration_disabled':
      return { status: 403, reason: 'Auto-registration Disabled', warning: 'auto-registration is disabled on this cluster' };
    case 'cluster_not_found':
      return { status: 503, reason: 'Auto-registration Not Configured', warning: 'the cluster does not exist' };
    case 'concurrent_modification':
      return { status: 500, reason: 'Server Internal Error', warning: error.message, headers: [{ name: 'Retry-After', value: '1' }] };
  }
  if (error._tag === 'ValidationError')
    return { status: 400, reason: 'Bad Request', warning: `${error.field ?? 'input'}: ${error.message}` };
  if (error._tag === 'DomainError') return { status: 403, reason: 'Forbidden', warning: error.message };
  return {
    status: 500,
    reason: 'Server Internal Error',
    warning: 'the event store is unavailable',
    headers: [{ name: 'Retry-After', value: '5' }],
  };
};

const isDigits = (s: string | undefined): s is string => s !== undefined && /^[0-9]{1,24}$/.test(s);

export const createRegistrar = (deps: {
  readonly selfProvisioning: SelfProvisioning;
  readonly advertisedHost: string;
  readonly log: Logger;
  readonly options?: RegistrarOptions;
}): Registrar => {
  const sp = deps.selfProvisioning;
  const o = deps.options ?? {};
  const minExpires = o.minExpires ?? 60;
  const maxExpires = o.maxExpires ?? 3600;
  const defaultExpires = Math.min(o.defaultExpires ?? 3600, maxExpires);
  const macHeader = o.macHeader ?? 'X-Device-MAC';
  const bindings = new Map<string, Binding>();
  const byDn = new Map<string, string>();
  const queues = new Map<string, Promise<unknown>>();

  /** One REGISTER per device at a time: two racing first registrations must not both try to auto-register. */
  const serially = <A>(deviceName: string, work: () => Promise<A>): Promise<A> => {
    const previous = queues.get(deviceName) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    queues.set(deviceName, settled);
    void settled.then(() => {
      if (queues.get(deviceName) === settled) queues.delete(deviceName);
    });
    return run;
  };

  const setDn = (b: Binding, dn: string | undefined) => {
    if (b.dn !== undefined && byDn.get(b.dn) === b.deviceName) byDn.delete(b.dn);
    b.dn = dn;
    if (dn !== undefined) byDn.set(dn, b.deviceName);
  };

  const drop = (deviceName: string) => {
    const b = bindings.get(deviceName);
    if (b === undefined) return;
    setDn(b, undefined);
    bindings.delete(deviceName);
  };

  const record = async (deviceName: string, registered: boolean) => {
    const r = await sp.recordRegistration({ deviceName, registered }, { actor: { kind: 'device', id: deviceName }, channel: 'sip' })();
    if (E.isLeft(r) && r.left.code !== 'phone_not_found')
      deps.log({ level: 'warn', event: 'registration_not_recorded', details: { deviceName, registered, code: r.left.code } });
  };

  /**
   * New phones are auto-registered one at a time in this process: they all want the lowest free
   * DN, so running them at once only makes them conflict (and, on a slower store, run out of
   * retries). A conflict with another process is retried a few times.
   */
  let autoRegistering: Promise<unknown> = Promise.resolve();
  const autoRegister = (input: { clusterId: string; mac: string; model: string; protocol: 'SIP' }, device: string) => {
    const attempt = async () => {
      for (let i = 0; ; i++) {
        const r = await sp.autoRegisterPhone(input, { actor: { kind: 'device', id: device }, channel: 'sip' })();
        const conflict = E.isLeft(r) && (r.left.code === 'wrong_expected_version' || r.left.code === 'concurrent_modification');
        if (!conflict || i >= 4) return r;
      }
    };
    const run = autoRegistering.then(attempt, attempt);
    autoRegistering = run.catch(() => undefined);
    return run;
  };

  const clusterId = (): string | undefined => {
    if (o.clusterId !== undefined) return o.clusterId;
    const clusters = sp.readModels.clusters().filter((c) => c.exists);
    return clusters.length === 1 ? clusters[0]?.clusterId : undefined;
  };

  /** A device named by its DN (a provisioned phone registering its extension as address of record). */
  const deviceByDn = async (dn: string): Promise<string | undefined> => {
    const bound = byDn.get(dn);
    if (bound !== undefined) return bound;
    const caught = await sp.readModels.catchUp()();
    if (E.isLeft(caught)) return undefined;
    const phone = sp.readModels.phones().find((p) => p.exists && !p.removed && lineOneDn(p) === dn);
    return phone?.deviceName;
  };

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const b of [...bindings.values()]) {
      if (b.expiresAt > now) continue;
      drop(b.deviceName);
      deps.log({ level: 'info', event: 'binding_expired', details: { deviceName: b.deviceName } });
      void serially(b.deviceName, () => record(b.deviceName, false));
    }
  }, 1000);
  sweep.unref();

  const refuse = (context: RequestContext, r: Refusal) => {
    context.respond(r.status, {
      reason: r.reason,
      toTag: tagFor(context),
      headers: [
        ...(r.warning ? [{ name: 'Warning', value: `399 ${uriHost(deps.advertisedHost)} "${r.warning.replace(/"/g, "'")}"` }] : []),
        ...(r.headers ?? []),
      ],
    });
  };

  const tagFor = (context: RequestContext) =>
    `r${(parseCSeq(header(context.request, 'CSeq'))?.seq ?? 0).toString(36)}${context.peer.port.toString(36)}`;

  const ok = (context: RequestContext, b: Binding | undefined, expires: number) => {
    const headers: SipHeader[] = [];
    if (b !== undefined && expires > 0) headers.push({ name: 'Contact', value: `${b.contact};expires=${expires}` });
    if (b?.dn !== undefined) headers.push({ name: 'P-Associated-URI', value: `<sip:${b.dn}@${uriHost(deps.advertisedHost)}>` });
    headers.push({ name: 'Date', value: new Date().toUTCString() });
    context.respond(200, { toTag: tagFor(context), headers });
  };

  const phoneOf = async (deviceName: string): Promise<E.Either<WorkflowError, PhoneState | undefined>> => sp.phone(deviceName)();

  const handle = async (context: RequestContext): Promise<void> => {
    const request = context.request;
    const to = parseNameAddr(header(request, 'To') ?? '');
    const aor = to ? parseUri(to.uri) : undefined;
    if (aor === undefined) return refuse(context, { status: 400, reason: 'Bad Request', warning: 'the To header is not a SIP address' });
    const expiresHeader = header(request, 'Expires');
    if (expiresHeader !== undefined && !/^\s*[0-9]{1,10}\s*$/.test(expiresHeader))
      return refuse(context, { status: 400, reason: 'Bad Request', warning: 'Expires must be a number of seconds' });
    const contacts = headerValues(request, 'Contact');
    const star = contacts.some((c) => c.trim() === '*');
    if (star && (contacts.length > 1 || expiresHeader === undefined || Number(expiresHeader) !== 0))
      return refuse(context, { status: 400, reason: 'Bad Request', warning: 'Contact: * needs Expires: 0 and no other Contact' });

    let mac = deviceMacOf(request, 'To', macHeader)?.mac;
    let deviceName = mac !== undefined ? `SEP${mac}` : undefined;
    if (deviceName === undefined && isDigits(aor.user)) deviceName = await deviceByDn(aor.user);
    if (deviceName === undefined)
      return refuse(context, {
        status: 403,
        reason: 'Device Not Identified',
        warning: `no MAC address in the Contact's +sip.instance, the user part (SEP<MAC>) or ${macHeader}`,
      });
    const device = deviceName;

    return serially(device, async () => {
      const callId = header(request, 'Call-ID') ?? '';
      const cseq = parseCSeq(header(request, 'CSeq'))?.seq ?? 0;
      const existing = bindings.get(device);

      if (contacts.length === 0) {
        // A query: the current binding, nothing changes.
        return ok(context, existing, existing ? Math.max(0, Math.round((existing.expiresAt - Date.now()) / 1000)) : 0);
      }
      const contact = star ? undefined : parseNameAddr(contacts[0] ?? '');
      const contactUri = contact ? parseUri(contact.uri) : undefined;
      if (!star && (contact === undefined || contactUri === undefined))
        return refuse(context, { status: 400, reason: 'Bad Request', warning: 'the Contact header is not a SIP address' });
      const param = contact?.params.expires;
      if (param !== undefined && (param === null || !/^[0-9]{1,10}$/.test(param)))
        return refuse(context, {
          status: 400,
          reason: 'Bad Request',
          warning: 'the Contact expires parameter must be a number of seconds',
        });
      let expires = star ? 0 : param != null ? Number(param) : expiresHeader !== undefined ? Number(expiresHeader) : defaultExpires;
      if (existing !== undefined && existing.callId === callId && cseq <= existing.cseq)
        return refuse(context, { status: 500, reason: 'Out of Order', warning: 'CSeq must grow within a registration' });

      if (expires === 0) {
        drop(device);
        ok(context, undefined, 0);
        deps.log({ level: 'info', event: 'unregistered', details: { deviceName: device } });
        await record(device, false);
        return;
      }
      if (expires < minExpires)
        return refuse(context, {
          status: 423,
          reason: 'Interval Too Brief',
          headers: [{ name: 'Min-Expires', value: String(minExpires) }],
        });
      expires = Math.min(expires, maxExpires);

      let phone = await phoneOf(device);
      if (E.isLeft(phone)) return refuse(context, refusalForRegistration(phone.left));
      let dn: string | undefined;
      const known = phone.right !== undefined && isRegisteredPhone(phone.right) && !phone.right.removed;
      if (known && phone.right !== undefined) {
        dn = lineOneDn(phone.right);
        mac ??= phone.right.mac;
        if (!phone.right.registered) await record(device, true);
      } else {
        const cluster = clusterId();
        if (cluster === undefined)
          return refuse(context, {
            status: 503,
            reason: 'Auto-registration Not Configured',
            warning: 'no cluster to auto-register in (none exists, or several and none was configured)',
          });
        const registered = await autoRegister({ clusterId: cluster, mac: mac ?? '', model: modelOf(request), protocol: 'SIP' }, device);
        if (E.isLeft(registered)) {
          if (registered.left.code !== 'mac_already_registered') {
            deps.log({ level: 'warn', event: 'autoregistration_refused', details: { deviceName: device, code: registered.left.code } });
            return refuse(context, refusalForRegistration(registered.left));
          }
          // Registered meanwhile (another process): a known device after all.
          phone = await phoneOf(device);
          if (E.isLeft(phone)) return refuse(context, refusalForRegistration(phone.left));
          dn = phone.right === undefined ? undefined : lineOneDn(phone.right);
        } else {
          dn = registered.right.directoryNumber;
          deps.log({ level: 'info', event: 'autoregistered', details: { deviceName: device, dn } });
        }
      }
      if (contact === undefined || contactUri === undefined) return;
      const { expires: _dropped, ...params } = contact.params;
      const value = `${contact.display !== undefined ? `"${contact.display}" ` : ''}<${contact.uri}>${Object.entries(params)
        .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${/^[A-Za-z0-9.!%*_+`'~-]+$/.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`}`))
        .join('')}`;
      const userAgent = header(request, 'User-Agent');
      const b: Binding = existing ?? {
        deviceName: device,
        mac: mac ?? '',
        dn: undefined,
        contact: value,
        contactUri,
        source: context.peer,
        expiresAt: 0,
        callId,
        cseq,
      };
      b.contact = value;
      b.contactUri = contactUri;
      b.source = context.peer;
      b.expiresAt = Date.now() + expires * 1000;
      b.callId = callId;
      b.cseq = cseq;
      if (userAgent !== undefined) b.userAgent = userAgent;
      bindings.set(device, b);
      setDn(b, dn);
      ok(context, b, expires);
    });
  };

  return {
    handle,
    binding: (deviceName) => bindings.get(deviceName),
    deviceWithDn: (dn) => {
      const d = byDn.get(dn);
      return d === undefined ? undefined : bindings.get(d);
    },
    bindings: () => [...bindings.values()],
    refresh: async (deviceName) => {
      const b = bindings.get(deviceName);
      if (b === undefined) return undefined;
      const phone = await phoneOf(deviceName);
      if (E.isLeft(phone)) return b;
      if (phone.right === undefined || !phone.right.exists || phone.right.removed) {
        drop(deviceName);
        return undefined;
      }
      setDn(b, lineOneDn(phone.right));
      return b;
    },
    targetOf: (b) => {
      const transport = (b.contactUri.params.transport ?? '').toUpperCase();
      const viaTcp = transport === 'TCP' || (transport === '' && b.source.transport === 'TCP');
      const host = b.contactUri.host.replace(/^\[|\]$/g, '');
      const port = b.contactUri.port ?? 5060;
      if (viaTcp) {
        // The registration's own connection when the Contact names it (same address and port, or RFC 5626 `ob`):
        // a phone behind NAT is only reachable there. Otherwise a connection to the Contact.
        const connection = b.source.connection;
        const sameFlow = 'ob' in b.contactUri.params || (b.source.address === host && b.source.port === port);
        return connection && !connection.destroyed && sameFlow
          ? { transport: 'TCP', address: host, port, connection }
          : { transport: 'TCP', address: host, port };
      }
      return { transport: 'UDP', address: host, port };
    },
    close: () => clearInterval(sweep),
  };
};
