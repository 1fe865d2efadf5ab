// The SIP message model: requests and responses with their headers in order and a raw body. Parsed
// by packages/adapters/sip/src/message/parse.ts, written by packages/adapters/sip/src/message/serialize.ts;
// headers are read with packages/adapters/sip/src/message/headers.ts and their values with
// packages/adapters/sip/src/message/values.ts.

export interface SipHeader {
  /** Canonical name (`Via`, `Call-ID`, ...; compact forms expanded); unknown names as received. */
  readonly name: string;
  readonly value: string;
}

export interface SipRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly uri: string;
  readonly headers: readonly SipHeader[];
  readonly body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly SipHeader[];
  readonly body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;
