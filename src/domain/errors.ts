// The one registry of error codes users can match on: `{code, message}` with its HTTP status.
// Anything thrown that is not a HeraldError is an internal error and answers 500 without details.

export const ERRORS = {
  bad_request: { status: 400, message: 'The request is malformed' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON' },
  json_too_deep: { status: 400, message: 'The JSON body is nested too deeply' },
  validation_failed: { status: 400, message: 'The request does not match the schema' },
  invalid_string: { status: 400, message: 'A string contains a NUL character or a lone UTF-16 surrogate, which Herald cannot store' },
  invalid_number: { status: 400, message: 'A number is not finite (beyond the range of a double)' },
  invalid_cursor: { status: 400, message: 'The cursor is not a nextCursor this list returned' },
  unauthorized: { status: 401, message: 'A valid API key is required' },
  forbidden: { status: 403, message: 'This API key may not do that' },
  csrf_failed: {
    status: 403,
    message:
      'A state-changing request signed in by the session cookie must send the X-CSRF-Token header (the csrfToken of POST /v1/sessions or GET /v1/session)',
  },
  portal_link_expired: { status: 401, message: 'This portal link has expired; ask for a new one' },
  portal_link_used: { status: 401, message: 'This portal link was already used; each link opens one session; ask for a new one' },
  ip_not_allowed: { status: 403, message: "This API key may not be used from the caller's address" },
  not_found: { status: 404, message: 'No such resource' },
  route_not_found: { status: 404, message: 'No such route' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  conflict: { status: 409, message: 'The resource already exists' },
  idempotency_conflict: { status: 409, message: 'The idempotency key was used with a different request' },
  payload_too_large: { status: 413, message: 'The request body is too large' },
  uri_too_long: { status: 414, message: 'A path parameter is longer than 100 characters' },
  unsupported_media_type: { status: 415, message: 'Content-Type must be application/json (in UTF-8)' },
  unknown_event_type: { status: 422, message: 'The event type is not in the catalogue' },
  schema_validation_failed: { status: 422, message: "The event data does not match its event type's JSON Schema" },
  invalid_schema: { status: 422, message: 'The JSON Schema is not valid, is too large, or uses an unsupported draft or an unsafe pattern' },
  duplicate_event_type: { status: 422, message: 'An import names the same event type twice' },
  invalid_example: { status: 422, message: "The example is too large or does not match the event type's JSON Schema" },
  unknown_subscriber: { status: 422, message: 'No such subscriber' },
  invalid_url: { status: 422, message: 'The URL must be an absolute http(s) URL' },
  url_not_allowed: { status: 422, message: 'The URL points to a network Herald may not call' },
  invalid_event_type_name: { status: 422, message: 'Event type names are lowercase dotted words' },
  invalid_cidr: { status: 422, message: 'An allowed IP is not an IPv4 or IPv6 address or CIDR block' },
  invalid_secret: { status: 422, message: 'A signing secret is whsec_ followed by the base64 of 24 to 64 bytes' },
  subscription_disabled: { status: 409, message: 'The subscription or its subscriber is disabled' },
  invalid_header: { status: 422, message: 'A header name is not a valid token, is reserved, or its value contains a line break' },
  invalid_auth: {
    status: 422,
    message: "The subscription's auth is missing a field, has one its type does not take, or has an invalid value",
  },
  batch_not_allowed: { status: 422, message: 'A GET subscription cannot batch: a batch is one request whose body is a JSON array' },
  custom_data_too_large: { status: 422, message: 'customData must be at most 65536 bytes as JSON' },
  invalid_filter: { status: 422, message: 'A filter expression does not compile (syntax, type, an unsafe regular expression or a limit)' },
  invalid_template: {
    status: 422,
    message: 'The template does not compile, or payloadFormat template lacks exactly one of template and templatePreset',
  },
  auth_not_jwt: { status: 409, message: "The subscription's auth is not jwt: it has no JWT secret" },
  rate_limited: { status: 429, message: 'Too many requests' },
  store_unavailable: { status: 503, message: 'The database is unavailable; try again' },
  internal_error: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class HeraldError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERRORS[code].message);
    this.name = 'HeraldError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}
