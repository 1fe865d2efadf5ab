import type { WorkflowContext } from '@selfprov/core';
import type { IvrDriver } from '@selfprov/ivr';
import type { Catalog } from '@selfprov/selfcare';
import * as E from 'fp-ts/lib/Either.js';
import type { AdminCall, HttpBackend } from './backend.js';
import { type ErrorLike, refusal } from './errors.js';
import type { RouteContext } from './route.js';

/** What every route module needs. */
export interface RouteDeps {
  readonly backend: HttpBackend;
  readonly ivr: IvrDriver;
  /** The envelope actor id of requests made with the admin token. */
  readonly adminId: string;
  /** The cluster devices auto-register in; default: the only cluster there is. */
  readonly clusterId?: string;
  /** Installed locales and audio sources shown in the portal. */
  readonly catalog: Catalog;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The command id of a request: an `Idempotency-Key` header makes a retried request
 * a no-op (same key, same command id); without one every request is new.
 */
export const commandIdOf = (context: RouteContext, operationId: string): E.Either<ErrorLike, string | undefined> => {
  const key = context.request.headers['idempotency-key'];
  if (key === undefined) return E.right(undefined);
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))
    return E.left({
      _tag: 'ValidationError',
      ...refusal('invalid_idempotency_key', 'the Idempotency-Key header must be 1-128 letters, digits, . _ : -', 'Idempotency-Key'),
    });
  return E.right(`http:${operationId}:${key}`);
};

/** The workflow context of an administrator's request. */
export const adminContext = (deps: RouteDeps, commandId: string | undefined): WorkflowContext => ({
  actor: { kind: 'administrator', id: deps.adminId },
  channel: 'admin-api',
  ...(commandId === undefined ? {} : { commandId }),
});

/** Who asks an administrator's credential operation: the same administrator, channel and command id as `adminContext`. */
export const adminCall = (deps: RouteDeps, commandId: string | undefined): AdminCall => ({
  administratorId: deps.adminId,
  channel: 'admin-api',
  ...(commandId === undefined ? {} : { commandId }),
});

/**
 * The cluster a request without one belongs to: the configured one, else the
 * only cluster of the store (`cluster_not_found` when there is none,
 * `cluster_ambiguous` when there are several).
 */
export const defaultCluster = async (deps: RouteDeps): Promise<E.Either<ErrorLike, string>> => {
  if (deps.clusterId !== undefined) return E.right(deps.clusterId);
  const caught = await deps.backend.selfProvisioning.readModels.catchUp()();
  if (E.isLeft(caught)) return caught;
  const clusters = deps.backend.selfProvisioning.readModels.clusters().filter((c) => c.exists);
  if (clusters.length === 1 && clusters[0] !== undefined) return E.right(clusters[0].clusterId);
  return E.left(
    clusters.length === 0
      ? { _tag: 'DomainError', ...refusal('cluster_not_found', 'no cluster is configured yet', 'clusterId') }
      : { _tag: 'DomainError', ...refusal('cluster_ambiguous', 'several clusters exist: give clusterId', 'clusterId') },
  );
};
