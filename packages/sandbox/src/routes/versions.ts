import {
  AccessInitVersionRequestSchema,
  AccessInitVersionUploadRequestSchema,
  ConfirmRequestSchema,
  InitVersionRequestSchema,
  InitVersionUploadRequestSchema,
  type Network,
  ownCodeForInitBody,
  PrepareRequestSchema,
} from '@ats-kit/core';
import type { Context } from 'hono';
import { authenticate, checkPinnedClaim, type Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { jsonResponse, readJsonBody } from '../http/json';
import type { Router } from '../http/router';
import { parseRequest } from '../http/validation';
import { readIdempotencyKey, runIdempotent } from '../idempotency/idempotency';
import { confirmJob } from '../jobs/confirm-job';
import { createJob } from '../jobs/create-job';
import { findJob } from '../jobs/jobs';
import { prepareJob } from '../jobs/prepare-job';
import { findWorkByAtsId, latestVersionOf, toStoredCreator, type WorkRow } from '../works/works';
import { effectiveExternalUserRef, ownCodeFailure } from './works-register';

/** Version writes: scope `works:update`, session `update_version` (api.md §3.2). */
export const UPDATE = { scope: 'works:update', actions: ['update_version'] } as const;

/**
 * Adding a version (api.md §6): `POST /v1/works/{ats_id}/versions/{init,init-upload,prepare,confirm}`
 * in both families. `{ats_id}` is looked up on the body's network (init routes) or the job's
 * (prepare, confirm).
 *
 * @example
 * registerVersionRoutes(router);
 */
export function registerVersionRoutes(router: Router): void {
  const { ctx } = router;
  for (const mode of ['keep', 'upload'] as const) {
    const suffix = mode === 'keep' ? '/:atsId/versions/init' : '/:atsId/versions/init-upload';
    router.addWorks('POST', suffix, async (c) => {
      const principal = await authenticate(c, ctx, UPDATE);
      const key = readIdempotencyKey(c);
      const body = await readJsonBody(c);
      return runIdempotent(c, ctx, principal, key, body, async () => {
        const own = ownCodeForInitBody(body, mode === 'keep' ? 'version' : 'version_upload');
        if (own) throw ownCodeFailure(own);
        const input =
          mode === 'keep'
            ? parseRequest(InitVersionRequestSchema, body)
            : parseRequest(InitVersionUploadRequestSchema, body);
        const atsId = parseAtsId(c.req.param('atsId'));
        checkPinnedClaim(principal, 'allowed_network', input.network);
        checkPinnedClaim(principal, 'allowed_ats_id', atsId);
        const work = findWorkByAtsId(ctx.db, input.network, atsId);
        if (!work) throw workNotFound(atsId, input.network);
        // A session's ref claim wins; a differing body ref is a scope violation (§3.3).
        effectiveExternalUserRef(principal, input.external_user_ref ?? null);
        checkWorkWritable(principal, work, input.external_user_ref ?? null);
        return initVersionJob(ctx, c, principal, work, {
          mode,
          creators: input.creators,
          filename: mode === 'upload' ? (input as unknown as { filename: string }).filename : null,
        });
      });
    });
  }
  router.addWorks('POST', '/:atsId/versions/prepare', async (c) => {
    const principal = await authenticate(c, ctx, UPDATE);
    const body = parseRequest(PrepareRequestSchema, await readJsonBody(c));
    const atsId = parseAtsId(c.req.param('atsId'));
    const workId = versionJobWork(ctx, body.job_id, atsId);
    return jsonResponse(
      200,
      await prepareJob(ctx, principal, body.job_id, { kind: 'add_version', workId }),
    );
  });
  router.addWorks('POST', '/:atsId/versions/confirm', async (c) => {
    const principal = await authenticate(c, ctx, UPDATE);
    const body = parseRequest(ConfirmRequestSchema, await readJsonBody(c));
    const atsId = parseAtsId(c.req.param('atsId'));
    const workId = versionJobWork(ctx, body.job_id, atsId);
    return jsonResponse(
      202,
      confirmJob(ctx, principal, body.job_id, { kind: 'add_version', workId }),
    );
  });
}

/** Parses `{ats_id}`: a positive integer, else `404 work.not_found`. */
export function parseAtsId(text: string | undefined): number {
  if (!text || !/^[1-9]\d{0,15}$/.test(text)) {
    throw new ApiFailure(
      404,
      'work.not_found',
      `No work with ats_id ${text}; ats_id is a positive integer.`,
    );
  }
  return Number(text);
}

export function workNotFound(atsId: number, network: Network): ApiFailure {
  return new ApiFailure(404, 'work.not_found', `No work with ats_id ${atsId} on ${network}.`);
}

/**
 * The work a version job targets when it matches `{ats_id}` on the job's network; a job id that
 * is not such a job gives a work id no job has, so prepare / confirm answer their `404`.
 */
function versionJobWork(ctx: SandboxContext, jobId: string, atsId: number): string {
  const job = findJob(ctx.db, jobId);
  if (job?.kind !== 'add_version') return '';
  const work = findWorkByAtsId(ctx.db, job.network, atsId);
  return work?.id === job.work_id ? job.work_id : '';
}

/**
 * Who may write a version of this work (api.md §6): the owning organization (`403
 * work.access_forbidden`), a body ref equal to the work's (`403 common.forbidden`,
 * `reason: external_user_ref_mismatch`), and for sessions a ref claim equal to the work's.
 */
export function checkWorkWritable(
  principal: Principal,
  work: WorkRow,
  bodyRef: string | null,
): void {
  if (work.organization_id !== principal.organization.id) {
    throw new ApiFailure(
      403,
      'work.access_forbidden',
      'This work belongs to another organization.',
    );
  }
  if (bodyRef !== null && bodyRef !== work.external_user_ref) {
    throw new ApiFailure(
      403,
      'common.forbidden',
      "external_user_ref does not match the work's; versions keep the ref the work was registered with.",
      { reason: 'external_user_ref_mismatch' },
    );
  }
  if (principal.kind === 'session') {
    const claimed = principal.claims.external_user_ref ?? null;
    if (claimed !== work.external_user_ref) {
      throw new ApiFailure(
        403,
        'session.scope_denied',
        "The session token's external_user_ref is not the work's.",
        { claim: 'external_user_ref', expected: work.external_user_ref, actual: claimed },
      );
    }
  }
}

/** Creates a version job (keeping the file, or with a new upload) and answers the init. */
export function initVersionJob(
  ctx: SandboxContext,
  c: Context,
  principal: Principal,
  work: WorkRow,
  spec: {
    mode: 'keep' | 'upload';
    creators: Parameters<typeof toStoredCreator>[0][];
    filename: string | null;
  },
): Response {
  const latest = latestVersionOf(ctx.db, work);
  const created = createJob(ctx, principal, new URL(c.req.url).origin, {
    kind: 'add_version',
    network: work.network,
    workId: work.id,
    title: work.title,
    filename: spec.filename ?? latest.asset_filename,
    creators: spec.creators.map(toStoredCreator),
    externalUserRef: work.external_user_ref,
    reusesFile: spec.mode === 'keep',
  });
  if (spec.mode === 'keep') return jsonResponse(200, { job_id: created.job.id });
  return jsonResponse(200, {
    job_id: created.job.id,
    upload_url: created.uploadUrl,
    upload_expires_at: created.uploadExpiresAt,
  });
}

/** The access-code init bodies (network optional; must be the work's). */
export const ACCESS_INIT_SCHEMAS = {
  keep: AccessInitVersionRequestSchema,
  upload: AccessInitVersionUploadRequestSchema,
} as const;
