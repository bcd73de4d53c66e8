import { AtsError } from './ats-error';
import { redactSecrets } from './redact-secrets';

/** Header values as the common HTTP clients expose them. */
export type HeadersLike =
  | Headers
  | Record<string, string | readonly string[] | number | undefined | null>
  | Iterable<readonly [string, string]>;

/** Fields of an API error; `message` is the server's text (the error message is built from it). */
export interface AtsApiErrorInit {
  status: number;
  code: string;
  message?: string | undefined;
  details?: Record<string, unknown> | undefined;
  requestId?: string | undefined;
  headers?: Record<string, string> | undefined;
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** What `AtsApiError.from` reads: an HTTP answer, body raw or already parsed. */
export interface HttpErrorResponse {
  status: number;
  body?: unknown;
  headers?: HeadersLike | undefined;
  /** Clock for an HTTP-date `Retry-After`; defaults to `Date.now()`. */
  nowMs?: number;
}

// Response headers that may carry credentials; never kept on an error.
const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-site-key',
]);

// Cap for a non-JSON body used as the message (HTML error pages can be long).
const MAX_TEXT_BODY_CHARS = 200;

/**
 * An HTTP answer outside 2xx, in the ATS error envelope (`{ error: { code, message, details,
 * request_id } }`). Branch on `code` (stable) or the subclass; `message` reads
 * `<code> (HTTP <status>): <server message> [request_id req_…]`. Build one from a response with
 * `AtsApiError.from`.
 *
 * @example
 * if (AtsApiError.is(e) && e.code === 'common.forbidden' && e.details?.reason === 'insufficient_credits') {
 *   promptTopUp();
 * }
 */
export class AtsApiError extends AtsError {
  static override readonly kind: string = 'AtsApiError';

  readonly status: number;
  /** The server's own message, unformatted. */
  readonly serverMessage: string;
  readonly details: Record<string, unknown> | undefined;
  /** Response headers, lowercased names, credentials removed. */
  readonly headers: Record<string, string>;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: AtsApiErrorInit) {
    const serverMessage = init.message?.trim() || defaultMessageForStatus(init.status);
    const suffix = init.requestId ? ` [request_id ${init.requestId}]` : '';
    super(`${init.code} (HTTP ${init.status}): ${serverMessage}${suffix}`, {
      code: init.code,
      requestId: init.requestId,
      cause: init.cause,
    });
    this.status = init.status;
    this.serverMessage = redactSecrets(serverMessage);
    this.details = init.details;
    this.headers = sanitizeHeaders(init.headers ?? {});
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /**
   * Builds the error for an HTTP answer: parses the envelope (tolerating other shapes, non-JSON
   * and empty bodies, which get the code `http_<status>`), takes the request id from the body or
   * `X-Request-Id`, reads `Retry-After`, and returns the subclass for the status
   * (`RateLimitError` for 429, ...).
   *
   * @example
   * const res = await fetch(url, init);
   * if (!res.ok) throw AtsApiError.from({ status: res.status, body: await res.text(), headers: res.headers });
   */
  static from(response: HttpErrorResponse): AtsApiError {
    const headers = normalizeHeaders(response.headers);
    const envelope = parseEnvelope(response.body);
    const requestId = envelope.requestId ?? headers['x-request-id'] ?? undefined;
    const init: AtsApiErrorInit = {
      status: response.status,
      code: envelope.code ?? `http_${response.status}`,
      message: envelope.message,
      details: envelope.details,
      requestId: requestId || undefined,
      headers,
      retryAfterSeconds: parseRetryAfter(headers['retry-after'], response.nowMs),
    };
    const Subclass = errorClassForStatus(response.status);
    return new Subclass(init);
  }
}

/** 400: malformed request (bad JSON, bad `Idempotency-Key`, bad cursor). */
export class BadRequestError extends AtsApiError {
  static override readonly kind: string = 'BadRequestError';
}
/** 401: missing, malformed, unknown, revoked or expired credential. */
export class AuthenticationError extends AtsApiError {
  static override readonly kind: string = 'AuthenticationError';
}
/** 403: credential valid but not allowed (scope, origin, insufficient credits, ...). */
export class PermissionDeniedError extends AtsApiError {
  static override readonly kind: string = 'PermissionDeniedError';
}
/** 404: unknown resource, job, quote, work, access code or transaction. */
export class NotFoundError extends AtsApiError {
  static override readonly kind: string = 'NotFoundError';
}
/** 409: idempotency conflict or request still in progress. */
export class ConflictError extends AtsApiError {
  static override readonly kind: string = 'ConflictError';
}
/** 413: JSON body or stored file over the limit. */
export class PayloadTooLargeError extends AtsApiError {
  static override readonly kind: string = 'PayloadTooLargeError';
}
/** 422: field rules, empty upload, dry-run or commitment refusal. */
export class UnprocessableEntityError extends AtsApiError {
  static override readonly kind: string = 'UnprocessableEntityError';
}
/** 429: throttled or quota reached; see `retryAfterSeconds`. */
export class RateLimitError extends AtsApiError {
  static override readonly kind: string = 'RateLimitError';
}
/** 5xx: server-side fault. */
export class InternalServerError extends AtsApiError {
  static override readonly kind: string = 'InternalServerError';
}
/** 503: overloaded or an upstream store down; see `retryAfterSeconds`. */
export class ServiceUnavailableError extends InternalServerError {
  static override readonly kind: string = 'ServiceUnavailableError';
}

function errorClassForStatus(status: number): new (init: AtsApiErrorInit) => AtsApiError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 413:
      return PayloadTooLargeError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    case 503:
      return ServiceUnavailableError;
    default:
      return status >= 500 && status <= 599 ? InternalServerError : AtsApiError;
  }
}

interface ParsedEnvelope {
  code?: string | undefined;
  message?: string | undefined;
  details?: Record<string, unknown> | undefined;
  requestId?: string | undefined;
}

function parseEnvelope(body: unknown): ParsedEnvelope {
  let value = body;
  if (value instanceof ArrayBuffer) value = new Uint8Array(value);
  if (value instanceof Uint8Array) value = new TextDecoder().decode(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return {};
    try {
      value = JSON.parse(text);
    } catch {
      return { message: truncate(text) };
    }
  }
  if (!isRecord(value)) return {};
  // The envelope nests under `error`; tolerate a flat `{ code, message }` too.
  const error = isRecord(value.error) ? value.error : value;
  return {
    code: nonEmptyString(error.code),
    message:
      nonEmptyString(error.message) ??
      (typeof value.error === 'string' ? nonEmptyString(value.error) : undefined),
    details: isRecord(error.details) ? error.details : undefined,
    requestId: nonEmptyString(error.request_id) ?? nonEmptyString(value.request_id),
  };
}

/** Lowercased names, arrays joined, credentials dropped, values redacted. */
function normalizeHeaders(headers: HeadersLike | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  const entries: Iterable<readonly [string, unknown]> =
    Symbol.iterator in headers
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers);
  for (const [name, raw] of entries) {
    if (raw === undefined || raw === null) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    out[name.toLowerCase()] = value;
  }
  return sanitizeHeaders(out);
}

function sanitizeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (!SENSITIVE_HEADERS.has(key)) out[key] = redactSecrets(value);
  }
  return out;
}

/** `Retry-After` as whole seconds (delta-seconds or HTTP-date); undefined when absent or bad. */
function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

function defaultMessageForStatus(status: number): string {
  return `the server answered HTTP ${status} without an error message`;
}

function truncate(text: string): string {
  return text.length > MAX_TEXT_BODY_CHARS ? `${text.slice(0, MAX_TEXT_BODY_CHARS)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
