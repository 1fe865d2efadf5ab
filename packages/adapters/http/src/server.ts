import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { httpError } from './errors.js';
import { type SelfprovHttpOptions, selfprovHttp } from './plugin.js';

/**
 * Fastify's router-level refusals (a malformed URL, a path parameter over
 * `maxParamLength`) in the API's error shape. A host application mounting the
 * plugin passes it as its own `frameworkErrors` option.
 */
export const selfprovFrameworkErrors = (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const { status, body } = httpError({
    _tag: 'ValidationError',
    code: tooLong ? 'path_parameter_too_long' : 'invalid_url',
    message: tooLong ? 'a path parameter is too long' : 'the URL is malformed',
    field: 'url',
  });
  void reply
    .code(tooLong ? 414 : status)
    .type('application/json; charset=utf-8')
    .send(body);
};

/** Options of a standalone server: the plugin's, and Fastify's logger and proxy trust. */
export interface HttpServerOptions extends SelfprovHttpOptions {
  /** Fastify's logger (default off). Request bodies, cookies and the Authorization header are never logged. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Trust `X-Forwarded-*` from a reverse proxy (needed for `Secure` cookies behind a TLS-terminating proxy). */
  readonly trustProxy?: boolean;
}

/** A Fastify instance with the whole transport mounted at `/`, ready (routes registered); not listening yet. */
export const createHttpServer = async (options: HttpServerOptions): Promise<FastifyInstance> => {
  const server = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    // On close: stop accepting, end idle keep-alive connections, let in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Call ids are up to 128 characters; longer parameters are refused by the router (414).
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: selfprovFrameworkErrors,
  });
  await server.register(selfprovHttp, options);
  await server.ready();
  return server;
};

export interface RunningServer {
  /** E.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  readonly server: FastifyInstance;
  /** Stops accepting connections, waits for in-flight requests, then closes the IVR driver. The backend stays open. */
  close(): Promise<void>;
}

/** Starts a standalone server on `host:port` (port 0: an ephemeral port). */
export const startHttpServer = async (
  options: HttpServerOptions & { readonly port?: number; readonly host?: string },
): Promise<RunningServer> => {
  const server = await createHttpServer(options);
  const host = options.host ?? '127.0.0.1';
  await server.listen({ port: options.port ?? 3000, host });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 3000);
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { url: `http://${shown}:${port}`, port, server, close: () => server.close() };
};
