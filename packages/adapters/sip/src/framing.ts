import * as E from 'fp-ts/lib/Either.js';
import type { SipMessage } from './message/model.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  type ParseOptions,
  parseSipMessage,
  type SipParseError,
} from './message/parse.js';

/**
 * Cuts a TCP byte stream into SIP messages (RFC 3261 section 18.3): headers up
 * to the empty line, then exactly `Content-Length` bytes of body (no
 * `Content-Length`: no body). RFC 5626 keep-alives (a lone CRLF CRLF "ping")
 * between messages are reported so the server can answer the CRLF "pong".
 *
 * A well-framed but invalid message is reported and framing goes on. When the
 * framing itself is lost (bad `Content-Length`, oversized headers or body) the
 * stream cannot be resynchronised: the framer reports a fatal error once and
 * refuses further input (the server answers 400 if it can, then closes).
 */
export type FramedItem =
  | { readonly kind: 'message'; readonly message: SipMessage }
  | { readonly kind: 'ping' }
  /** `fatal`: the framing is lost (the connection must close); otherwise one well-framed message was invalid. */
  | { readonly kind: 'error'; readonly error: SipParseError; readonly fatal: boolean };

export interface StreamFramer {
  /** Feeds received bytes; returns every complete item they finish. */
  push(chunk: Buffer): FramedItem[];
  /** Bytes held waiting for the rest of a message. */
  buffered(): number;
  /** True after an error: the connection must be closed. */
  readonly failed: boolean;
}

const streamError = (code: SipParseError['code'], message: string): SipParseError => ({ _tag: 'SipParseError', code, message });

export const createStreamFramer = (options: Omit<ParseOptions, 'framing'> = {}): StreamFramer => {
  const maxMessage = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let buf: Buffer = Buffer.alloc(0);
  let failed = false;

  const headerEnd = (b: Buffer): { end: number; bodyStart: number } | undefined => {
    for (let i = 0; i < b.length - 1; i++) {
      if (b[i] !== 0x0a) continue;
      if (b[i + 1] === 0x0a) return { end: i, bodyStart: i + 2 };
      if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return { end: i, bodyStart: i + 3 };
    }
    return undefined;
  };

  const next = (): FramedItem | undefined => {
    // Keep-alive: CRLF CRLF between messages (RFC 5626 section 3.5.1). A lone CRLF is ignored.
    let skipped = 0;
    while (skipped < buf.length && (buf[skipped] === 0x0d || buf[skipped] === 0x0a)) skipped++;
    // Only line ends so far, fewer than a ping's four: the rest of the ping may be in the next chunk.
    if (skipped === buf.length && skipped < 4) return undefined;
    if (skipped > 0) {
      const ping = buf.subarray(0, skipped).toString('latin1').includes('\r\n\r\n');
      buf = buf.subarray(skipped);
      if (ping) return { kind: 'ping' };
    }
    if (buf.length === 0) return undefined;
    const sep = headerEnd(buf);
    if (sep === undefined) {
      if (buf.length > maxMessage)
        return { kind: 'error', error: streamError('too_large', `the headers exceed ${maxMessage} bytes`), fatal: true };
      return undefined;
    }
    const head = buf.subarray(0, sep.end).toString('utf8');
    const lengths = [...head.matchAll(/^(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)$/gim)].map((m) => (m[1] ?? '').trim());
    let length = 0;
    for (const [i, l] of lengths.entries()) {
      if (!/^[0-9]{1,9}$/.test(l) || (i > 0 && Number(l) !== length)) {
        // Parse what there is, so the error carries the partial request the server answers 400 to.
        const parsed = parseSipMessage(buf.subarray(0, sep.bodyStart), { ...options, framing: 'stream' });
        return {
          kind: 'error',
          error: E.isLeft(parsed) ? parsed.left : streamError('bad_content_length', 'Content-Length must be one decimal number'),
          fatal: true,
        };
      }
      length = Number(l);
    }
    if (length > maxBody || sep.bodyStart + length > maxMessage) {
      const parsed = parseSipMessage(buf.subarray(0, sep.bodyStart), { ...options, framing: 'stream' });
      const partial = E.isLeft(parsed) ? parsed.left.partial : parsed.right.kind === 'request' ? parsed.right : undefined;
      return {
        kind: 'error',
        error: {
          ...streamError('body_too_large', `the body is larger than ${maxBody} bytes`),
          field: 'Content-Length',
          ...(partial ? { partial: { ...partial, body: Buffer.alloc(0) } } : {}),
        },
        fatal: true,
      };
    }
    if (buf.length < sep.bodyStart + length) return undefined;
    const message = buf.subarray(0, sep.bodyStart + length);
    buf = buf.subarray(sep.bodyStart + length);
    const parsed = parseSipMessage(message, { ...options, framing: 'stream' });
    return E.isLeft(parsed) ? { kind: 'error', error: parsed.left, fatal: false } : { kind: 'message', message: parsed.right };
  };

  return {
    push: (chunk) => {
      if (failed) return [];
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const items: FramedItem[] = [];
      for (;;) {
        const item = next();
        if (item === undefined) break;
        items.push(item);
        if (item.kind === 'error' && item.fatal) {
          failed = true;
          buf = Buffer.alloc(0);
          break;
        }
      }
      // Copy the remainder: a small tail must not pin a large chunk.
      if (buf.length > 0 && buf.buffer.byteLength > buf.length * 4) buf = Buffer.from(buf);
      return items;
    },
    buffered: () => buf.length,
    get failed() {
      return failed;
    },
  };
};
