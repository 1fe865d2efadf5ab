import * as E from 'fp-ts/lib/Either.js';
import { canonicalHeaderName, header, headerValues, TOKEN } from './headers.js';
import type { SipHeader, SipMessage, SipRequest } from './model.js';
import { parseCSeq } from './values.js';

/**
 * The SIP message parser: the subset of RFC 3261 a registrar and an IVR user
 * agent need, written to survive anything a network can deliver. The parser
 * never throws: it answers a typed `SipParseError`, which carries what could be
 * read (`partial`) so the server can still answer `400` to a broken request.
 *
 * Accepted liberally: compact header forms (`v`, `f`, `t`, `i`, `m`, `l`, ...),
 * header names in any case, line folding (RFC 3261 section 7.3.1), bare `LF`
 * line ends, blank lines before the start line, repeated and comma-separated
 * list headers (several `Via`). Refused: a bad start line, a header line without
 * a name or colon, a missing mandatory header (`Via`, `From`, `To`, `Call-ID`,
 * `CSeq`), a `CSeq` that does not match the method, a bad or conflicting
 * `Content-Length`, a body larger than allowed or shorter than announced.
 */

export type SipParseErrorCode =
  | 'empty'
  | 'too_large'
  | 'truncated'
  | 'bad_start_line'
  | 'bad_header'
  | 'missing_header'
  | 'bad_cseq'
  | 'bad_content_length'
  | 'body_too_large'
  | 'body_truncated';

/** Why a message was refused; `partial` is what was read of a request (enough, often, to answer `400`). */
export interface SipParseError {
  readonly _tag: 'SipParseError';
  readonly code: SipParseErrorCode;
  readonly message: string;
  /** The header at fault, when there is one. */
  readonly field?: string;
  readonly partial?: SipRequest;
}

export interface ParseOptions {
  /** Whole message (headers and body). Default 65,535 (a UDP datagram's maximum). */
  readonly maxMessageBytes?: number;
  /** Body. Default 16,384: an SDP offer or a DTMF relay body is far smaller. */
  readonly maxBodyBytes?: number;
  /**
   * `datagram` (default): the body is the rest of the datagram (truncated to `Content-Length`);
   * `stream`: the framer already cut the message, a missing `Content-Length` means no body.
   */
  readonly framing?: 'datagram' | 'stream';
}

export const DEFAULT_MAX_MESSAGE_BYTES = 65_535;
export const DEFAULT_MAX_BODY_BYTES = 16_384;
const MAX_HEADERS = 128;

const fail = (
  code: SipParseErrorCode,
  message: string,
  extra: { field?: string; partial?: SipRequest } = {},
): E.Either<SipParseError, never> => E.left({ _tag: 'SipParseError', code, message, ...extra });

const indexOfSeparator = (buf: Buffer): { end: number; bodyStart: number } | undefined => {
  // The header section ends at the first empty line: CRLF CRLF, or LF LF from a sloppy peer.
  for (let i = 0; i < buf.length - 1; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return { end: i, bodyStart: i + 2 };
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { end: i, bodyStart: i + 3 };
  }
  return undefined;
};

/** Strips leading empty lines (RFC 3261 section 7.5 asks to ignore CRLFs before the start line). */
const skipLeadingBlankLines = (buf: Buffer): Buffer => {
  let i = 0;
  while (i < buf.length && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  return i === 0 ? buf : buf.subarray(i);
};

interface StartLine {
  readonly kind: 'request' | 'response';
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  readonly reason: string;
}

const parseStartLine = (line: string): StartLine | undefined => {
  const response = /^SIP\/2\.0 ([1-6][0-9]{2})(?: (.*))?$/i.exec(line);
  if (response) return { kind: 'response', method: '', uri: '', status: Number(response[1]), reason: response[2] ?? '' };
  const request = /^([^ ]+) ([^ ]+) SIP\/2\.0$/i.exec(line);
  if (request?.[1] && request[2] && TOKEN.test(request[1]) && /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/.test(request[2]))
    return { kind: 'request', method: request[1], uri: request[2], status: 0, reason: '' };
  return undefined;
};

/** Header lines, unfolded. Returns the headers read and the first fault, if any (reading goes on past it). */
const parseHeaderLines = (lines: readonly string[]): { headers: SipHeader[]; fault?: { message: string; field?: string } } => {
  const headers: SipHeader[] = [];
  let fault: { message: string; field?: string } | undefined;
  let current: { name: string; value: string } | undefined;
  const flush = () => {
    if (current) headers.push({ name: canonicalHeaderName(current.name), value: current.value.trim() });
    current = undefined;
  };
  for (const [i, line] of lines.entries()) {
    if (line.length > 0 && (line[0] === ' ' || line[0] === '\t')) {
      // A folded continuation of the previous header (RFC 3261 section 7.3.1).
      if (current) current.value += ` ${line.trim()}`;
      else fault ??= { message: `line ${i + 2} continues no header` };
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).replace(/[ \t]+$/, '');
    if (colon <= 0 || !TOKEN.test(name)) {
      fault ??= { message: `line ${i + 2} is not a header (name: value)` };
      continue;
    }
    if (headers.length >= MAX_HEADERS) {
      fault ??= { message: `more than ${MAX_HEADERS} headers` };
      continue;
    }
    current = { name, value: line.slice(colon + 1) };
  }
  flush();
  return fault === undefined ? { headers } : { headers, fault };
};

const mandatory = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;

/**
 * Parses one SIP message (a datagram, or a message the stream framer cut).
 * Never throws; see the module comment for what is accepted.
 */
export const parseSipMessage = (input: Buffer | string, options: ParseOptions = {}): E.Either<SipParseError, SipMessage> => {
  const maxMessage = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const raw = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (raw.length > maxMessage) return fail('too_large', `the message is larger than ${maxMessage} bytes`);
  const buf = skipLeadingBlankLines(raw);
  if (buf.length === 0) return fail('empty', 'the message is empty');
  const sep = indexOfSeparator(buf);
  const head = buf.subarray(0, sep?.end ?? buf.length).toString('utf8');
  const lines = head.split(/\r?\n/).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const start = parseStartLine(lines[0] ?? '');
  if (start === undefined) return fail('bad_start_line', 'the first line is neither a SIP/2.0 request line nor a status line');
  const { headers, fault } = parseHeaderLines(lines.slice(1));
  const partial: SipRequest | undefined =
    start.kind === 'request' ? { kind: 'request', method: start.method, uri: start.uri, headers, body: Buffer.alloc(0) } : undefined;
  const withPartial = partial ? { partial } : {};
  if (fault) return fail('bad_header', fault.message, withPartial);
  if (sep === undefined) return fail('truncated', 'the message ends before the empty line that closes the headers', withPartial);
  for (const name of mandatory) {
    if (header({ headers }, name) === undefined)
      return fail('missing_header', `the ${name} header is missing`, { field: name, ...withPartial });
  }
  const cseq = parseCSeq(header({ headers }, 'CSeq'));
  if (cseq === undefined) return fail('bad_cseq', 'CSeq must be a number below 2^31 and a method', { field: 'CSeq', ...withPartial });
  if (start.kind === 'request' && cseq.method !== start.method)
    return fail('bad_cseq', `the CSeq method ${cseq.method} is not the request's method ${start.method}`, {
      field: 'CSeq',
      ...withPartial,
    });

  const lengths = headerValues({ headers }, 'Content-Length');
  let contentLength: number | undefined;
  for (const l of lengths) {
    if (!/^[0-9]{1,9}$/.test(l))
      return fail('bad_content_length', 'Content-Length must be a decimal number', { field: 'Content-Length', ...withPartial });
    const n = Number(l);
    if (contentLength !== undefined && contentLength !== n)
      return fail('bad_content_length', 'conflicting Content-Length headers', { field: 'Content-Length', ...withPartial });
    contentLength = n;
  }
  const available = buf.length - sep.bodyStart;
  if ((contentLength ?? 0) > maxBody || (contentLength === undefined && available > maxBody))
    return fail('body_too_large', `the body is larger than ${maxBody} bytes`, { field: 'Content-Length', ...withPartial });
  let body: Buffer;
  if (contentLength === undefined) body = options.framing === 'stream' ? Buffer.alloc(0) : buf.subarray(sep.bodyStart);
  else if (contentLength > available)
    return fail('body_truncated', `Content-Length announces ${contentLength} bytes, ${available} arrived`, {
      field: 'Content-Length',
      ...withPartial,
    });
  else body = buf.subarray(sep.bodyStart, sep.bodyStart + contentLength);
  // A copy: the message must not pin a large receive buffer (or change if the caller reuses it).
  body = Buffer.from(body);

  return E.right(
    start.kind === 'request'
      ? { kind: 'request', method: start.method, uri: start.uri, headers, body }
      : { kind: 'response', status: start.status, reason: start.reason, headers, body },
  );
};
