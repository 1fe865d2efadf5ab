import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Transport security: the administrator's bearer token, the self-care session
 * cookie and its CSRF token.
 *
 * - Admin token: compared in constant time (both sides hashed to equal length).
 * - Session: the self-care token (32 random bytes, only its SHA-256 is in the
 *   log) travels in the cookie `selfprov_session`: `HttpOnly`, `SameSite=Strict`,
 *   `Path` = the mount point, and `Secure` when the request came over https
 *   (`secureCookies: 'auto'`, the default; behind a TLS-terminating proxy set
 *   Fastify's `trustProxy` so `X-Forwarded-Proto` counts). Over plain http
 *   (the localhost demo) the cookie cannot be `Secure`: a browser would drop it.
 * - CSRF: every state-changing self-care request carries `X-CSRF-Token`, equal to
 *   HMAC-SHA256(server secret, session token). The page gets it from the login
 *   answer and `GET /api/selfcare/session`; a cross-site page can neither read it
 *   nor compute it. `SameSite=Strict`, JSON-only bodies (a form cannot send
 *   them without a preflight) and the Origin check are further layers.
 */

export const SESSION_COOKIE = 'selfprov_session';
export const CSRF_HEADER = 'x-csrf-token';

/** A random token for `SELFPROV_ADMIN_TOKEN` (256 bits, base64url). */
export const generateAdminToken = (): string => randomBytes(32).toString('base64url');

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of two strings of any length. */
export const sameSecret = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

/** The bearer token of a request, if it has one. */
export const bearerOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ ]+([^\s]{1,512})\s*$/i.exec(header);
  return m?.[1];
};

export interface CsrfGuard {
  tokenFor(sessionToken: string): string;
  check(sessionToken: string, given: unknown): boolean;
}

/** CSRF tokens bound to the session: HMAC of the session token under a per-process (or configured) secret. */
export const csrfGuard = (secret: Uint8Array = randomBytes(32)): CsrfGuard => {
  const tokenFor = (sessionToken: string) => createHmac('sha256', secret).update(sessionToken, 'utf8').digest('base64url');
  return {
    tokenFor,
    check: (sessionToken, given) => typeof given === 'string' && given.length <= 128 && sameSecret(given, tokenFor(sessionToken)),
  };
};

export type SecureCookies = 'auto' | boolean;

export const cookieOptions = (request: FastifyRequest, path: string, secure: SecureCookies): CookieSerializeOptions => ({
  path,
  httpOnly: true,
  sameSite: 'strict',
  secure: secure === 'auto' ? request.protocol === 'https' : secure,
});

/** Sets the session cookie until the session expires. */
export const setSessionCookie = (
  reply: FastifyReply,
  request: FastifyRequest,
  token: string,
  expiresAt: string,
  path: string,
  secure: SecureCookies,
): void => {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request, path, secure), maxAge });
};

export const clearSessionCookie = (reply: FastifyReply, request: FastifyRequest, path: string, secure: SecureCookies): void => {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request, path, secure));
};

/** The session token of a request: the cookie (browsers) or, for API clients, `Authorization: Bearer`. */
export const sessionTokenOf = (request: FastifyRequest): { readonly token: string; readonly via: 'cookie' | 'bearer' } | undefined => {
  const cookie = (request.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  if (typeof cookie === 'string' && cookie.length > 0 && cookie.length <= 256) return { token: cookie, via: 'cookie' };
  const bearer = bearerOf(request);
  return bearer === undefined ? undefined : { token: bearer, via: 'bearer' };
};

/** Security headers of every answer (the portal's pages add a Content-Security-Policy). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Whether a request's `Origin` (when a browser sent one) is the server's own. */
export const sameOrigin = (request: FastifyRequest): boolean => {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
};
