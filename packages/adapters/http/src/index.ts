/**
 * @selfprov/http: the HTTP transport of selfprov on Fastify. The admin API
 * (bearer token), device auto-registration, the IVR webhook transport, the
 * self-care API (session cookie, CSRF token) and web portal, `/healthz` and
 * `/openapi.json` generated from the route table and its io-ts codecs.
 * @packageDocumentation
 */
export type { AdminCall, AdminCredentialOperations, HttpBackend } from './backend.js';
export { bodyOf, shapeOf } from './codecs.js';
export { type ErrorBody, type ErrorLike, type HttpError, httpError, STATUS_BY_CODE, statusOf } from './errors.js';
export { type Conversion, type JsonSchema, toJsonSchema } from './jsonSchema.js';
export { type OpenApiInfo, type OpenApiResult, openApiDocument } from './openapi.js';
export { type SelfprovHttpOptions, selfprovHttp, selfprovOpenApi } from './plugin.js';
export type { Access, Answer, RouteContext, RouteSpec } from './route.js';
export { CSRF_HEADER, generateAdminToken, SESSION_COOKIE } from './security.js';
export { createHttpServer, type HttpServerOptions, type RunningServer, selfprovFrameworkErrors, startHttpServer } from './server.js';
