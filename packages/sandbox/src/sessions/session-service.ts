// POST /v1/sessions (api.md §11) and the session half of request authentication (§3.3). The spine
// owns the HTTP layer and the tables of sites and organizations; it hands lookups in and sends the
// `{ status, body }` it gets back.
import {
  DEFAULT_FEE_SCHEDULE,
  debitForNetwork,
  type FeeSchedule,
  FREE_STORAGE_BYTES,
  isNetwork,
  type Network,
  quoteFees,
  SESSION_ACTION_TYPES,
  type SessionActionType,
  type SessionTokenClaims,
  utf8ByteLength,
} from '@ats-kit/core';
import { originAllowed } from './origin-allowlist';
import {
  mintSessionToken,
  type SessionTokenClaimsInput,
  type SessionTokenSecret,
  siteKeyHash,
  verifySessionToken,
} from './session-token';

/** A widget site as the session checks need it (the spine maps its rows to this). */
export interface SessionSite {
  id: string;
  organizationId: string;
  siteKey: string;
  allowedOrigins: readonly string[];
  widgetEnabled: boolean;
  isActive: boolean;
  /** The site's cap on its sessions' files; `null` when it has none. */
  maxFileSizeBytes: number | null;
}

/** The organization a site belongs to. */
export interface SessionOrganization {
  id: string;
  isActive: boolean;
}

/** What the spine's site lookups return: the site and its organization, or nothing. */
export interface SessionSiteRecord {
  site: SessionSite;
  organization: SessionOrganization;
}

type MaybePromise<T> = T | Promise<T>;

/** Finds a site by one of its keys; `null`/`undefined` when no site has it. */
export type SessionSiteLookup = (key: string) => MaybePromise<SessionSiteRecord | null | undefined>;

/** A refused request, ready for the error envelope (api.md §2.2) once a request id is added. */
export interface SessionFailure {
  ok: false;
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An HTTP answer the spine sends as is (`X-Request-Id` and CORS headers are its own). */
export interface SessionHttpResponse {
  status: number;
  body: Record<string, unknown>;
  /** The claims of the minted token, on success only (for logs and tests). */
  claims?: SessionTokenClaims;
}

/** Input of `handleCreateSession`. */
export interface CreateSessionRequest {
  /** The parsed JSON body (anything: it is checked here). */
  body: unknown;
  /** The request's `Origin` header. */
  origin: string | null | undefined;
  lookupSiteBySecretKey: SessionSiteLookup;
  /** Credits of an organization on a network. */
  balanceFor: (organizationId: string, network: Network) => MaybePromise<number>;
  /** Copied into error bodies as `error.request_id`. */
  requestId?: string;
}

/** Input of `authenticateSessionRequest`: the two headers of a session call. */
export interface SessionRequestCredentials {
  /** The `Authorization` header. */
  authorization: string | null | undefined;
  /** The `X-Site-Key` header. */
  siteKey: string | null | undefined;
  lookupSiteByKey: SessionSiteLookup;
}

/** An authenticated session call. */
export interface SessionAuthentication {
  ok: true;
  claims: SessionTokenClaims;
  site: SessionSite;
  organization: SessionOrganization;
  /** The bearer token itself (its `jti` is in `claims`). */
  token: string;
}

/** The session service the spine wires into its routes. */
export interface SessionService {
  handleCreateSession(request: CreateSessionRequest): Promise<SessionHttpResponse>;
  authenticateSessionRequest(
    credentials: SessionRequestCredentials,
  ): Promise<SessionAuthentication | SessionFailure>;
}

/** Options of `createSessionService`. */
export interface SessionServiceOptions {
  /** HMAC key of the session tokens. */
  secret: SessionTokenSecret;
  /** Virtual clock (epoch ms): token times and expiry. */
  clock: { now(): number };
  /** The fee schedule in force (a getter follows `/_sandbox/settings` changes). */
  feeSchedule?: FeeSchedule | (() => FeeSchedule);
}

const ACTIONS_NEEDING_CREDITS: ReadonlySet<SessionActionType> = new Set([
  'register',
  'update_version',
]);

/**
 * Builds the widget-session service: `handleCreateSession` implements `POST /v1/sessions` (§11) and
 * `authenticateSessionRequest` the session rows of §3.3. Checks run in this order: body shape
 * (400), secret key (401), site off / widget off / organization off (403), `Origin` (403), the
 * session's own field codes then `common.validation_failed` (422), credits for one registration
 * of a file up to 10 MiB on the chosen network (403, priced with the current schedule).
 *
 * @example
 * const sessions = createSessionService({ secret, clock });
 * const { status, body } = await sessions.handleCreateSession({
 *   body: await c.req.json(), origin: c.req.header('origin'),
 *   lookupSiteBySecretKey: (key) => db.siteBySecretKey(key),
 *   balanceFor: (org, network) => db.balance(org, network),
 *   requestId,
 * });
 * return c.json(body, status);
 */
export function createSessionService(options: SessionServiceOptions): SessionService {
  const { secret, clock } = options;
  const schedule = (): FeeSchedule => {
    const fees = options.feeSchedule;
    if (fees === undefined) return DEFAULT_FEE_SCHEDULE;
    return typeof fees === 'function' ? fees() : fees;
  };

  async function handleCreateSession(request: CreateSessionRequest): Promise<SessionHttpResponse> {
    const fail = (failure: SessionFailure): SessionHttpResponse => ({
      status: failure.status,
      body: errorBody(failure, request.requestId),
    });
    const { body } = request;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return fail(
        failure(400, 'common.bad_request', 'The body must be a JSON object.', {
          reason: 'body_not_object',
        }),
      );
    }
    const fields = body as Record<string, unknown>;

    const secretKey = fields.secret_key;
    const record =
      typeof secretKey === 'string' && secretKey !== ''
        ? await request.lookupSiteBySecretKey(secretKey)
        : null;
    if (!record) {
      return fail(
        failure(
          401,
          'session.invalid_secret_key',
          'secret_key is missing or unknown; send the csk_… secret key of an active widget site.',
        ),
      );
    }
    const stateFailure = siteStateFailure(record);
    if (stateFailure) return fail(stateFailure);

    if (!originAllowed(request.origin, record.site.allowedOrigins)) {
      const origin = typeof request.origin === 'string' ? request.origin : null;
      return fail(
        failure(
          403,
          'session.origin_not_allowed',
          origin === null
            ? 'The Origin header is required; call from a host in the site allowlist.'
            : `Origin ${origin} is not in the site's allowed_origins; add its host to the allowlist.`,
          { origin },
        ),
      );
    }

    const validation = validateSessionFields(fields);
    if (!validation.ok) return fail(validation);
    const { actionType, network } = validation;

    if (ACTIONS_NEEDING_CREDITS.has(actionType)) {
      // "The balance must cover one registration": priced for a file that stores for free.
      const quote = quoteFees({
        operation: 'register',
        network,
        sizeBytes: FREE_STORAGE_BYTES,
        schedule: schedule(),
      });
      const required = debitForNetwork(quote, network);
      const available = await request.balanceFor(record.organization.id, network);
      if (available < required) {
        return fail(
          failure(
            403,
            'common.forbidden',
            `The organization has ${available} ${network} credits; one registration needs ${required}. Top up the balance.`,
            { reason: 'insufficient_credits', network, required, available },
          ),
        );
      }
    }

    const claims: SessionTokenClaimsInput = {
      org: record.organization.id,
      site_key_hash: siteKeyHash(record.site.siteKey),
      action_type: actionType,
      allowed_network: network,
      allowed_ats_id: validation.allowedAtsId,
      external_user_ref: validation.externalUserRef,
      // A site's cap also caps its sessions, so the claim is the one limit jobs need to read.
      max_file_size_bytes: smallestLimit(validation.maxFileSizeBytes, record.site.maxFileSizeBytes),
    };
    const minted = await mintSessionToken({ secret, claims, now: clock.now() });
    return {
      status: 200,
      body: { token: minted.token, expires_in: minted.expiresIn },
      claims: minted.claims,
    };
  }

  async function authenticateSessionRequest(
    credentials: SessionRequestCredentials,
  ): Promise<SessionAuthentication | SessionFailure> {
    const token = bearerToken(credentials.authorization);
    if (token === null) {
      return failure(
        401,
        'common.auth.missing_token',
        'A session call needs Authorization: Bearer <session token>; get one from POST /v1/sessions.',
      );
    }
    const verified = await verifySessionToken(token, { secret, now: clock.now() });
    if (!verified.ok) {
      return verified.reason === 'expired'
        ? failure(
            401,
            'common.auth.expired',
            'The session token has expired (tokens live 300 s); request a new one.',
          )
        : failure(
            401,
            'common.auth.invalid_token',
            'The session token is malformed or not signed by this server; request a new one.',
          );
    }
    const { claims } = verified;
    const siteKey = credentials.siteKey;
    const record =
      typeof siteKey === 'string' && siteKey !== ''
        ? await credentials.lookupSiteByKey(siteKey)
        : null;
    if (
      !record ||
      typeof siteKey !== 'string' ||
      siteKeyHash(siteKey) !== claims.site_key_hash ||
      record.organization.id !== claims.org
    ) {
      return failure(
        401,
        'common.auth.invalid_api_key',
        'X-Site-Key is missing, unknown or not the site the session token was issued for.',
      );
    }
    const stateFailure = siteStateFailure(record);
    if (stateFailure) return stateFailure;
    return { ok: true, claims, site: record.site, organization: record.organization, token };
  }

  return { handleCreateSession, authenticateSessionRequest };
}

/**
 * True when a request is a session call (§3.3): it carries `X-Site-Key`, or its bearer is
 * JWT-shaped (three dot-separated base64url parts) rather than an API key.
 *
 * @example
 * if (isSessionRequest({ authorization: req.header('authorization'), siteKey: req.header('x-site-key') })) …
 */
export function isSessionRequest(headers: {
  authorization: string | null | undefined;
  siteKey: string | null | undefined;
}): boolean {
  if (typeof headers.siteKey === 'string' && headers.siteKey !== '') return true;
  const token = bearerToken(headers.authorization);
  return token !== null && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * The error envelope of api.md §2.2 for a refused session request.
 *
 * @example
 * c.json(errorBody(result, requestId), result.status);
 */
export function errorBody(
  failure: Pick<SessionFailure, 'code' | 'message' | 'details'>,
  requestId?: string,
): Record<string, unknown> {
  const error: Record<string, unknown> = { code: failure.code, message: failure.message };
  if (failure.details !== undefined) error.details = failure.details;
  if (requestId !== undefined) error.request_id = requestId;
  return { error };
}

type ValidatedSessionFields =
  | {
      ok: true;
      actionType: SessionActionType;
      network: Network;
      allowedAtsId: number | null;
      externalUserRef: string | null;
      maxFileSizeBytes: number | null;
    }
  | SessionFailure;

interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

// The session's own codes come first, one at a time; the remaining field rules are reported
// together as common.validation_failed (api.md §4, §11).
function validateSessionFields(fields: Record<string, unknown>): ValidatedSessionFields {
  const actionType = fields.action_type;
  if (!(SESSION_ACTION_TYPES as readonly unknown[]).includes(actionType)) {
    return failure(
      422,
      'session.invalid_action_type',
      `action_type must be "register", "update_version" or "access" (got ${describe(actionType)}).`,
    );
  }
  const network = fields.allowed_network;
  if (!isNetwork(network)) {
    return failure(
      422,
      'session.invalid_network',
      `allowed_network must be "testnet" or "mainnet" (got ${describe(network)}).`,
    );
  }
  const ref = fields.external_user_ref ?? null;
  if (ref !== null) {
    const bytes = typeof ref === 'string' ? utf8ByteLength(ref) : -1;
    if (bytes < 1 || bytes > 255) {
      return failure(
        422,
        'session.invalid_external_user_ref',
        'external_user_ref must be a string of 1 to 255 bytes of UTF-8, or null when unused.',
      );
    }
  }

  const issues: FieldIssue[] = [];
  const maxFileSize = fields.max_file_size_bytes ?? null;
  if (maxFileSize !== null) {
    if (typeof maxFileSize !== 'number') {
      issues.push({
        path: 'max_file_size_bytes',
        code: 'invalid_type',
        message: 'must be a whole number of bytes greater than 0, or null',
      });
    } else if (!Number.isSafeInteger(maxFileSize) || maxFileSize <= 0) {
      issues.push({
        path: 'max_file_size_bytes',
        code: 'invalid_value',
        message: `must be a whole number of bytes greater than 0 (got ${maxFileSize})`,
      });
    }
  }
  const atsId = fields.allowed_ats_id ?? null;
  if (atsId !== null) {
    if (actionType === 'register') {
      issues.push({
        path: 'allowed_ats_id',
        code: 'invalid_value',
        message: 'must be omitted with action_type "register" (a registration has no work yet)',
      });
    } else if (typeof atsId !== 'number') {
      issues.push({
        path: 'allowed_ats_id',
        code: 'invalid_type',
        message: 'must be a positive integer ats_id, or null',
      });
    } else if (!Number.isSafeInteger(atsId) || atsId <= 0) {
      issues.push({
        path: 'allowed_ats_id',
        code: 'invalid_value',
        message: `must be a positive integer ats_id (got ${atsId})`,
      });
    }
  }
  if (issues.length > 0) {
    return failure(422, 'common.validation_failed', 'The session request has invalid fields.', {
      fields: issues,
    });
  }
  return {
    ok: true,
    actionType: actionType as SessionActionType,
    network,
    allowedAtsId: atsId as number | null,
    externalUserRef: ref as string | null,
    maxFileSizeBytes: maxFileSize as number | null,
  };
}

function siteStateFailure(record: SessionSiteRecord): SessionFailure | null {
  if (!record.site.isActive) {
    return failure(403, 'session.key_inactive', 'The widget site is deactivated.');
  }
  if (!record.site.widgetEnabled) {
    return failure(403, 'session.widget_not_enabled', 'The widget is not enabled for this site.');
  }
  if (!record.organization.isActive) {
    return failure(403, 'organization.inactive', "The site's organization is deactivated.");
  }
  return null;
}

function bearerToken(authorization: string | null | undefined): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization.trim());
  return match?.[1] ?? null;
}

function smallestLimit(...limits: (number | null)[]): number | null {
  const given = limits.filter((limit): limit is number => limit !== null);
  return given.length === 0 ? null : Math.min(...given);
}

function failure(
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): SessionFailure {
  return details === undefined
    ? { ok: false, status, code, message }
    : { ok: false, status, code, message, details };
}

// Describes a bad value without echoing long or sensitive text back.
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  }
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
