import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CredentialPortError } from '../../credentials/errors.js';
import type { StoreError } from '../../kernel/eventstore/errors.js';
import { withTimeout } from '../events.js';

/**
 * Contract suites of the security ports (docs/architecture.md, "Secrets, personal data, integrity"): `CredentialStore`,
 * `ThrottleStore` and `KeyStore`. The in-memory implementations are the reference; a durable
 * adapter must answer exactly as they do, also under concurrency.
 */

/** What an adapter author supplies to run one of the security contract suites. */
export interface SecurityStoreHarness<S> {
  /** A store for one test. It may share its database with other tests: the suites use fresh subjects and keys. */
  create(): Promise<S>;
  /** Called after each test with the store it used (close connections, drop files or schemas...). */
  dispose?(store: S): Promise<void>;
  /** Per-operation timeout in ms (default 10,000): a hang fails the test. */
  timeoutMs?: number;
  /** fast-check runs per property (default 25). */
  numRuns?: number;
}

export type AnyError = CredentialPortError | StoreError;

export const unwrap = <A>(r: E.Either<AnyError, A>, what: string): A => {
  if (E.isLeft(r)) assert.unreachable(`${what} failed: ${r.left.code}: ${r.left.message}`);
  return (r as E.Right<A>).right;
};

export const errorOf = <A>(r: E.Either<AnyError, A>, what: string): AnyError => {
  if (E.isRight(r)) assert.unreachable(`${what} should have failed, got ${JSON.stringify(r.right).slice(0, 200)}`);
  return (r as E.Left<AnyError>).left;
};

/** Builds the uvu suite shared by the three contracts: a fresh store per test, disposed after it. */
export const securitySuite = <S>(title: string, harness: SecurityStoreHarness<S>) => {
  const timeout = harness.timeoutMs ?? 10_000;
  const test = suite<{ store: S }>(title, { store: undefined as unknown as S });
  test.before.each(async (ctx) => {
    ctx.store = await withTimeout(harness.create(), timeout, 'create store');
  });
  test.after.each(async (ctx) => {
    await harness.dispose?.(ctx.store);
  });
  const t = <A>(p: Promise<A>, what = 'operation') => withTimeout(p, timeout, what);
  return { test, t, numRuns: harness.numRuns ?? 25 };
};
