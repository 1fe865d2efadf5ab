import type { SipHeader } from '../message/model.js';
import { uriHost } from '../message/values.js';

// Headers of the IVR's answers.

/** The methods this server accepts (`Allow` of its answers to INVITE and OPTIONS, and of 405). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, INFO, OPTIONS, REGISTER';

/** A `Warning: 399` saying why, in words. */
export const warning = (host: string, text: string): SipHeader => ({
  name: 'Warning',
  value: `399 ${uriHost(host)} "${text.replace(/"/g, "'")}"`,
});
