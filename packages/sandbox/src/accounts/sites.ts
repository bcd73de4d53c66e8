import { CreateSiteRequestSchema, UpdateSiteRequestSchema } from '@ats-kit/core';
import type { Database } from '../db/database';
import { ApiFailure } from '../http/api-failure';
import { isoTimestamp } from '../http/timestamps';
import { parseRequest } from '../http/validation';
import { newSecretKey, newSiteKey, newUuid, sha256Hex } from '../identifiers/identifiers';

/** A widget site as stored; the secret key only as its SHA-256. */
export interface SiteRow {
  id: string;
  organization_id: string;
  name: string;
  site_key: string;
  secret_key_sha256: string;
  allowed_origins: string;
  widget_enabled: number;
  is_active: number;
  max_file_size_bytes: number | null;
  created_at: number;
}

/**
 * Creates a widget site from a `POST /_sandbox/organizations/{org}/sites` body. Returns the row
 * and the secret key, shown once.
 *
 * @example
 * const { row, secretKey } = createSite(db, orgId, { name: 'shop', allowed_origins: ['shop.example.com'] }, now);
 */
export function createSite(
  db: Database,
  organizationId: string,
  body: unknown,
  now: number,
): { row: SiteRow; secretKey: string } {
  const input = parseRequest(CreateSiteRequestSchema, body);
  const siteKey = input.site_key ?? newSiteKey();
  const secretKey = input.secret_key ?? newSecretKey();
  const duplicate = (path: string) =>
    new ApiFailure(422, 'common.validation_failed', `This ${path} is already used by a site.`, {
      fields: [
        { path, code: 'invalid_value', message: `${path}: is already used by another site` },
      ],
    });
  if (db.prepare('SELECT 1 FROM sites WHERE site_key = ?').get(siteKey))
    throw duplicate('site_key');
  if (db.prepare('SELECT 1 FROM sites WHERE secret_key_sha256 = ?').get(sha256Hex(secretKey))) {
    throw duplicate('secret_key');
  }
  const row: SiteRow = {
    id: newUuid(),
    organization_id: organizationId,
    name: input.name,
    site_key: siteKey,
    secret_key_sha256: sha256Hex(secretKey),
    allowed_origins: JSON.stringify(input.allowed_origins),
    widget_enabled: input.widget_enabled === false ? 0 : 1,
    is_active: 1,
    max_file_size_bytes: input.max_file_size_bytes ?? null,
    created_at: now,
  };
  db.prepare(
    `INSERT INTO sites (id, organization_id, name, site_key, secret_key_sha256, allowed_origins,
       widget_enabled, is_active, max_file_size_bytes, created_at)
     VALUES (@id, @organization_id, @name, @site_key, @secret_key_sha256, @allowed_origins,
       @widget_enabled, @is_active, @max_file_size_bytes, @created_at)`,
  ).run(row);
  return { row, secretKey };
}

/** Applies a `PATCH /_sandbox/organizations/{org}/sites/{id}` body. */
export function updateSite(db: Database, site: SiteRow, body: unknown): SiteRow {
  const change = parseRequest(UpdateSiteRequestSchema, body);
  const next: SiteRow = { ...site };
  if (change.allowed_origins !== undefined)
    next.allowed_origins = JSON.stringify(change.allowed_origins);
  if (change.widget_enabled !== undefined) next.widget_enabled = change.widget_enabled ? 1 : 0;
  if (change.is_active !== undefined) next.is_active = change.is_active ? 1 : 0;
  if (change.max_file_size_bytes !== undefined)
    next.max_file_size_bytes = change.max_file_size_bytes;
  db.prepare(
    `UPDATE sites SET allowed_origins = @allowed_origins, widget_enabled = @widget_enabled,
       is_active = @is_active, max_file_size_bytes = @max_file_size_bytes WHERE id = @id`,
  ).run(next);
  return next;
}

/** A site by its public key. */
export function findSiteByKey(db: Database, siteKey: string): SiteRow | undefined {
  return db.prepare('SELECT * FROM sites WHERE site_key = ?').get(siteKey) as SiteRow | undefined;
}

/** A site by its secret key (compared by SHA-256). */
export function findSiteBySecretKey(db: Database, secretKey: string): SiteRow | undefined {
  return db.prepare('SELECT * FROM sites WHERE secret_key_sha256 = ?').get(sha256Hex(secretKey)) as
    | SiteRow
    | undefined;
}

/** A site by id. */
export function findSite(db: Database, id: string): SiteRow | undefined {
  return db.prepare('SELECT * FROM sites WHERE id = ?').get(id) as SiteRow | undefined;
}

/** Allowed origins of a site. */
export function allowedOriginsOf(site: SiteRow): string[] {
  return JSON.parse(site.allowed_origins) as string[];
}

/** Allowlists of every active site (CORS). */
export function activeSiteOrigins(db: Database): string[] {
  const rows = db.prepare('SELECT allowed_origins FROM sites WHERE is_active = 1').all() as {
    allowed_origins: string;
  }[];
  return rows.flatMap((row) => JSON.parse(row.allowed_origins) as string[]);
}

/** A site as the PATCH answers it: no secret key. */
export function siteView(site: SiteRow) {
  return {
    id: site.id,
    name: site.name,
    site_key: site.site_key,
    allowed_origins: allowedOriginsOf(site),
    widget_enabled: site.widget_enabled === 1,
    is_active: site.is_active === 1,
    max_file_size_bytes: site.max_file_size_bytes,
    created_at: isoTimestamp(site.created_at),
  };
}

/** The create answer: the only one with `secret_key`. */
export function siteCreatedView(site: SiteRow, secretKey: string) {
  return { ...siteView(site), secret_key: secretKey };
}
