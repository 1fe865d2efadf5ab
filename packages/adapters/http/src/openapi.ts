import type * as t from 'io-ts';
import { type JsonSchema, toJsonSchema } from './jsonSchema.js';
import { ErrorResponse } from './responses.js';
import type { RouteSpec } from './route.js';
import { CSRF_HEADER, SESSION_COOKIE } from './security.js';

/**
 * The OpenAPI 3.1 document of the API, generated from the route table: paths,
 * parameters and request bodies from the codecs that validate them, success
 * answers from the answer codecs, the error answers each route may give, and the
 * security of each route.
 */

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export interface OpenApiResult {
  readonly document: JsonSchema;
  /** Codec names the JSON Schema converter could not read (kept empty by a test). */
  readonly unresolved: readonly string[];
}

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'invalid input: `details.field` names the field (nothing was recorded)',
  401: 'not authenticated: missing or wrong token, no or expired session, wrong credentials',
  403: 'not allowed: not your resource (`not_owner`), feature hidden by the operator (`feature_hidden`), CSRF token missing or wrong',
  404: 'the addressed resource does not exist',
  409: 'refused by a rule in the current state (e.g. `mac_already_registered`, `dn_range_exhausted`, `forward_loop`), or a concurrent change',
  413: 'the body is too large',
  415: 'the body must be JSON (`Content-Type: application/json`)',
  423: 'the account is locked after too many failures (`details.until`)',
  429: 'too many attempts; try later',
  503: 'the store (or another dependency) is unavailable; try again later',
};

const securityOf = (route: RouteSpec): readonly Record<string, readonly string[]>[] | undefined => {
  switch (route.access) {
    case 'admin':
      return [{ adminToken: [] }];
    case 'session':
      return route.method === 'GET'
        ? [{ sessionCookie: [] }, { sessionBearer: [] }]
        : [{ sessionCookie: [], csrfToken: [] }, { sessionBearer: [] }];
    case 'ivr':
      return [{ ivrToken: [] }, {}];
    default:
      return undefined;
  }
};

/** Builds the document for routes mounted under `prefix`. */
export const openApiDocument = (routes: readonly RouteSpec[], info: OpenApiInfo, prefix = ''): OpenApiResult => {
  const unresolved = new Set<string>();
  const schema = (codec: t.Mixed): JsonSchema => {
    const r = toJsonSchema(codec);
    for (const u of r.unresolved) unresolved.add(u);
    return r.schema;
  };
  const errorRef = { $ref: '#/components/schemas/Error' };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${prefix}${route.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}') || '/';
    const parameters = Object.entries(route.params ?? {}).map(([name, p]) => {
      const s = schema(p.codec);
      return {
        name,
        in: 'path',
        required: true,
        ...(p.description === undefined ? {} : { description: p.description }),
        schema: p.integer && s.type !== 'integer' ? { type: 'integer' } : s,
      };
    });
    const responses: Record<string, unknown> = {};
    responses[String(route.status)] =
      route.status === 204
        ? { description: 'done (nothing to answer)' }
        : route.produces !== undefined
          ? { description: route.responseDescription ?? 'the page', content: { [route.produces]: { schema: { type: 'string' } } } }
          : {
              description: route.responseDescription ?? 'success',
              content: { 'application/json': { schema: route.response ? schema(route.response) : { type: 'object' } } },
            };
    const statuses = new Set<number>(route.errors ?? []);
    if (route.body !== undefined || (route.params !== undefined && Object.keys(route.params).length > 0)) statuses.add(400);
    if (route.body !== undefined) {
      statuses.add(413);
      statuses.add(415);
    }
    if (route.access === 'admin' || route.access === 'session') statuses.add(401);
    if (route.tag !== 'system' || route.path === '/healthz') statuses.add(503);
    for (const status of [...statuses].sort()) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? 'error',
        content: { 'application/json': { schema: errorRef } },
      };
    }
    const security = securityOf(route);
    const operation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body === undefined
        ? {}
        : { requestBody: { required: true, content: { 'application/json': { schema: schema(route.body) } } } }),
      responses,
      ...(security === undefined ? {} : { security }),
    };
    paths[path] = { ...(paths[path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  const document = {
    openapi: '3.1.0',
    info,
    tags: [
      { name: 'system', description: 'health and this document' },
      { name: 'admin', description: 'administration (bearer token SELFPROV_ADMIN_TOKEN)' },
      { name: 'devices', description: 'device auto-registration' },
      { name: 'ivr', description: 'the IVR webhook transport' },
      { name: 'selfcare', description: 'the self-care API (session cookie; X-CSRF-Token on state-changing requests)' },
    ],
    paths,
    components: {
      schemas: { Error: schema(ErrorResponse) },
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'the administrator token (SELFPROV_ADMIN_TOKEN)' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'set by POST /api/selfcare/login' },
        sessionBearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'the session token, for API clients without cookies (no CSRF token needed)',
        },
        csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'answered by login and GET /api/selfcare/session' },
        ivrToken: { type: 'http', scheme: 'bearer', description: 'required when the server has an IVR token (SELFPROV_IVR_TOKEN)' },
      },
    },
  };
  return { document, unresolved: [...unresolved] };
};
