import type { ConfigurationAggregate, EndUserState, SelfProvisioning, WorkflowContext } from '@selfprov/core';
import { type AdministratorPrincipal, administrator } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import type { AdminCall } from '../../backend.js';
import { type BodyCodec, bodyOf, objectBody, shapeOf } from '../../codecs.js';
import { adminCall, adminContext, commandIdOf, type RouteDeps } from '../../deps.js';
import { type ErrorLike, refusal } from '../../errors.js';
import { CommandOutcome, commandAnswer, fail, ok } from '../../responses.js';
import type { Method, ParamSpec, RouteContext, RouteResult, RouteSpec } from '../../route.js';
import { pathParams } from '../../route.js';

/**
 * What the admin routes share: the path prefix, the route builders (`command`,
 * `get`), the read-model lookups that answer 404, and the one dependency record
 * every resource module (`clusters.ts`, `users.ts`, ...) builds its routes from.
 */

export const A = '/api/admin';

export const notFound = (code: string, what: string, field: string): ErrorLike => ({
  _tag: 'DomainError',
  ...refusal(code, `${what} does not exist`, field),
});

/** Parameter specs of a path, each validated by the codec of the command field of the same name. */
export const paramsFrom = (path: string, codec: t.Mixed | undefined, extra: Record<string, t.Mixed> = {}): Record<string, ParamSpec> => {
  const shape = codec === undefined ? undefined : shapeOf(codec);
  const out: Record<string, ParamSpec> = {};
  for (const name of pathParams(path)) {
    const c = extra[name] ?? shape?.required[name] ?? shape?.optional[name];
    if (c === undefined) throw new TypeError(`no codec for path parameter ${name} of ${path}`);
    out[name] = { codec: c };
  }
  return out;
};

/** Runs a task and answers 204 (no body). */
export const noContent = async (task: TE.TaskEither<ErrorLike, void>): Promise<RouteResult> => {
  const r = await task();
  return E.isLeft(r) ? r : ok(undefined, 204);
};

export const str = (ctx: RouteContext, name: string): string => String(ctx.params[name]);

export const secretBody = (name: string, field: string, codec: t.Mixed) => objectBody(name, { [field]: codec });

export const get = (
  path: string,
  operationId: string,
  summary: string,
  params: Record<string, t.Mixed>,
  handler: (ctx: RouteContext) => Promise<RouteResult>,
  response?: t.Mixed,
): RouteSpec => ({
  method: 'GET',
  path,
  operationId,
  summary,
  tag: 'admin',
  access: 'admin',
  params: Object.fromEntries(Object.entries(params).map(([k, codec]) => [k, { codec }])),
  status: 200,
  ...(response === undefined ? {} : { response }),
  errors: [401, 404],
  handler,
});

export interface CommandRoute {
  readonly method: Method;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly aggregate: ConfigurationAggregate | 'endUser';
  readonly codec: t.Mixed;
  /** The command type, or how to choose it from the body. */
  readonly type: string | ((body: Readonly<Record<string, unknown>>) => string);
  readonly body?: BodyCodec;
  /** Turns the body (and parameters) into the command's fields. */
  readonly fields?: (body: Readonly<Record<string, unknown>>) => Record<string, unknown>;
  readonly extraParams?: Record<string, t.Mixed>;
  readonly status?: number;
}

/** The dependency record every admin resource module builds its routes from (one per route table). */
export interface AdminRouteDeps {
  readonly deps: RouteDeps;
  readonly selfProvisioning: SelfProvisioning;
  readonly rm: SelfProvisioning['readModels'];
  /** Reads the read models after catching them up. */
  query<A>(read: () => A): Promise<E.Either<ErrorLike, A>>;
  /** Runs `run` with the workflow context of the request (its command id from `Idempotency-Key`). */
  withContext(ctx: RouteContext, operationId: string, run: (context: WorkflowContext) => Promise<RouteResult>): Promise<RouteResult>;
  /** Runs `run` with the administrator's call of the request (its command id from `Idempotency-Key`). */
  withCall(ctx: RouteContext, operationId: string, run: (call: AdminCall) => Promise<RouteResult>): Promise<RouteResult>;
  /** A route that sends one domain command: `{ type, ...body, ...params }`. */
  command(r: CommandRoute): RouteSpec;
  /** A configuration object by name from the read models, or 404 naming the path parameter. */
  byName<S extends { readonly exists: boolean }>(
    read: (name: string) => S | undefined,
    code: string,
    what: string,
    param: string,
  ): (ctx: RouteContext) => Promise<RouteResult>;
  /** An end user that exists, or 404 `user_not_found` naming `userId`. */
  existingUser(userId: string): Promise<E.Either<ErrorLike, EndUserState>>;
  /** The administrator principal of self-care's operations. */
  admin(): AdministratorPrincipal;
  /** Self-care's call options of the request (its command id from `Idempotency-Key`). */
  selfCareCall(ctx: RouteContext, operationId: string): Promise<E.Either<ErrorLike, { commandId: string } | undefined>>;
}

export const adminRouteDeps = (deps: RouteDeps): AdminRouteDeps => {
  const { selfProvisioning } = deps.backend;
  const rm = selfProvisioning.readModels;

  const query = async <A>(read: () => A): Promise<E.Either<ErrorLike, A>> => {
    const caught = await rm.catchUp()();
    return E.isLeft(caught) ? caught : E.right(read());
  };

  const withContext = async (
    ctx: RouteContext,
    operationId: string,
    run: (context: WorkflowContext) => Promise<RouteResult>,
  ): Promise<RouteResult> => {
    const id = commandIdOf(ctx, operationId);
    return E.isLeft(id) ? id : run(adminContext(deps, id.right));
  };

  const withCall = async (ctx: RouteContext, operationId: string, run: (call: AdminCall) => Promise<RouteResult>): Promise<RouteResult> => {
    const id = commandIdOf(ctx, operationId);
    return E.isLeft(id) ? id : run(adminCall(deps, id.right));
  };

  const command = (r: CommandRoute): RouteSpec => {
    const fromPath = pathParams(r.path);
    return {
      method: r.method,
      path: r.path,
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description === undefined ? {} : { description: r.description }),
      tag: 'admin',
      access: 'admin',
      params: paramsFrom(r.path, r.codec, r.extraParams),
      body: r.body ?? bodyOf(`${r.operationId}Body`, r.codec, fromPath),
      status: r.status ?? 200,
      response: CommandOutcome,
      errors: [401, 404, 409],
      handler: (ctx) =>
        withContext(ctx, r.operationId, (context) => {
          const type = typeof r.type === 'string' ? r.type : r.type(ctx.body);
          const input = { type, ...(r.fields ? r.fields(ctx.body) : ctx.body), ...ctx.params };
          return commandAnswer(
            r.aggregate === 'endUser' ? selfProvisioning.endUser(input, context) : selfProvisioning.configure(r.aggregate, input, context),
            r.status,
          );
        }),
    };
  };

  const byName =
    <S extends { readonly exists: boolean }>(read: (name: string) => S | undefined, code: string, what: string, param: string) =>
    async (ctx: RouteContext): Promise<RouteResult> => {
      const found = await query(() => read(str(ctx, param)));
      if (E.isLeft(found)) return found;
      return found.right?.exists ? ok(found.right) : fail(notFound(code, `${what} ${str(ctx, param)}`, param));
    };

  const existingUser = async (userId: string): Promise<E.Either<ErrorLike, EndUserState>> => {
    const user = await selfProvisioning.user(userId)();
    if (E.isLeft(user)) return user;
    return user.right?.exists ? E.right(user.right) : E.left(notFound('user_not_found', `end user ${userId}`, 'userId'));
  };

  const admin = () => administrator(deps.adminId, undefined, 'admin-api');
  const selfCareCall = async (ctx: RouteContext, operationId: string) => {
    const id = commandIdOf(ctx, operationId);
    return E.map((commandId: string | undefined) => (commandId === undefined ? undefined : { commandId }))(id);
  };

  return { deps, selfProvisioning, rm, query, withContext, withCall, command, byName, existingUser, admin, selfCareCall };
};
