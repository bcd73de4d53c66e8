import {
  AtsApiError,
  AtsConnectionError,
  AtsTimeoutError,
  AtsValidationError,
  DEFAULT_SESSIONS_BASE_URL,
  parseApiBaseUrl,
} from '@ats-kit/core';
import {
  createWidgetSession,
  normalizeOrigin,
  type WidgetSessionClaims,
  type WidgetSessionConnection,
  widgetSessionRequestBody,
} from './create-widget-session';

/** Options of the widget session route handlers. */
export interface WidgetSessionHandlerOptions<TRequest> extends WidgetSessionConnection {
  /**
   * Authenticates the caller with your own session, cookie or header, and says what its token
   * may do; `null` answers 401. Before an `update_version` token, check that this user may change
   * that work.
   */
  authenticate: (
    request: TRequest,
  ) => WidgetSessionClaims | null | undefined | Promise<WidgetSessionClaims | null | undefined>;
  /**
   * The page origin sent to ATS. Default: the request's `Origin` header (the browser sets it on
   * a POST from the page).
   */
  origin?: string;
  /** Called with each failure (authentication callback, minting), for your logs. */
  onError?: (error: unknown, request: TRequest) => void;
}

/** The HTTP answer of the session route. */
export interface SessionAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Checks the handler options up front, so a misconfiguration fails at start-up. */
export function checkWidgetSessionHandlerOptions<T>(options: WidgetSessionHandlerOptions<T>): void {
  if (typeof options?.authenticate !== 'function') {
    throw new AtsValidationError('Invalid widget session handler options', {
      issues: [
        {
          path: 'authenticate',
          code: 'required',
          message:
            'must be a function (request) => ({ actionType, allowedNetwork, … }) | null that authenticates your user',
        },
      ],
    });
  }
  // Validates the secret key's shape with placeholder claims: a typo fails now, not per request.
  widgetSessionRequestBody({
    secretKey: options.secretKey,
    actionType: 'access',
    allowedNetwork: 'testnet',
  });
  if (options.origin !== undefined) normalizeOrigin(options.origin, 'origin');
  parseApiBaseUrl(options.baseUrl ?? DEFAULT_SESSIONS_BASE_URL, 'baseUrl');
}

/**
 * Authenticates the caller, then mints its session. `requestOrigin` is the request's `Origin`
 * header. Never throws: every failure is an answer, and `onError` sees it.
 */
export async function answerSessionRequest<T>(
  options: WidgetSessionHandlerOptions<T>,
  request: T,
  method: string | undefined,
  requestOrigin: string | undefined,
): Promise<SessionAnswer> {
  if (method !== 'POST') {
    return {
      ...failure(405, 'method_not_allowed', 'Ask for a widget session with POST'),
      headers: { allow: 'POST' },
    };
  }
  let claims: WidgetSessionClaims | null | undefined;
  try {
    claims = await options.authenticate(request);
  } catch (error) {
    report(options, error, request);
    return failure(500, 'authentication_failed', 'Authenticating the request failed');
  }
  if (!claims) return failure(401, 'unauthorized', 'Sign in to use the widget');

  const origin = options.origin ?? requestOrigin;
  if (!origin) {
    return failure(
      400,
      'origin_required',
      "The request has no Origin header: call this route from the widget's page, or set the handler's origin option",
    );
  }
  try {
    const session = await createWidgetSession({
      ...claims,
      secretKey: options.secretKey,
      origin,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    // Snake case, as ATS answers it: the page can treat this route as the sessions API itself.
    return {
      status: 200,
      body: { token: session.token, expires_in: session.expiresIn },
      headers: {},
    };
  } catch (error) {
    report(options, error, request);
    return mintFailureAnswer(error);
  }
}

/**
 * ATS's refusal is passed on with its code (the widget reacts to `session.origin_not_allowed`,
 * `session.rate_limited`, …), except where its status would mislead the page: a 401 means *our*
 * secret key is wrong, not that the user must sign in, and becomes a 502 like ATS's own faults.
 */
function mintFailureAnswer(error: unknown): SessionAnswer {
  if (AtsApiError.is(error)) {
    const status = error.status === 401 || error.status >= 500 ? 502 : error.status;
    const headers: Record<string, string> =
      error.retryAfterSeconds !== undefined
        ? { 'retry-after': String(error.retryAfterSeconds) }
        : {};
    return {
      status,
      body: {
        error: {
          code: error.code,
          message: error.serverMessage,
          ...(error.details ? { details: error.details } : {}),
          ...(error.requestId ? { request_id: error.requestId } : {}),
        },
      },
      headers,
    };
  }
  if (AtsValidationError.is(error)) {
    return failure(400, 'validation_failed', error.message);
  }
  if (AtsTimeoutError.is(error)) {
    return failure(504, 'upstream_timeout', 'ATS did not answer in time; retry');
  }
  if (AtsConnectionError.is(error)) {
    return failure(502, 'upstream_unreachable', 'ATS could not be reached; retry');
  }
  return failure(500, 'session_failed', 'Creating the widget session failed');
}

function failure(status: number, code: string, message: string): SessionAnswer {
  return { status, body: { error: { code, message } }, headers: {} };
}

function report<T>(options: WidgetSessionHandlerOptions<T>, error: unknown, request: T): void {
  try {
    options.onError?.(error, request);
  } catch {
    // A failing logger must not turn into an unanswered request.
  }
}
