import type { SipHeader } from '../message/model.js';
import { parseNameAddr, parseUri, uriHost } from '../message/values.js';
import { answerSdp, type Negotiated, offerSdp } from '../sdp.js';
import type { SipStack } from '../stack.js';
import type { Peer } from '../transport.js';
import type { Call } from './types.js';

// The two ends of a dialog: where the caller is reached (its Contact), and what the IVR tells it of
// itself (its Contact, its SDP).

/** Where requests of the dialog go: the caller's Contact (over TCP, its connection when still open), else where the request came from. */
export const targetOf = (contactValue: string | undefined, source: Peer): { peer: Peer; uri: string } => {
  const contact = contactValue === undefined ? undefined : parseNameAddr(contactValue);
  const uri = contact ? parseUri(contact.uri) : undefined;
  if (contact === undefined || uri === undefined) return { peer: source, uri: `sip:${source.address}:${source.port}` };
  const transport = (uri.params.transport ?? '').toUpperCase();
  const tcp = transport === 'TCP' || (transport === '' && source.transport === 'TCP');
  const address = uri.host.replace(/^\[|\]$/g, '');
  const port = uri.port ?? 5060;
  const peer: Peer = tcp
    ? source.connection && !source.connection.destroyed
      ? { transport: 'TCP', address, port, connection: source.connection }
      : { transport: 'TCP', address, port }
    : { transport: 'UDP', address, port };
  return { peer, uri: contact.uri };
};

/** The IVR's side of a call: its SDP (offer, or answer to `n`) and its Contact. */
export const createLocalParty = (stack: SipStack) => {
  const host = stack.advertisedHost;

  const describe = (call: Call, n: Negotiated | undefined): Buffer => {
    call.sdpVersion += 1;
    const d = { address: host, port: call.media.port, sessionId: call.sessionId, version: call.sdpVersion };
    return Buffer.from(n === undefined ? offerSdp(d) : answerSdp(d, n));
  };

  const contactOf = (call: Call, peer: Peer): SipHeader => {
    const port = peer.transport === 'TCP' ? (stack.transport.tcpPort ?? stack.transport.udpPort) : stack.transport.udpPort;
    return { name: 'Contact', value: `<sip:${call.ivrDn}@${uriHost(host)}:${port}${peer.transport === 'TCP' ? ';transport=tcp' : ''}>` };
  };

  return { describe, contactOf };
};
