import {
  AtsValidationError,
  type CreateSessionRequest,
  CreateSessionRequestSchema,
  CreateSessionResponseSchema,
  createTransport,
  DEFAULT_SESSIONS_BASE_URL,
  type Network,
  type SessionActionType,
  type ValidationIssue,
} from '@ats-kit/core';

/** What a widget session allows: the claims of the token (api.md §11). */
export interface WidgetSessionClaims {
  /** `register`, `update_version` or `access`: matches the widget's `mode`. */
  actionType: SessionActionType;
  /** The network the widget works on. */
  allowedNetwork: Network;
  /** Pins one work (`update_version`, `access`); not with `register`. */
  allowedAtsId?: number | null;
  /** Your user's id (1–255 bytes): works registered under it get the ref and no access code. */
  externalUserRef?: string | null;
  /** Lowers the file-size limit for this session. */
  maxFileSizeBytes?: number | null;
}

/** Where and how `POST /v1/sessions` is called. */
export interface WidgetSessionConnection {
  /** The widget secret key `csk_…` (server only; never sent to the browser). */
  secretKey: string;
  /** Base of the sessions service. Default `https://organizations.api.allfeat.org`; the sandbox's origin in tests. */
  baseUrl?: string | URL;
  /** A fetch implementation (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Time budget of the call. Default 15 000 ms. */
  timeoutMs?: number;
}

/** Options of `createWidgetSession`. */
export interface CreateWidgetSessionOptions extends WidgetSessionClaims, WidgetSessionConnection {
  /**
   * The origin of the page that hosts the widget (`https://app.example.com`): sent as `Origin`
   * and checked by ATS against the site's allowlist. Usually the browser request's `Origin`.
   */
  origin: string;
  signal?: AbortSignal;
}

/** A minted widget session: hand both to the page, which calls `widget.setToken(token)`. */
export interface WidgetSession {
  /** An opaque JWT; never decode it. */
  token: string;
  /** Lifetime in seconds (300). */
  expiresIn: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

// Wire field → option name, so that errors name what the caller actually wrote.
const OPTION_NAMES: Record<string, string> = {
  secret_key: 'secretKey',
  action_type: 'actionType',
  allowed_network: 'allowedNetwork',
  allowed_ats_id: 'allowedAtsId',
  external_user_ref: 'externalUserRef',
  max_file_size_bytes: 'maxFileSizeBytes',
};

/**
 * Mints a widget session token with `POST /v1/sessions`, from your backend after you have
 * authenticated your user. Inputs are checked locally first (`AtsValidationError` naming the
 * option); an error answer becomes the matching `AtsApiError` subclass (e.g.
 * `PermissionDeniedError` with code `session.origin_not_allowed`). The secret key never appears in
 * an error. One attempt, no retries: the page asks again when it needs a token.
 *
 * @example
 * const { token, expiresIn } = await createWidgetSession({
 *   secretKey: process.env.ATS_WIDGET_SECRET_KEY!,
 *   actionType: 'register',
 *   allowedNetwork: 'testnet',
 *   externalUserRef: user.id,
 *   origin: 'https://app.example.com',
 * });
 */
export async function createWidgetSession(
  options: CreateWidgetSessionOptions,
): Promise<WidgetSession> {
  const body = widgetSessionRequestBody(options);
  const origin = normalizeOrigin(options.origin, 'origin');
  const transport = createTransport({
    baseUrl: options.baseUrl ?? DEFAULT_SESSIONS_BASE_URL,
    auth: { type: 'none' },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const answer = await transport.request({
    method: 'POST',
    path: '/v1/sessions',
    body,
    schema: CreateSessionResponseSchema,
    headers: { origin },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { token: answer.token, expiresIn: answer.expires_in };
}

/**
 * The `POST /v1/sessions` body for the options, validated with the core schema; absent optional
 * claims are left out. Throws `AtsValidationError` naming the option and the fix.
 */
export function widgetSessionRequestBody(
  options: WidgetSessionClaims & { secretKey: string },
): CreateSessionRequest {
  if (typeof options !== 'object' || options === null) {
    throw invalidOptions([
      { path: '', code: 'invalid_type', message: 'options must be an object' },
    ]);
  }
  const mixUp = secretKeyMixUp(options.secretKey);
  if (mixUp) throw invalidOptions([{ path: 'secretKey', code: 'invalid_format', message: mixUp }]);
  const wire: Record<string, unknown> = {
    secret_key: options.secretKey,
    action_type: options.actionType,
    allowed_network: options.allowedNetwork,
  };
  if (options.allowedAtsId != null) wire.allowed_ats_id = options.allowedAtsId;
  if (options.externalUserRef != null) wire.external_user_ref = options.externalUserRef;
  if (options.maxFileSizeBytes != null) wire.max_file_size_bytes = options.maxFileSizeBytes;
  const result = CreateSessionRequestSchema.safeParse(wire);
  if (result.success) return result.data;
  throw invalidOptions(
    result.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return { path: OPTION_NAMES[field] ?? field, code: issue.code, message: issue.message };
    }),
  );
}

/** A hint when the secret key is another ATS credential; never quotes the value. */
function secretKeyMixUp(secretKey: unknown): string | undefined {
  if (typeof secretKey !== 'string') return undefined;
  if (secretKey.startsWith('cpk_')) {
    return 'this is the public site key (cpk_…); pass the server-only secret key (csk_…) of the same site';
  }
  if (secretKey.startsWith('afo_sk_')) {
    return 'this is an API key; widget sessions take the site secret key (csk_…)';
  }
  return undefined;
}

/**
 * `https://app.example.com` from an origin or a page URL. Throws `AtsValidationError` naming
 * `field` for anything that is not an http(s) origin.
 */
export function normalizeOrigin(value: unknown, field: string): string {
  if (typeof value === 'string' && value.trim() !== '') {
    try {
      const url = new URL(value.trim());
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // Reported below with the fix.
    }
  }
  throw invalidOptions([
    {
      path: field,
      code: value === undefined || value === null || value === '' ? 'required' : 'invalid_format',
      message:
        "must be the widget page's origin, such as https://app.example.com (the browser's Origin header); ATS checks it against the site's allowlist",
    },
  ]);
}

function invalidOptions(issues: ValidationIssue[]): AtsValidationError {
  return new AtsValidationError('Invalid widget session options', { issues });
}
