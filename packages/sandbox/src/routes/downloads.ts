import { CertificateQuerySchema } from '@ats-kit/core';
import type { Context } from 'hono';
import { authenticate, type Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { jsonResponse } from '../http/json';
import type { Router } from '../http/router';
import { parseRequest } from '../http/validation';
import { UUID_PATTERN } from '../identifiers/identifiers';
import { assertJobAccess } from '../jobs/job-access';
import type { JobRow } from '../jobs/jobs';
import { presignDownload } from '../storage/storage-routes';
import { findVersion, findWork, type WorkRow } from '../works/works';
import { parseVersionNumber, versionNotFound } from './reads';

/** Downloads accept read credentials and write tokens bound to the producing job (§3.2). */
const DOWNLOAD = {
  scope: 'works:read',
  actions: ['access', 'update_version', 'register'],
} as const;

/**
 * Downloads and certificates by work UUID (api.md §8.3): `{ url, expires_at }`, a presigned GET
 * valid 15 minutes. Certificates take `?format=pdf` (default) or `json`.
 *
 * @example
 * registerDownloadRoutes(router);
 */
export function registerDownloadRoutes(router: Router): void {
  const { ctx } = router;
  router.addWorks('GET', '/:workId/download/asset', async (c) => {
    const work = await downloadableWork(ctx, c);
    return assetLink(ctx, c, work, work.latest_version);
  });
  router.addWorks('GET', '/:workId/download/certificate', async (c) => {
    const work = await downloadableWork(ctx, c);
    return certificateLink(ctx, c, work, work.latest_version);
  });
  for (const name of ['audio', 'asset']) {
    router.addWorks('GET', `/:workId/versions/:version/download/${name}`, async (c) => {
      const work = await downloadableWork(ctx, c);
      return assetLink(ctx, c, work, parseVersionNumber(c.req.param('version')));
    });
  }
  router.addWorks('GET', '/:workId/versions/:version/download/certificate', async (c) => {
    const work = await downloadableWork(ctx, c);
    return certificateLink(ctx, c, work, parseVersionNumber(c.req.param('version')));
  });
}

/** `{ url, expires_at }` for a version's file (`404 work.no_asset` when not retained). */
export function assetLink(
  ctx: SandboxContext,
  c: Context,
  work: WorkRow,
  version: number,
): Response {
  const row = findVersion(ctx.db, work.id, version);
  if (!row) throw versionNotFound(version);
  if (!row.file_path) {
    throw new ApiFailure(404, 'work.no_asset', 'The file of this version is not retained.');
  }
  return jsonResponse(
    200,
    presignDownload(ctx, new URL(c.req.url).origin, work.id, version, 'asset'),
  );
}

/** `{ url, expires_at }` for a version's certificate (`404 work.certificate_unavailable`). */
export function certificateLink(
  ctx: SandboxContext,
  c: Context,
  work: WorkRow,
  version: number,
): Response {
  const query = parseRequest(CertificateQuerySchema, c.req.query());
  const row = findVersion(ctx.db, work.id, version);
  if (!row) throw versionNotFound(version);
  if (!row.certificate) {
    throw new ApiFailure(404, 'work.certificate_unavailable', 'The certificate is not issued yet.');
  }
  const object = query.format === 'json' ? 'certificate.json' : 'certificate.pdf';
  return jsonResponse(
    200,
    presignDownload(ctx, new URL(c.req.url).origin, work.id, version, object),
  );
}

async function downloadableWork(ctx: SandboxContext, c: Context): Promise<WorkRow> {
  const principal = await authenticate(c, ctx, DOWNLOAD);
  const id = (c.req.param('workId') ?? '').toLowerCase();
  const work = UUID_PATTERN.test(id) ? findWork(ctx.db, id) : undefined;
  if (!work || work.organization_id !== principal.organization.id) {
    throw new ApiFailure(404, 'work.not_found', `No work with id ${c.req.param('workId')}.`);
  }
  checkDownloadAllowed(ctx, principal, work);
  return work;
}

/**
 * Sessions: an `access` / `update_version` token reads works of its ref; a write token reads the
 * work its job produced (binding a fresh token to that job, §3.3).
 */
export function checkDownloadAllowed(
  ctx: SandboxContext,
  principal: Principal,
  work: WorkRow,
): void {
  if (principal.kind !== 'session') return;
  const { claims } = principal;
  const ref = claims.external_user_ref ?? null;
  if (claims.action_type !== 'register' && ref !== null && ref === work.external_user_ref) return;
  if (claims.action_type === 'access') {
    throw new ApiFailure(
      403,
      'session.scope_denied',
      "The session token's external_user_ref is not the work's.",
      { claim: 'external_user_ref', expected: work.external_user_ref, actual: ref },
    );
  }
  const boundJobId = ctx.tokenBindings.get(claims.jti);
  const producing = ctx.db
    .prepare(
      `SELECT * FROM jobs WHERE work_id = ? AND state = 'confirmed' AND site_id = ? AND session_action = ?
       ORDER BY (id = ?) DESC, created_at DESC LIMIT 1`,
    )
    .get(work.id, principal.site.id, claims.action_type, boundJobId ?? '') as JobRow | undefined;
  if (!producing) {
    throw new ApiFailure(
      403,
      'session.scope_denied',
      'This session token did not produce this work.',
      { claim: 'job_id', expected: boundJobId, actual: null },
    );
  }
  ctx.db.transaction(() => assertJobAccess(ctx, principal, producing, 'download'))();
}
