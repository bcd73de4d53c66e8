import {
  AtsValidationError,
  assertNetwork,
  DEFAULT_API_BASE_URL,
  type Network,
  parseApiBaseUrl,
  type SleepFunction,
  type ValidationIssue,
} from '@ats-kit/core';

/**
 * Where the client writes what it does (retries, WebSocket fallbacks). `console` fits; so do pino,
 * winston and most loggers. Messages never contain the API key or an access code.
 */
export interface AtsLogger {
  debug?(message: string, context?: Record<string, unknown>): void;
  info?(message: string, context?: Record<string, unknown>): void;
  warn?(message: string, context?: Record<string, unknown>): void;
  error?(message: string, context?: Record<string, unknown>): void;
}

/** Options of `new AtsClient(...)`. Each has a default; the API key may come from the environment. */
export interface AtsClientOptions {
  /** Your API key `afo_sk_live_…`. Default: the `ATS_API_KEY` environment variable. */
  apiKey?: string | undefined;
  /**
   * Base of the ATS API (the sandbox's origin in tests). Default: `ATS_BASE_URL`, else
   * `https://ats.api.allfeat.org`.
   */
  baseUrl?: string | URL | undefined;
  /**
   * Your organization id (UUID). When given, the organization's routes use the legacy family
   * `/v1/organizations/{org}/works/...`; without it, `/v1/works/...`.
   */
  organizationId?: string | undefined;
  /**
   * Network used when a call does not name one (writes and reads). Default: `ATS_NETWORK`, else
   * `testnet`.
   */
  network?: Network | undefined;
  /** Time budget of one HTTP attempt in milliseconds, answer body included. Default 60 000. */
  timeout?: number | undefined;
  /** Retries of a failed call that may pass when sent again (never a confirm). Default 2. */
  maxRetries?: number | undefined;
  /** A fetch implementation (proxies, tests). Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Receives retry and fallback notices. Default: silent. */
  logger?: AtsLogger | undefined;
  /**
   * Waits between retries and polls (`(ms, signal) => Promise<void>`), e.g. to shorten them in
   * tests. Default: `setTimeout`, rejecting when the signal fires.
   */
  sleep?: SleepFunction | undefined;
}

/** The options after defaults and checks. */
export interface ResolvedClientOptions {
  apiKey: string;
  baseUrl: string;
  organizationId: string | undefined;
  network: Network;
  timeoutMs: number;
  maxRetries: number;
  fetch: typeof fetch | undefined;
  logger: AtsLogger | undefined;
  sleep: SleepFunction | undefined;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

const API_KEY_PATTERN = /^afo_sk_live_[0-9a-f]{48}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Applies the defaults (environment variables included) and checks every option, throwing one
 * `AtsValidationError` that names each bad option and its fix. The API key is never quoted.
 *
 * @example
 * const resolved = resolveClientOptions({ apiKey: process.env.MY_KEY, network: 'mainnet' });
 */
export function resolveClientOptions(
  options: AtsClientOptions = {},
  env: Record<string, string | undefined> = readEnvironment(),
): ResolvedClientOptions {
  const issues: ValidationIssue[] = [];

  const keyFromEnv = options.apiKey === undefined;
  const apiKey = (keyFromEnv ? nonEmpty(env.ATS_API_KEY) : options.apiKey)?.trim() ?? '';
  const keyProblem = describeApiKeyProblem(apiKey);
  if (keyProblem) {
    issues.push({
      path: 'apiKey',
      code: apiKey === '' ? 'required' : 'invalid_format',
      message: keyFromEnv ? `${keyProblem} (read from ATS_API_KEY)` : keyProblem,
    });
  }

  let baseUrl = DEFAULT_API_BASE_URL;
  const baseInput = options.baseUrl ?? nonEmpty(env.ATS_BASE_URL);
  if (baseInput !== undefined) {
    const field = options.baseUrl === undefined ? 'baseUrl (ATS_BASE_URL)' : 'baseUrl';
    try {
      // Without a trailing slash: the form users write, and how the client prints it.
      baseUrl = parseApiBaseUrl(baseInput, field).toString().replace(/\/+$/, '');
    } catch (error) {
      issues.push(...issuesOf(error));
    }
  }

  let network: Network = 'testnet';
  const networkInput = options.network ?? nonEmpty(env.ATS_NETWORK);
  if (networkInput !== undefined) {
    try {
      assertNetwork(
        networkInput,
        options.network === undefined ? 'network (ATS_NETWORK)' : 'network',
      );
      network = networkInput;
    } catch (error) {
      issues.push(...issuesOf(error));
    }
  }

  let organizationId: string | undefined;
  if (options.organizationId !== undefined && options.organizationId !== null) {
    const candidate =
      typeof options.organizationId === 'string' ? options.organizationId.trim().toLowerCase() : '';
    if (UUID_PATTERN.test(candidate)) organizationId = candidate;
    else {
      issues.push({
        path: 'organizationId',
        code: 'invalid_format',
        message:
          'must be your organization id, a UUID (8-4-4-4-12 hex digits); omit it to use the /v1/works routes',
      });
    }
  }

  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= 2_147_483_647)) {
    issues.push({
      path: 'timeout',
      code: 'invalid_value',
      message: 'must be a positive number of milliseconds (for example 60000)',
    });
  }
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    issues.push({
      path: 'maxRetries',
      code: 'invalid_value',
      message: 'must be a whole number ≥ 0 (0 disables retries)',
    });
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    issues.push({ path: 'fetch', code: 'invalid_type', message: 'must be a fetch function' });
  }
  if (options.sleep !== undefined && typeof options.sleep !== 'function') {
    issues.push({
      path: 'sleep',
      code: 'invalid_type',
      message: 'must be a function (ms, signal) => Promise<void>',
    });
  }

  if (issues.length > 0) throw new AtsValidationError('Invalid AtsClient options', { issues });
  return {
    apiKey,
    baseUrl,
    organizationId,
    network,
    timeoutMs,
    maxRetries,
    fetch: options.fetch,
    logger: options.logger,
    sleep: options.sleep,
  };
}

/**
 * Why a string is not an API key, or undefined when it is one. Describes the value (length,
 * kind) without quoting any of it.
 */
function describeApiKeyProblem(key: string): string | undefined {
  if (API_KEY_PATTERN.test(key)) return undefined;
  const shape = 'an API key: afo_sk_live_ followed by 48 lowercase hex digits, 60 characters';
  if (key === '') return `is required: pass apiKey or set ATS_API_KEY to ${shape}`;
  if (key.startsWith('csk_')) {
    return `is a widget secret key (csk_…), which only mints widget sessions; pass ${shape}`;
  }
  if (key.startsWith('cpk_')) return `is a public widget site key (cpk_…); pass ${shape}`;
  if (key.startsWith('eyJ')) return `looks like a session token (JWT); pass ${shape}`;
  if (API_KEY_PATTERN.test(key.toLowerCase())) return `must be lowercase: ${shape}`;
  return `must be ${shape} (got ${key.length} characters${key.startsWith('afo_sk_live_') ? '' : ', without the afo_sk_live_ prefix'})`;
}

function readEnvironment(): Record<string, string | undefined> {
  return typeof process === 'undefined' ? {} : process.env;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function issuesOf(error: unknown): ValidationIssue[] {
  if (AtsValidationError.is(error)) return error.issues;
  throw error;
}
