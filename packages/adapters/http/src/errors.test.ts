import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { httpError, statusOf } from './index.js';

test('statuses: validation 400, fixed codes, not-found of a path parameter 404, other refusals 409, failures 5xx', () => {
  const cases: [Parameters<typeof statusOf>[0], readonly string[], number][] = [
    [{ _tag: 'ValidationError', code: 'invalid_input', message: 'm', field: 'mac' }, [], 400],
    [{ _tag: 'DomainError', code: 'not_owner', message: 'm', field: 'deviceName' }, ['deviceName'], 403],
    [{ _tag: 'DomainError', code: 'feature_hidden', message: 'm' }, [], 403],
    [{ _tag: 'DomainError', code: 'session_expired', message: 'm' }, [], 401],
    [{ _tag: 'DomainError', code: 'phone_not_found', message: 'm', field: 'deviceName' }, ['deviceName'], 404],
    [{ _tag: 'DomainError', code: 'cluster_not_found', message: 'm', field: 'clusterId' }, [], 409],
    [{ _tag: 'DomainError', code: 'dn_range_exhausted', message: 'm' }, [], 409],
    [{ _tag: 'WrongExpectedVersion', code: 'wrong_expected_version', message: 'm' }, [], 409],
    [{ _tag: 'DomainError', code: 'account_locked', message: 'm' }, [], 423],
    [{ _tag: 'StoreUnavailable', code: 'store_unavailable', message: 'm' }, [], 503],
    [{ _tag: 'CredentialPortError', code: 'hasher_failed', message: 'm' }, [], 503],
    [{ _tag: 'SubscriberFailed', code: 'subscriber_failed', message: 'm' }, [], 500],
  ];
  for (const [error, params, status] of cases) assert.is(statusOf(error, params), status, error.code);
});

test('answers: the field in details, a rule-only message names the field, 5xx say nothing of the cause', () => {
  assert.equal(
    httpError({
      _tag: 'ValidationError',
      code: 'invalid_input',
      message: 'must be 1 to 24 digits 0-9',
      field: 'dn',
      details: { expected: 'DN' },
    }),
    {
      status: 400,
      body: { code: 'invalid_input', message: 'dn must be 1 to 24 digits 0-9', details: { field: 'dn', expected: 'DN' } },
    },
  );
  const down = httpError({
    _tag: 'StoreUnavailable',
    code: 'store_unavailable',
    message: 'connect ECONNREFUSED db.internal:5432 as admin',
  });
  assert.is(down.status, 503);
  assert.not.ok(JSON.stringify(down).includes('db.internal'));
  const bug = httpError({ code: 'internal_error', message: 'TypeError: x is undefined at foo.ts:12' });
  assert.equal(bug, { status: 500, body: { code: 'internal_error', message: 'an internal error occurred; it was logged', details: {} } });
  const conflict = httpError({
    _tag: 'WrongExpectedVersion',
    code: 'wrong_expected_version',
    message: 'stream "user-alice" at 3',
    details: { streamId: 'user-alice' },
  });
  assert.equal(conflict.body.code, 'concurrent_modification');
  assert.not.ok(JSON.stringify(conflict).includes('user-alice'));
});

test.run();
