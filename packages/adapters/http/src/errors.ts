/**
 * Errors on the wire: every refusal is `{ code, message, details }` with a 4xx
 * status; `details.field` names the input field at fault. A server-side failure
 * (store unavailable, a bug) is a 5xx with a generic message: the underlying text
 * (a driver's message, a stack) never leaves the process.
 */

/** What a handler may fail with: any tagged error of the library (`{ _tag?, code, message, field?, details? }`). */
export interface ErrorLike {
  readonly _tag?: string;
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** An error answer: status and body. */
export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
}

/** Codes with a fixed status (the rest follow the rules of {@link statusOf}). */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // 401: who are you?
  unauthorized: 401,
  not_authenticated: 401,
  session_expired: 401,
  invalid_credentials: 401,
  // 403: you may not
  forbidden: 403,
  not_owner: 403,
  feature_hidden: 403,
  not_authorized: 403,
  self_care_not_enabled: 403,
  subject_required: 403,
  csrf_token_invalid: 403,
  cross_origin_request: 403,
  current_password_wrong: 403,
  // 404
  not_found: 404,
  unknown_call: 404,
  unknown_line: 404,
  // 409: refused in the current state
  call_ended: 409,
  call_exists: 409,
  concurrent_modification: 409,
  idempotency_conflict: 409,
  credential_conflict_retries_exhausted: 409,
  cluster_ambiguous: 409,
  // 413, 415
  body_too_large: 413,
  unsupported_media_type: 415,
  // 423, 429
  account_locked: 423,
  login_throttled: 429,
  // 503: try again later
  store_unavailable: 503,
  store_closed: 503,
  directory_unavailable: 503,
  credentials_unavailable: 503,
  credential_store_unavailable: 503,
  throttle_store_unavailable: 503,
  hasher_failed: 503,
  shutting_down: 503,
};

/** Generic messages for server-side failures: their own text may hold a host name, a driver's message... */
const SERVER_MESSAGES: Readonly<Record<number, string>> = {
  500: 'an internal error occurred; it was logged',
  503: 'the service is unavailable; try again later',
};

/**
 * The status of an error. In order: a code with a fixed status; a `ValidationError`
 * (bad input: 400); a `*_not_found` code naming a path parameter of the route
 * (the addressed resource does not exist: 404); any other `DomainError` or
 * `*_not_found` (a rule refused the request in the current state, or a referenced
 * object is missing: 409); anything else is a server failure (500).
 */
export const statusOf = (error: ErrorLike, pathParams: readonly string[] = []): number => {
  const fixed = STATUS_BY_CODE[error.code];
  if (fixed !== undefined) return fixed;
  if (error.code === 'wrong_expected_version') return 409;
  if (error._tag === 'ValidationError') return 400;
  if (error.code.endsWith('_not_found')) return error.field !== undefined && pathParams.includes(error.field) ? 404 : 409;
  if (error._tag === 'DomainError') return 409;
  if (error._tag === 'CredentialPortError' || error._tag === 'SelfCarePortError') return 503;
  return 500;
};

/** Drops values that are not plain JSON data (functions, class instances): details come from library errors only. */
const plainDetails = (details: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> => {
  if (details === undefined) return {};
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** The answer for a library error. Server-side failures get a generic message and no details. */
export const httpError = (error: ErrorLike, pathParams: readonly string[] = []): HttpError => {
  const status = statusOf(error, pathParams);
  if (status >= 500) {
    const code = status === 503 ? (STATUS_BY_CODE[error.code] === 503 ? error.code : 'service_unavailable') : 'internal_error';
    return { status, body: { code, message: SERVER_MESSAGES[status] ?? SERVER_MESSAGES[500] ?? '', details: {} } };
  }
  // A conflict that survived the retries: the internals (stream names, versions) stay inside.
  if (error.code === 'wrong_expected_version')
    return {
      status,
      body: { code: 'concurrent_modification', message: 'the data changed while the request was handled; try again', details: {} },
    };
  const details = plainDetails(error.details);
  // Some codecs state only the rule ("must be ..."): the answer names the field too.
  const message = error.field !== undefined && /^must /.test(error.message) ? `${error.field} ${error.message}` : error.message;
  return {
    status,
    body: { code: error.code, message, details: error.field === undefined ? details : { field: error.field, ...details } },
  };
};

/** A refusal built by the transport itself (authentication, CSRF, routing...). */
export const refusal = (code: string, message: string, field?: string, details?: Record<string, unknown>): ErrorLike => ({
  code,
  message,
  ...(field === undefined ? {} : { field }),
  ...(details === undefined ? {} : { details }),
});
