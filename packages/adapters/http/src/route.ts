import type { UserPrincipal } from '@selfprov/selfcare';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { Body, BodyCodec } from './codecs.js';
import type { ErrorLike } from './errors.js';

/**
 * One route of the API, as data: method, path, who may call it, the codecs of its
 * parameters and body, and its handler. The plugin registers the table with
 * Fastify, and `/openapi.json` is generated from the same table.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone (`none`), the administrator (`admin`: bearer
 * token), a logged-in self-care user (`session`: cookie + CSRF header on
 * state-changing methods), the telephony side (`ivr`: bearer token when one is
 * configured, else anyone).
 */
export type Access = 'none' | 'admin' | 'session' | 'ivr';

/** A path parameter: validated by the domain codec `codec`; `integer` ones are parsed from digits first. */
export interface ParamSpec {
  readonly codec: t.Mixed;
  readonly integer?: boolean;
  readonly description?: string;
}

/** What a handler sees. */
export interface RouteContext {
  readonly params: Readonly<Record<string, string | number>>;
  readonly body: Body;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  /** The self-care user, on `session` routes. */
  readonly principal?: UserPrincipal;
  /** The session's CSRF token, on `session` routes. */
  readonly csrfToken?: string;
}

/** A successful answer: status (default: the route's) and JSON body (none for 204), or a page with its content type. */
export interface Answer {
  readonly status?: number;
  readonly body?: unknown;
  /** Set for non-JSON answers (the portal's pages): `body` is sent as is. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteResult = E.Either<ErrorLike, Answer>;

export interface RouteSpec {
  readonly method: Method;
  /** Fastify syntax (`/api/admin/phones/:deviceName`), relative to the plugin's prefix. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'system' | 'admin' | 'devices' | 'ivr' | 'selfcare';
  readonly access: Access;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  /** The body codec; absent: the route takes no body (anything sent is ignored). */
  readonly body?: BodyCodec;
  /** The success status. */
  readonly status: number;
  /** The success body, for the documentation. */
  readonly response?: t.Mixed;
  /** The success content type when not JSON (the portal's pages). */
  readonly produces?: string;
  readonly responseDescription?: string;
  /** Error statuses the route may answer besides 400 (documentation). */
  readonly errors?: readonly number[];
  readonly handler: (context: RouteContext) => Promise<RouteResult>;
}

/** Fastify's `:name` parameters of a path. */
export const pathParams = (path: string): string[] => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
