import {
  ConfirmRequestSchema,
  InitWorkRequestSchema,
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
import { prepareJob } from '../jobs/prepare-job';
import { toStoredCreator } from '../works/works';

const REGISTER = { scope: 'works:register', actions: ['register'] } as const;

/**
 * Registering a work (api.md §5): `POST /v1/works/{init,prepare,confirm}`, canonical and legacy
 * families.
 *
 * @example
 * registerWorkRegistrationRoutes(router);
 */
export function registerWorkRegistrationRoutes(router: Router): void {
  const { ctx } = router;
  router.addWorks('POST', '/init', (c) => initWork(ctx, c));
  router.addWorks('POST', '/prepare', async (c) => {
    const principal = await authenticate(c, ctx, REGISTER);
    const body = parseRequest(PrepareRequestSchema, await readJsonBody(c));
    return jsonResponse(200, await prepareJob(ctx, principal, body.job_id, { kind: 'register' }));
  });
  router.addWorks('POST', '/confirm', async (c) => {
    const principal = await authenticate(c, ctx, REGISTER);
    const body = parseRequest(ConfirmRequestSchema, await readJsonBody(c));
    return jsonResponse(202, confirmJob(ctx, principal, body.job_id, { kind: 'register' }));
  });
}

async function initWork(ctx: SandboxContext, c: Context): Promise<Response> {
  const principal = await authenticate(c, ctx, REGISTER);
  const key = readIdempotencyKey(c);
  const body = await readJsonBody(c);
  return runIdempotent(c, ctx, principal, key, body, async () => {
    const own = ownCodeForInitBody(body, 'register');
    if (own) throw ownCodeFailure(own);
    const input = parseRequest(InitWorkRequestSchema, body);
    checkPinnedClaim(principal, 'allowed_network', input.network);
    const externalUserRef = effectiveExternalUserRef(principal, input.external_user_ref ?? null);
    const created = createJob(ctx, principal, new URL(c.req.url).origin, {
      kind: 'register',
      network: input.network,
      title: input.title,
      filename: input.filename,
      creators: input.creators.map(toStoredCreator),
      externalUserRef,
      reusesFile: false,
    });
    return jsonResponse(200, {
      job_id: created.job.id,
      upload_url: created.uploadUrl,
      upload_expires_at: created.uploadExpiresAt,
    });
  });
}

/**
 * The ref a job gets: a session's `external_user_ref` claim, which a differing body ref
 * contradicts (`403 session.scope_denied`); else the body's.
 */
export function effectiveExternalUserRef(
  principal: Principal,
  bodyRef: string | null,
): string | null {
  if (principal.kind !== 'session') return bodyRef;
  const claimed = principal.claims.external_user_ref ?? null;
  if (claimed === null) return bodyRef;
  if (bodyRef !== null) checkPinnedClaim(principal, 'external_user_ref', bodyRef);
  return claimed;
}

const OWN_CODE_MESSAGES: Record<string, string> = {
  'registration.title_required': 'title is required: send the work title (1 to 255 characters).',
  'registration.filename_required': 'filename is required: send the file name users will see.',
  'registration.creators_required': 'creators is required: list 1 to 32 creators.',
};

/** The `422` of an empty or missing title, filename or creators list (api.md §4). */
export function ownCodeFailure(code: string): ApiFailure {
  return new ApiFailure(422, code, OWN_CODE_MESSAGES[code] ?? `${code}.`);
}
