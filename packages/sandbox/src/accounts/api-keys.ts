import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  MAX_ACTIVE_API_KEYS,
  MaxFileSizeBytesSchema,
} from '@ats-kit/core';
import * as z from 'zod';
import type { Database } from '../db/database';
import { ApiFailure } from '../http/api-failure';
import { isoOrNull, isoTimestamp } from '../http/timestamps';
import { parseRequest } from '../http/validation';
import {
  API_KEY_TOKEN_PATTERN,
  newApiKeyToken,
  newUuid,
  newWebhookSecretBase64,
  sha256Hex,
} from '../identifiers/identifiers';

/** An API key as stored: the token itself is never kept, only its prefix and SHA-256. */
export interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  prefix: string;
  token_sha256: string;
  scopes: string;
  webhook_url: string | null;
  webhook_secret_base64: string | null;
  max_file_size_bytes: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Characters of the token kept in clear to recognise a key in listings. */
const PREFIX_LENGTH = 12;

const OptionalFieldsSchema = z.object({
  max_file_size_bytes: MaxFileSizeBytesSchema.nullish(),
  token: z
    .string({ error: 'must be a string' })
    .regex(API_KEY_TOKEN_PATTERN, {
      error: 'must be afo_sk_live_ followed by 48 lowercase hex digits',
    })
    .nullish(),
});

/**
 * Creates an API key from a `POST /_sandbox/organizations/{org}/api-keys` body. Checks, in order:
 * name (1–100 characters), scopes (non-empty, known), webhook URL (http or https), then the
 * other fields, then the 10-active-keys limit. Returns the stored row and the token, shown once.
 *
 * @example
 * const { row, token } = createApiKey(db, orgId, { name: 'ci', scopes: ['works:read'] }, now);
 */
export function createApiKey(
  db: Database,
  organizationId: string,
  body: unknown,
  now: number,
): { row: ApiKeyRow; token: string } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { name, scopes, webhook_url: webhookUrl } = input;
  if (typeof name !== 'string' || name.trim() === '' || [...name].length > 100) {
    throw new ApiFailure(
      422,
      'api_key.invalid_name',
      'name must be a string of 1 to 100 characters.',
      { value: name ?? null },
    );
  }
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new ApiFailure(
      422,
      'api_key.scopes_required',
      `scopes must list at least one of ${API_KEY_SCOPES.join(', ')}.`,
      { value: scopes ?? null },
    );
  }
  for (const scope of scopes) {
    if (!(API_KEY_SCOPES as readonly unknown[]).includes(scope)) {
      throw new ApiFailure(
        422,
        'api_key.unknown_scope',
        `Unknown scope ${JSON.stringify(scope)}; use ${API_KEY_SCOPES.join(', ')}.`,
        { value: scope },
      );
    }
  }
  if (webhookUrl !== undefined && webhookUrl !== null) {
    const reason = webhookUrlProblem(webhookUrl);
    if (reason) {
      throw new ApiFailure(
        422,
        'api_key.webhook_url_invalid',
        `webhook_url must be an absolute http or https URL (${reason}).`,
        { value: webhookUrl, reason },
      );
    }
  }
  const rest = parseRequest(OptionalFieldsSchema, {
    max_file_size_bytes: input.max_file_size_bytes,
    token: input.token,
  });
  const token = rest.token ?? newApiKeyToken();
  const hash = sha256Hex(token);
  if (db.prepare('SELECT 1 FROM api_keys WHERE token_sha256 = ?').get(hash)) {
    throw new ApiFailure(422, 'common.validation_failed', 'This token is already used by a key.', {
      fields: [
        { path: 'token', code: 'invalid_value', message: 'token: is already used by another key' },
      ],
    });
  }
  const { active } = db
    .prepare(
      'SELECT COUNT(*) AS active FROM api_keys WHERE organization_id = ? AND revoked_at IS NULL',
    )
    .get(organizationId) as { active: number };
  if (active >= MAX_ACTIVE_API_KEYS) {
    throw new ApiFailure(
      429,
      'api_key.limit_reached',
      `The organization already has ${MAX_ACTIVE_API_KEYS} active keys; revoke one first.`,
      { max: MAX_ACTIVE_API_KEYS },
    );
  }
  const uniqueScopes = [...new Set(scopes as ApiKeyScope[])];
  const row: ApiKeyRow = {
    id: newUuid(),
    organization_id: organizationId,
    name,
    prefix: token.slice(0, PREFIX_LENGTH),
    token_sha256: hash,
    scopes: JSON.stringify(uniqueScopes),
    webhook_url: typeof webhookUrl === 'string' ? webhookUrl : null,
    webhook_secret_base64: typeof webhookUrl === 'string' ? newWebhookSecretBase64() : null,
    max_file_size_bytes: rest.max_file_size_bytes ?? null,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  db.prepare(
    `INSERT INTO api_keys (id, organization_id, name, prefix, token_sha256, scopes, webhook_url,
       webhook_secret_base64, max_file_size_bytes, created_at, last_used_at, revoked_at)
     VALUES (@id, @organization_id, @name, @prefix, @token_sha256, @scopes, @webhook_url,
       @webhook_secret_base64, @max_file_size_bytes, @created_at, @last_used_at, @revoked_at)`,
  ).run(row);
  return { row, token };
}

function webhookUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'not_a_string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not_a_url';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'unsupported_scheme';
  if (url.hostname === '') return 'missing_host';
  return null;
}

/** The key whose token hashes to this value. */
export function findApiKeyByToken(db: Database, token: string): ApiKeyRow | undefined {
  return db.prepare('SELECT * FROM api_keys WHERE token_sha256 = ?').get(sha256Hex(token)) as
    | ApiKeyRow
    | undefined;
}

/** A key by id (any organization). */
export function findApiKey(db: Database, id: string): ApiKeyRow | undefined {
  return db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
}

/** Scopes of a key. */
export function scopesOf(row: ApiKeyRow): string[] {
  return JSON.parse(row.scopes) as string[];
}

/** The create answer: the only one with `token` and `webhook_secret_base64`. */
export function apiKeyCreatedView(row: ApiKeyRow, token: string) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    token,
    scopes: scopesOf(row),
    webhook_url: row.webhook_url,
    webhook_secret_base64: row.webhook_secret_base64,
    max_file_size_bytes: row.max_file_size_bytes,
    created_at: isoTimestamp(row.created_at),
  };
}

/** A key as listed: no token, no secret. */
export function apiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: scopesOf(row),
    webhook_url: row.webhook_url,
    max_file_size_bytes: row.max_file_size_bytes,
    created_at: isoTimestamp(row.created_at),
    last_used_at: isoOrNull(row.last_used_at),
    revoked_at: isoOrNull(row.revoked_at),
  };
}
