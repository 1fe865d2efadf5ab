import fastifyCookie from '@fastify/cookie';
import { decodeWith, type ValidationError } from '@selfprov/core';
import { createIvrDriver, type IvrDriver, runtimeScheduler } from '@selfprov/ivr';
import { type Catalog, defaultCatalog, type UserPrincipal } from '@selfprov/selfcare';
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { HttpBackend } from './backend.js';
import type { Body } from './codecs.js';
import type { RouteDeps } from './deps.js';
import { type ErrorLike, httpError, refusal } from './errors.js';
import { type OpenApiInfo, type OpenApiResult, openApiDocument } from './openapi.js';
import { portalRoutes } from './portal.js';
import { Health, ok } from './responses.js';
import type { Answer, ParamSpec, RouteContext, RouteSpec } from './route.js';
import { pathParams } from './route.js';
import { adminRoutes } from './routes/admin/index.js';
import { selfCareRoutes } from './routes/selfcare.js';
import { telephonyRoutes } from './routes/telephony.js';
import {
  bearerOf,
  CSRF_HEADER,
  type CsrfGuard,
  csrfGuard,
  SECURITY_HEADERS,
  type SecureCookies,
  sameOrigin,
  sameSecret,
  sessionTokenOf,
} from './security.js';

/** Options of the {@link selfprovHttp} plugin. */
export interface SelfprovHttpOptions {
  /** The assembled backend (`createSelfprov` of `@selfprov/app`). */
  readonly backend: HttpBackend;
  /** The administrator's bearer token (at least 16 characters; `generateAdminToken()` makes one). */
  readonly adminToken: string;
  /** When set, the IVR webhook requires it as a bearer token. */
  readonly ivrToken?: string;
  /** The envelope actor id recorded for admin-API changes. Default `admin-api`. */
  readonly adminId?: string;
  /** The cluster devices auto-register in. Default: the only cluster of the store. */
  readonly clusterId?: string;
  /** `Secure` on the session cookie: `'auto'` (default) when the request came over https. */
  readonly secureCookies?: SecureCookies;
  /** Key of the CSRF tokens; default: random per process (tokens then change on restart: the page asks again). */
  readonly csrfSecret?: Uint8Array;
  /** Locales and audio sources offered by the portal; default: self-care's default catalog. */
  readonly catalog?: Catalog;
  /** Serve the web portal at the mount point (default true). */
  readonly portal?: boolean;
  /** The IVR session driver; default: one over the backend's gateway and store, in real time (closed with the server). */
  readonly ivr?: IvrDriver;
  /** Largest request body in bytes (default 64 KiB). */
  readonly bodyLimit?: number;
  /** `info` of the OpenAPI document. */
  readonly info?: Partial<OpenApiInfo>;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const validation = (code: string, field: string, message: string): ErrorLike => ({ _tag: 'ValidationError', code, field, message });

/** Decodes one path parameter with its domain codec; the error names the parameter. */
const decodeParam = (name: string, spec: ParamSpec, raw: unknown): E.Either<ErrorLike, string | number> => {
  let value: unknown = raw;
  if (typeof raw !== 'string') return E.left(validation('invalid_input', name, `${name} is required`));
  if (spec.integer) {
    if (!/^[0-9]{1,9}$/.test(raw)) return E.left(validation('invalid_input', name, `${name} must be a positive integer`));
    value = Number(raw);
  }
  const r = spec.codec.validate(value, [
    { key: '', type: spec.codec, actual: value },
    { key: name, type: spec.codec, actual: value },
  ]);
  if (E.isRight(r)) return E.right(r.right as string | number);
  const message = r.left[0]?.message ?? 'is invalid';
  return E.left(validation('invalid_input', name, message.startsWith(name) ? message : `${name} ${message}`));
};

/** Fastify's own refusals (body parsing, limits) as API errors. */
const frameworkError = (error: FastifyError): ErrorLike | undefined => {
  const status = error.statusCode ?? 500;
  if (status >= 500) return undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? refusal('unsupported_media_type', 'the body must be JSON: send Content-Type: application/json', 'body')
        : validation('invalid_body', 'body', 'the body length does not match Content-Length');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refusal('body_too_large', 'the body is too large', 'body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return validation('invalid_json', 'body', 'the body is empty but Content-Type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return validation('invalid_json', 'body', 'the body is not valid JSON');
    default:
      // Invalid JSON (SyntaxError), proto-poisoning and other 4xx of the parser: never echo their text.
      return status === 413
        ? refusal('body_too_large', 'the body is too large', 'body')
        : status === 415
          ? refusal('unsupported_media_type', 'the body must be JSON: send Content-Type: application/json', 'body')
          : validation(
              status === 400 ? 'invalid_json' : 'bad_request',
              'body',
              status === 400 ? 'the body is not valid JSON' : 'the request is malformed',
            );
  }
};

const sendError = (reply: FastifyReply, error: ErrorLike, params: readonly string[] = []) => {
  const { status, body } = httpError(error, params);
  if (status === 401 && body.code === 'unauthorized') reply.header('www-authenticate', 'Bearer realm="selfprov"');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
};

const DEFAULT_INFO: OpenApiInfo = {
  title: 'selfprov HTTP API',
  version: '0.1.0',
  description:
    'Phone self-provisioning and self-care: administration, device auto-registration, the IVR webhook transport and the self-care API.',
};

interface TableContext {
  readonly ivr: IvrDriver;
  readonly csrf: CsrfGuard;
  readonly prefix: string;
  readonly secureCookies: SecureCookies;
}

/** Every route of the plugin, as data (`document` answers `/openapi.json`). */
const routeTable = (options: SelfprovHttpOptions, context: TableContext, document: () => unknown): RouteSpec[] => {
  const { backend } = options;
  const { prefix } = context;
  const base = `${prefix}/`;
  const deps: RouteDeps = {
    backend,
    ivr: context.ivr,
    adminId: options.adminId ?? 'admin-api',
    ...(options.clusterId === undefined ? {} : { clusterId: options.clusterId }),
    catalog: options.catalog ?? defaultCatalog,
  };
  const system: RouteSpec[] = [
    {
      method: 'GET',
      path: '/healthz',
      operationId: 'health',
      summary: 'Liveness and store reachability',
      tag: 'system',
      access: 'none',
      status: 200,
      response: Health,
      errors: [503],
      handler: async () => {
        const probe = await backend.events.readAll({ direction: 'backward', maxCount: 1 })();
        return E.isLeft(probe) ? probe : ok({ status: 'ok' });
      },
    },
    {
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: "This API's OpenAPI 3.1 document, generated from the route table and its codecs",
      tag: 'system',
      access: 'none',
      status: 200,
      handler: async () => ok(document()),
    },
  ];
  return [
    ...system,
    ...(options.portal === false ? [] : portalRoutes(base)),
    ...adminRoutes(deps),
    ...telephonyRoutes(deps),
    ...selfCareRoutes(deps, { csrf: context.csrf, secureCookies: context.secureCookies, cookiePath: base === '/' ? '/' : prefix }),
  ];
};

/**
 * The OpenAPI document of the plugin mounted at `prefix`, and the names of codecs
 * the converter could not read (empty: a test keeps it so).
 */
export const selfprovOpenApi = (options: SelfprovHttpOptions, prefix = ''): OpenApiResult => {
  const ivr = options.ivr ?? createIvrDriver({ gateway: options.backend.ivrGateway, store: options.backend.events });
  try {
    const routes: RouteSpec[] = [];
    const clean = prefix.replace(/\/$/, '');
    const info = { ...DEFAULT_INFO, ...options.info };
    routes.push(...routeTable(options, { ivr, csrf: csrfGuard(), prefix: clean, secureCookies: 'auto' }, () => undefined));
    return openApiDocument(routes, info, clean);
  } finally {
    if (options.ivr === undefined) ivr.close();
  }
};

/**
 * The whole HTTP transport as a Fastify plugin: the admin API, device
 * auto-registration, the IVR webhook, the self-care API, `/healthz`,
 * `/openapi.json` and the web portal. Encapsulated: a host application registers
 * it under a prefix next to its own routes (`host.register(selfprovHttp, { prefix:
 * '/selfprov', backend, adminToken })`); its error handler, cookie parser and
 * headers apply to its own routes only.
 */
export const selfprovHttp: FastifyPluginAsync<SelfprovHttpOptions> = async (fastify: FastifyInstance, options: SelfprovHttpOptions) => {
  if (typeof options.adminToken !== 'string' || options.adminToken.length < 16)
    throw new RangeError('adminToken must be at least 16 characters (generateAdminToken() makes one)');
  const backend = options.backend;
  const prefix = fastify.prefix.replace(/\/$/, '');
  const ownDriver = options.ivr === undefined;
  const ivr =
    options.ivr ?? createIvrDriver({ gateway: backend.ivrGateway, store: backend.events, scheduler: runtimeScheduler(backend.runtime) });
  if (ownDriver) fastify.addHook('onClose', async () => ivr.close());
  const secureCookies = options.secureCookies ?? 'auto';
  const csrf = csrfGuard(options.csrfSecret);
  const bodyLimit = options.bodyLimit ?? 64 * 1024;

  if (!fastify.hasRequestDecorator('cookies')) await fastify.register(fastifyCookie);
  // JSON bodies only: a cross-site form can post text/plain without a preflight.
  fastify.removeContentTypeParser('text/plain');

  const info: OpenApiInfo = { ...DEFAULT_INFO, ...options.info };
  const routes: RouteSpec[] = [];
  let document: unknown;
  // The document is built once, on first request, from the very table registered below.
  routes.push(
    ...routeTable(options, { ivr, csrf, prefix, secureCookies }, () => (document ??= openApiDocument(routes, info, prefix).document)),
  );

  fastify.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (request.url.startsWith(`${prefix}/api/`)) reply.header('cache-control', 'no-store');
  });
  // Graceful shutdown: once the server is closing, answers to requests still in flight end their
  // keep-alive connection, so closing waits for those requests and not for idle sockets.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const known = frameworkError(error);
    if (known) return sendError(reply, known);
    // A bug: logged here with its stack; the answer says nothing about it.
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, { code: 'internal_error', message: 'internal error' });
  });
  fastify.setNotFoundHandler((_request, reply) => sendError(reply, refusal('not_found', 'no such route', 'url')));

  const authorize = async (
    route: RouteSpec,
    request: FastifyRequest,
  ): Promise<E.Either<ErrorLike, { principal?: UserPrincipal; csrfToken?: string }>> => {
    switch (route.access) {
      case 'admin': {
        const token = bearerOf(request);
        return token !== undefined && sameSecret(token, options.adminToken)
          ? E.right({})
          : E.left(refusal('unauthorized', 'this route needs the administrator token: Authorization: Bearer <token>', 'authorization'));
      }
      case 'ivr': {
        if (options.ivrToken === undefined) return E.right({});
        const token = bearerOf(request);
        return token !== undefined && sameSecret(token, options.ivrToken)
          ? E.right({})
          : E.left(refusal('unauthorized', 'this route needs the IVR token: Authorization: Bearer <token>', 'authorization'));
      }
      case 'session': {
        const session = sessionTokenOf(request);
        if (session === undefined) return E.left(refusal('not_authenticated', 'log in first', 'session'));
        if (session.via === 'cookie' && STATE_CHANGING.has(route.method)) {
          if (!sameOrigin(request)) return E.left(refusal('cross_origin_request', 'cross-origin requests are refused', 'origin'));
          if (!csrf.check(session.token, request.headers[CSRF_HEADER]))
            return E.left(refusal('csrf_token_invalid', `send the session's CSRF token in the ${CSRF_HEADER} header`, CSRF_HEADER));
        }
        const principal = await backend.selfCare.authenticate(session.token)();
        if (E.isLeft(principal)) return principal;
        return E.right({ principal: { ...principal.right, channel: 'selfcare' }, csrfToken: csrf.tokenFor(session.token) });
      }
      default:
        if (route.tag === 'selfcare' && STATE_CHANGING.has(route.method) && !sameOrigin(request))
          return E.left(refusal('cross_origin_request', 'cross-origin requests are refused', 'origin'));
        return E.right({});
    }
  };

  for (const route of routes) {
    const names = pathParams(route.path);
    fastify.route({
      method: route.method,
      url: route.path,
      bodyLimit,
      handler: async (request, reply) => {
        const access = await authorize(route, request);
        if (E.isLeft(access)) return sendError(reply, access.left, names);
        const params: Record<string, string | number> = {};
        for (const [name, spec] of Object.entries(route.params ?? {})) {
          const decoded = decodeParam(name, spec, (request.params as Record<string, unknown>)[name]);
          if (E.isLeft(decoded)) return sendError(reply, decoded.left, names);
          params[name] = decoded.right;
        }
        let body: Body = {};
        if (route.body !== undefined) {
          const decoded = decodeWith(route.body as t.Type<Body, unknown, unknown>)(request.body === undefined ? {} : request.body);
          if (E.isLeft(decoded)) return sendError(reply, decoded.left satisfies ValidationError, names);
          body = decoded.right;
        }
        const context: RouteContext = {
          params,
          body,
          request,
          reply,
          ...(access.right.principal === undefined ? {} : { principal: access.right.principal }),
          ...(access.right.csrfToken === undefined ? {} : { csrfToken: access.right.csrfToken }),
        };
        const result = await route.handler(context);
        if (E.isLeft(result)) return sendError(reply, result.left, names);
        const a: Answer = result.right;
        reply.code(a.status ?? route.status);
        if (a.headers) reply.headers(a.headers);
        if (a.contentType !== undefined) return reply.type(a.contentType).send(a.body);
        if ((a.status ?? route.status) === 204 || a.body === undefined) return reply.send();
        return reply.type('application/json; charset=utf-8').send(a.body);
      },
    });
  }
};
