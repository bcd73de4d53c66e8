import type { SessionActionType, SessionTokenClaims } from '@ats-kit/core';
import type { Context } from 'hono';
import { type ApiKeyRow, findApiKeyByToken, scopesOf } from '../accounts/api-keys';
import { findOrganization, type OrganizationRow } from '../accounts/organizations';
import { allowedOriginsOf, findSiteByKey, type SiteRow } from '../accounts/sites';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { API_KEY_TOKEN_PATTERN } from '../identifiers/identifiers';
import { isSessionRequest, type SessionSiteRecord } from '../sessions';

/** The three API key scopes (api.md §3.2). */
export type Scope = 'works:register' | 'works:update' | 'works:read';

/** A caller authenticated with an API key. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  organization: OrganizationRow;
  apiKey: ApiKeyRow;
  /** Idempotency partition (api.md §13): per API key. */
  partition: string;
  /** The key's own file size cap, if any. */
  maxFileSizeBytes: number | null;
}

/** A widget caller authenticated with a session token and its site key. */
export interface SessionPrincipal {
  kind: 'session';
  organization: OrganizationRow;
  site: SiteRow;
  claims: SessionTokenClaims;
  /** Idempotency partition: per site. */
  partition: string;
  maxFileSizeBytes: number | null;
}

export type Principal = ApiKeyPrincipal | SessionPrincipal;

/** What a route requires: an API key scope, and the session actions it accepts. */
export interface AccessRule {
  /** `null`: any valid API key (routes with an optional credential). */
  scope: Scope | null;
  actions: readonly SessionActionType[];
}

/**
 * Authenticates a `/v1` request in the order of api.md §3.4: the credential (`401`), the legacy
 * `{org}` (`403 api_key.org_mismatch`), the organization / site being active (`403`), then the
 * scope or session action (`403`). A request with `X-Site-Key` or a JWT-shaped bearer is a session
 * call (§3.3); anything else must be an API key (§3.1), whose `last_used_at` is updated.
 *
 * @example
 * const principal = await authenticate(c, ctx, { scope: 'works:register', actions: ['register'] });
 */
export async function authenticate(
  c: Context,
  ctx: SandboxContext,
  rule: AccessRule,
): Promise<Principal> {
  const authorization = c.req.header('authorization');
  const siteKey = c.req.header('x-site-key');
  if (isSessionRequest({ authorization, siteKey })) {
    const principal = await authenticateSession(c, ctx, authorization, siteKey);
    if (!rule.actions.includes(principal.claims.action_type)) {
      throw new ApiFailure(
        403,
        'session.scope_denied',
        `A session token for "${principal.claims.action_type}" cannot call this route; it needs ${rule.actions
          .map((action) => `"${action}"`)
          .join(' or ')}.`,
        {
          claim: 'action_type',
          expected: rule.actions.length === 1 ? rule.actions[0] : rule.actions,
          actual: principal.claims.action_type,
        },
      );
    }
    return principal;
  }
  const apiKey = authenticateApiKey(ctx, authorization);
  const organization = findOrganization(ctx.db, apiKey.organization_id)!;
  checkLegacyOrganization(c, organization.id);
  if (organization.is_active !== 1) {
    throw new ApiFailure(403, 'api_key.org_inactive', "The API key's organization is deactivated.");
  }
  if (rule.scope !== null && !scopesOf(apiKey).includes(rule.scope)) {
    throw new ApiFailure(
      403,
      'api_key.scope_denied',
      `This API key lacks the ${rule.scope} scope; create a key with it.`,
      { required: rule.scope },
    );
  }
  ctx.db
    .prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
    .run(ctx.clock.now(), apiKey.id);
  return {
    kind: 'api_key',
    organization,
    apiKey,
    partition: `api_key:${apiKey.id}`,
    maxFileSizeBytes: apiKey.max_file_size_bytes,
  };
}

/**
 * Like `authenticate` for routes where the credential is optional (`GET /v1/stats`): no
 * `Authorization` and no `X-Site-Key` gives `null`; a credential present must be valid.
 */
export async function authenticateOptional(
  c: Context,
  ctx: SandboxContext,
  rule: AccessRule,
): Promise<Principal | null> {
  if (!c.req.header('authorization') && !c.req.header('x-site-key')) return null;
  return authenticate(c, ctx, rule);
}

function authenticateApiKey(ctx: SandboxContext, authorization: string | undefined): ApiKeyRow {
  if (!authorization || authorization.trim() === '') {
    throw new ApiFailure(
      401,
      'common.unauthorized',
      'Send Authorization: Bearer <API key> (afo_sk_live_…) or a widget session token.',
    );
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization.trim());
  const token = match?.[1];
  if (!token || !API_KEY_TOKEN_PATTERN.test(token)) {
    throw new ApiFailure(
      401,
      'api_key.invalid_format',
      'The bearer is not an API key (afo_sk_live_ followed by 48 lowercase hex digits) nor a session token.',
    );
  }
  const key = findApiKeyByToken(ctx.db, token);
  if (!key) {
    throw new ApiFailure(401, 'api_key.not_found', 'No API key matches this token.');
  }
  if (key.revoked_at !== null) {
    throw new ApiFailure(401, 'api_key.revoked', `The API key ${key.prefix}… was revoked.`);
  }
  return key;
}

async function authenticateSession(
  c: Context,
  ctx: SandboxContext,
  authorization: string | undefined,
  siteKey: string | undefined,
): Promise<SessionPrincipal> {
  // The sessions module checks the token and the site key (401), then the site state (403). The
  // legacy {org} must come between the two (api.md §3.4), so the state is checked here after it.
  const result = await ctx.sessions.authenticateSessionRequest({
    authorization,
    siteKey,
    lookupSiteByKey: (key) => {
      const record = siteRecord(ctx, findSiteByKey(ctx.db, key));
      if (!record) return null;
      return {
        site: { ...record.site, isActive: true, widgetEnabled: true },
        organization: { ...record.organization, isActive: true },
      };
    },
  });
  if (!result.ok) throw new ApiFailure(result.status, result.code, result.message, result.details);
  const site = findSiteByKey(ctx.db, result.site.siteKey)!;
  const organization = findOrganization(ctx.db, site.organization_id)!;
  checkLegacyOrganization(c, organization.id);
  if (site.is_active !== 1) {
    throw new ApiFailure(403, 'session.key_inactive', 'The widget site is deactivated.');
  }
  if (site.widget_enabled !== 1) {
    throw new ApiFailure(
      403,
      'session.widget_not_enabled',
      'The widget is not enabled for this site.',
    );
  }
  if (organization.is_active !== 1) {
    throw new ApiFailure(403, 'organization.inactive', "The site's organization is deactivated.");
  }
  return {
    kind: 'session',
    organization,
    site,
    claims: result.claims,
    partition: `site:${site.id}`,
    maxFileSizeBytes: result.claims.max_file_size_bytes ?? site.max_file_size_bytes ?? null,
  };
}

/** Maps a site row to what the sessions module reads. */
export function siteRecord(
  ctx: SandboxContext,
  site: SiteRow | undefined,
): SessionSiteRecord | null {
  if (!site) return null;
  const organization = findOrganization(ctx.db, site.organization_id);
  if (!organization) return null;
  return {
    site: {
      id: site.id,
      organizationId: site.organization_id,
      siteKey: site.site_key,
      allowedOrigins: allowedOriginsOf(site),
      widgetEnabled: site.widget_enabled === 1,
      isActive: site.is_active === 1,
      maxFileSizeBytes: site.max_file_size_bytes,
    },
    organization: { id: organization.id, isActive: organization.is_active === 1 },
  };
}

function checkLegacyOrganization(c: Context, organizationId: string): void {
  const org = c.req.param('org');
  if (org === undefined) return;
  if (org.toLowerCase() !== organizationId) {
    throw new ApiFailure(
      403,
      'api_key.org_mismatch',
      "The organization in the path is not the credential's organization.",
    );
  }
}

/**
 * `403 session.scope_denied` when a request contradicts a pinned claim (api.md §3.3).
 *
 * @example
 * checkPinnedClaim(principal, 'allowed_network', body.network);
 */
export function checkPinnedClaim(
  principal: Principal,
  claim: 'allowed_network' | 'allowed_ats_id' | 'external_user_ref',
  actual: unknown,
): void {
  if (principal.kind !== 'session') return;
  const expected = principal.claims[claim];
  if (expected === undefined || expected === null) return;
  if (expected !== actual) {
    throw new ApiFailure(
      403,
      'session.scope_denied',
      `The session token pins ${claim} to ${JSON.stringify(expected)}; the request asks for ${JSON.stringify(actual ?? null)}.`,
      { claim, expected, actual: actual ?? null },
    );
  }
}
