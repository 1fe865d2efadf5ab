import { header, headerValues } from './headers.js';
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './model.js';
import { tagOf } from './values.js';

// Writing messages: a message to bytes, and the response to a request.

/** A header value must not smuggle a line break into the message. */
const clean = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** Serializes a message; `Content-Length` is always computed from the body (any given one is dropped). */
export const serializeSip = (msg: SipMessage): Buffer => {
  const start = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${clean(msg.reason)}`;
  const lines = [start];
  for (const h of msg.headers) if (h.name.toLowerCase() !== 'content-length') lines.push(`${h.name}: ${clean(h.value)}`);
  lines.push(`Content-Length: ${msg.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), msg.body]);
};

/** Standard reason phrases for the status codes this package sends. */
export const reasonPhrases: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  481: 'Call/Transaction Does Not Exist',
  483: 'Too Many Hops',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
};

export interface ResponseExtras {
  readonly reason?: string;
  readonly headers?: readonly SipHeader[];
  readonly body?: Buffer;
  /** Added to `To` when it has no tag (every response but 100 of a dialog-creating or out-of-dialog request). */
  readonly toTag?: string;
}

/**
 * A response to `request` (RFC 3261 section 8.2.6): its `Via` values, `From`,
 * `To` (with `toTag` added when it has none), `Call-ID` and `CSeq` copied.
 * Works on a `partial` request too (whatever of those it has is copied).
 */
export const responseTo = (request: SipRequest, status: number, extras: ResponseExtras = {}): SipResponse => {
  const headers: SipHeader[] = [];
  for (const via of headerValues(request, 'Via')) headers.push({ name: 'Via', value: via });
  const from = header(request, 'From');
  if (from !== undefined) headers.push({ name: 'From', value: from });
  const to = header(request, 'To');
  if (to !== undefined)
    headers.push({
      name: 'To',
      value: extras.toTag !== undefined && status > 100 && tagOf(to) === undefined ? `${to};tag=${extras.toTag}` : to,
    });
  for (const name of ['Call-ID', 'CSeq']) {
    const v = header(request, name);
    if (v !== undefined) headers.push({ name, value: v });
  }
  headers.push(...(extras.headers ?? []));
  return {
    kind: 'response',
    status,
    reason: extras.reason ?? reasonPhrases[status] ?? 'Unknown',
    headers,
    body: extras.body ?? Buffer.alloc(0),
  };
};
