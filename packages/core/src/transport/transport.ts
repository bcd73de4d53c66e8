import ky from 'ky';
import type * as z from 'zod';
import {
  AtsAbortError,
  AtsApiError,
  AtsConnectionError,
  type AtsError,
  AtsTimeoutError,
  AtsValidationError,
  isAtsError,
} from '../errors';
import { parseApiBaseUrl, resolveApiUrl } from './api-url';
import { type AuthOption, authHeaders } from './auth';
import { retryDelayMs, type SleepFunction, sleepUnlessAborted, timerSleep } from './backoff';
import { invalidResponse, parseResponseBody, type ResponseOrigin } from './response-validation';
import { isRetryableError } from './retry-policy';

/** HTTP methods the ATS API uses. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Query parameters; `undefined` and `null` values are left out. */
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** What `onRetry` receives before each wait. */
export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  maxRetries: number;
  /** The wait before the retry, after jitter or from `Retry-After`. */
  delayMs: number;
  /** Why the previous attempt failed. */
  error: AtsError;
  method: HttpMethod;
  path: string;
}

/** Options of `createTransport`. */
export interface TransportOptions {
  /** API base, e.g. `https://ats.api.allfeat.org`; a path prefix is kept. */
  baseUrl: string | URL;
  /** Credentials, or a function returning them before each attempt (token refresh). */
  auth: AuthOption;
  /** Time budget of one attempt, answer body included. Default 60 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, for the failures that may pass on a retry. Default 2. */
  maxRetries?: number;
  /** A fetch implementation (tests, proxies, frameworks). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Headers sent with every request (never credentials: use `auth`). */
  headers?: Record<string, string>;
  /** Sent as `User-Agent` when given (Node SDKs; browsers keep their own). */
  userAgent?: string;
  /** Backoff waits; inject for tests. Default: `setTimeout`. */
  sleep?: SleepFunction;
  /** Jitter source in [0, 1); inject for tests. Default: `Math.random`. */
  random?: () => number;
  /** Called before each backoff wait, for logging. Never receives credentials. */
  onRetry?: (event: RetryEvent) => void;
}

/** One API call. */
export interface RequestOptions<T = unknown> {
  method: HttpMethod;
  /** Route path such as `/v1/works/init`, relative to the base URL. */
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  /** Validates (and types) the JSON answer; a mismatch is `invalid_response`. */
  schema?: z.ZodType<T>;
  /**
   * Whether the call may be retried. Default: true for GET, HEAD, PUT and DELETE, and for any call
   * given an `idempotencyKey`. A POST with `idempotent: true` gets an `Idempotency-Key`, minted
   * once and sent on every attempt.
   */
  idempotent?: boolean;
  /** Your own `Idempotency-Key` (e.g. to resume a call across restarts). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Overrides the transport's per-attempt timeout. */
  timeoutMs?: number;
  /** Overrides the transport's `maxRetries`. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** What the server said besides the body. */
export interface ResponseMetadata {
  status: number;
  /** Lowercased names. */
  headers: Record<string, string>;
  /** `X-Request-Id`, when the server sent one. */
  requestId: string | undefined;
  /** `Idempotent-Replayed: true`: the answer is a stored one, nothing ran again. */
  idempotentReplayed: boolean;
  /** The `Idempotency-Key` sent, if any. */
  idempotencyKey: string | undefined;
  /** Attempts made, 1 when the first one succeeded. */
  attempts: number;
}

/** A parsed answer with its metadata. */
export interface ApiResponse<T> {
  data: T;
  response: ResponseMetadata;
}

/** The HTTP pipeline every ATS client call goes through; see `createTransport`. */
export interface Transport {
  /** The normalized base URL. */
  readonly baseUrl: string;
  /** Sends a call (with retries) and returns the parsed, validated body. */
  request<T = unknown>(options: RequestOptions<T>): Promise<T>;
  /** Like `request`, with the response metadata (request id, replay flag, attempts). */
  requestWithResponse<T = unknown>(options: RequestOptions<T>): Promise<ApiResponse<T>>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 2;
// Methods whose repetition has the same effect as one call (RFC 9110 §9.2.2).
const IDEMPOTENT_METHODS = new Set<HttpMethod>(['GET', 'HEAD', 'PUT', 'DELETE']);
// An access code in a path is a bearer credential for its work: masked in messages.
const ACCESS_CODE = /\batc_[0-9a-f]{4}[0-9a-f]*/gi;

/**
 * Creates the one request pipeline of ats-kit: auth headers, JSON in and out, zod validation of
 * answers, and retries with backoff (network errors, timeouts, 408, 429, 5xx and
 * `409 common.idempotency_in_progress`; a POST only when idempotent, with one `Idempotency-Key`
 * for all its attempts). Every failure is an `AtsError`: `AtsApiError` subclasses for HTTP
 * errors, `AtsConnectionError`, `AtsTimeoutError`, `AtsAbortError`, or `invalid_response`.
 *
 * @example
 * const api = createTransport({ baseUrl: 'https://ats.api.allfeat.org', auth: { type: 'apiKey', apiKey } });
 * const init = await api.request({ method: 'POST', path: '/v1/works/init', body, idempotent: true, schema: InitResponseSchema });
 */
export function createTransport(options: TransportOptions): Transport {
  const base = parseApiBaseUrl(options.baseUrl);
  const baseUrl = base.toString();
  const defaultTimeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const defaultMaxRetries = checkRetries(options.maxRetries ?? DEFAULT_MAX_RETRIES, 'maxRetries');
  const sleep = options.sleep ?? timerSleep;
  const random = options.random ?? Math.random;
  // Retries, timeouts and error mapping are ours (injectable clock, abort during backoff), so ky
  // makes single attempts: URL, JSON body, the fetch call.
  const http = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const fixedHeaders: Record<string, string> = {
    accept: 'application/json',
    ...lowercaseKeys(options.headers),
    ...(options.userAgent ? { 'user-agent': options.userAgent } : {}),
  };

  async function requestWithResponse<T>(call: RequestOptions<T>): Promise<ApiResponse<T>> {
    const method = checkMethod(call.method);
    if (typeof call.path !== 'string' || call.path === '') {
      throw badCall('path', 'required', 'must be a route path such as /v1/works/init');
    }
    const timeoutMs = checkTimeout(call.timeoutMs ?? defaultTimeoutMs, 'timeoutMs');
    const maxRetries = checkRetries(call.maxRetries ?? defaultMaxRetries, 'maxRetries');
    const idempotencyKey =
      call.idempotencyKey ??
      (call.idempotent === true && !IDEMPOTENT_METHODS.has(method)
        ? mintIdempotencyKey()
        : undefined);
    const retryable =
      call.idempotent ?? (IDEMPOTENT_METHODS.has(method) || idempotencyKey !== undefined);
    const url = withQuery(resolveApiUrl(base, call.path), call.query);
    const label = `${method} ${call.path.split('?')[0]?.replace(ACCESS_CODE, 'atc_…')}`;
    const signal = call.signal;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(label, signal);
      // Asked before each attempt so a refreshed token is used. A failing auth function is the
      // caller's error, passed on as is, not a connection problem to retry.
      const credentials = await authHeaders(options.auth);
      if (signal?.aborted) throw abortError(label, signal);
      const headers: Record<string, string> = {
        ...fixedHeaders,
        ...lowercaseKeys(call.headers),
        ...credentials,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      };
      try {
        const result = await sendOnce<T>({
          method,
          url,
          headers,
          label,
          call,
          timeoutMs,
          idempotencyKey,
        });
        result.response.attempts = attempt;
        return result;
      } catch (error) {
        const failure = toAtsError(error, label);
        const retry = attempt;
        if (!retryable || retry > maxRetries || !isRetryableError(failure)) throw failure;
        const retryAfter = AtsApiError.is(failure) ? failure.retryAfterSeconds : undefined;
        const delayMs = retryDelayMs(retry, retryAfter, random);
        if (delayMs === undefined) throw failure;
        options.onRetry?.({ retry, maxRetries, delayMs, error: failure, method, path: call.path });
        await sleepUnlessAborted(sleep, delayMs, signal, `Request aborted: ${label}`);
      }
    }
  }

  interface Attempt<T> {
    method: HttpMethod;
    url: string;
    headers: Record<string, string>;
    label: string;
    call: RequestOptions<T>;
    timeoutMs: number;
    idempotencyKey: string | undefined;
  }

  async function sendOnce<T>(attempt: Attempt<T>): Promise<ApiResponse<T>> {
    const { call, label, timeoutMs } = attempt;
    // One controller for the whole attempt, body read included (ky's own timeout stops at the
    // headers); the caller's signal feeds it.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const callerSignal = call.signal;
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const response = await http(attempt.url, {
        method: attempt.method,
        headers: attempt.headers,
        json: call.body,
        signal: controller.signal,
      });
      const text = await response.text();
      if (!response.ok) {
        throw AtsApiError.from({ status: response.status, body: text, headers: response.headers });
      }
      const metadata = responseMetadata(response, attempt.idempotencyKey);
      const origin: ResponseOrigin = { request: label, requestId: metadata.requestId };
      const parsed = parseJsonBody(text, origin);
      const data = call.schema ? parseResponseBody(call.schema, parsed, origin) : (parsed as T);
      return { data, response: metadata };
    } catch (error) {
      if (isAtsError(error)) throw error;
      if (callerSignal?.aborted) throw abortError(label, callerSignal);
      if (timedOut) {
        throw new AtsTimeoutError(
          `The ATS API did not answer ${label} within ${timeoutMs} ms; raise timeoutMs or retry later`,
          { timeoutMs },
        );
      }
      throw connectionError(label, error);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    }
  }

  return {
    baseUrl,
    requestWithResponse,
    async request<T>(call: RequestOptions<T>): Promise<T> {
      return (await requestWithResponse(call)).data;
    },
  };
}

/** A UUID v4. `crypto.randomUUID` exists only in secure contexts; an http:// page lacks it. */
function mintIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function responseMetadata(
  response: Response,
  idempotencyKey: string | undefined,
): ResponseMetadata {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return {
    status: response.status,
    headers,
    requestId: headers['x-request-id'] || undefined,
    idempotentReplayed: headers['idempotent-replayed']?.trim().toLowerCase() === 'true',
    idempotencyKey,
    attempts: 1,
  };
}

function parseJsonBody(text: string, origin: ResponseOrigin): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw invalidResponse(
      `The ATS API answered ${origin.request} with a body that is not JSON`,
      origin,
      cause,
    );
  }
}

function toAtsError(error: unknown, label: string): AtsError {
  return isAtsError(error) ? error : connectionError(label, error);
}

function abortError(label: string, signal: AbortSignal): AtsAbortError {
  return new AtsAbortError(`Request aborted: ${label}`, { cause: signal.reason });
}

function connectionError(label: string, error: unknown): AtsConnectionError {
  // undici puts the socket error (ECONNREFUSED, ECONNRESET, ...) in `cause`.
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
  return new AtsConnectionError(
    `Could not reach the ATS API for ${label}${code}; check the network and baseUrl, then retry`,
    { cause: error },
  );
}

function withQuery(url: string, query: QueryParams | undefined): string {
  if (!query) return url;
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) target.searchParams.set(name, String(value));
  }
  return target.toString();
}

function lowercaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

function checkMethod(method: unknown): HttpMethod {
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) return upper as HttpMethod;
  throw badCall('method', 'invalid_value', 'must be GET, HEAD, POST, PUT, PATCH or DELETE');
}

function checkTimeout(value: number, path: string): number {
  if (Number.isFinite(value) && value > 0 && value <= 2_147_483_647) return value;
  throw badCall(path, 'invalid_value', 'must be a positive number of milliseconds');
}

function checkRetries(value: number, path: string): number {
  if (Number.isInteger(value) && value >= 0) return value;
  throw badCall(path, 'invalid_value', 'must be a whole number ≥ 0 (0 disables retries)');
}

function badCall(path: string, code: string, message: string): AtsValidationError {
  return new AtsValidationError('Invalid transport call', { issues: [{ path, code, message }] });
}
