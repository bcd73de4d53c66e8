import { ConfirmRequestSchema, ownCodeForInitBody, PrepareRequestSchema } from '@ats-kit/core';
import type { Context } from 'hono';
import { authenticate, checkPinnedClaim, type Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { jsonResponse, readJsonBody } from '../http/json';
import type { Router } from '../http/router';
import { isoTimestamp } from '../http/timestamps';
import { parseRequest, validationFailed } from '../http/validation';
import { readIdempotencyKey, runIdempotent } from '../idempotency/idempotency';
import { confirmJob } from '../jobs/confirm-job';
import { prepareJob } from '../jobs/prepare-job';
import {
  creatorReadView,
  creatorsOf,
  findWorkByAccessCode,
  latestVersionOf,
  type WorkRow,
} from '../works/works';
import { assetLink, certificateLink } from './downloads';
import { parseVersionNumber, versionsDocument } from './reads';
import { ACCESS_INIT_SCHEMAS, checkWorkWritable, initVersionJob, UPDATE } from './versions';
import { ownCodeFailure } from './works-register';

/** Access-code lookups: scope `works:read`; sessions `update_version` or `access` (§3.2). */
const LOOKUP = { scope: 'works:read', actions: ['update_version', 'access'] } as const;
/** Access-code version lists and downloads: scope `works:read`; sessions `access`. */
const ACCESS_READ = { scope: 'works:read', actions: ['access'] } as const;

/**
 * Access-code routes (api.md §9): whoever holds a work's code (works registered without a ref)
 * looks it up, lists its versions, downloads, and adds versions. `{code}` is `atc_` + 64 hex in
 * any case (`422 access_code.format_invalid`); unknown or another organization's is
 * `404 access_code.not_found`. The work's network and `ats_id` are held against session pins.
 *
 * @example
 * registerAccessRoutes(router);
 */
export function registerAccessRoutes(router: Router): void {
  const { ctx } = router;
  router.add('GET', '/v1/access/:code/work', async (c) => {
    const principal = await authenticate(c, ctx, LOOKUP);
    const work = resolveAccessCode(ctx, c, principal);
    const latest = latestVersionOf(ctx.db, work);
    return jsonResponse(200, {
      ats_id: work.ats_id,
      title: work.title,
      network: work.network,
      owner_address: work.owner,
      latest_version: work.latest_version,
      latest_commitment: latest.commitment,
      created_at: isoTimestamp(work.created_at),
      asset_filename: latest.asset_filename,
      creators: creatorsOf(latest).map(creatorReadView),
      work_id: work.id,
    });
  });
  router.add('GET', '/v1/access/:code/versions', async (c) => {
    const principal = await authenticate(c, ctx, ACCESS_READ);
    return jsonResponse(200, versionsDocument(ctx, resolveAccessCode(ctx, c, principal)));
  });

  for (const mode of ['keep', 'upload'] as const) {
    const path =
      mode === 'keep' ? '/v1/access/:code/versions/init' : '/v1/access/:code/versions/init-upload';
    router.add('POST', path, async (c) => {
      const principal = await authenticate(c, ctx, UPDATE);
      const key = readIdempotencyKey(c);
      const body = await readJsonBody(c);
      return runIdempotent(c, ctx, principal, key, body, async () => {
        const own = ownCodeForInitBody(body, mode === 'keep' ? 'version' : 'version_upload');
        if (own) throw ownCodeFailure(own);
        const input = parseRequest(ACCESS_INIT_SCHEMAS[mode], body);
        const work = resolveAccessCode(ctx, c, principal);
        if (input.network && input.network !== work.network) {
          throw validationFailed([
            {
              path: 'network',
              code: 'invalid_value',
              message: `network: must be the work's network "${work.network}" (or omitted)`,
            },
          ]);
        }
        checkWorkWritable(principal, work, null);
        return initVersionJob(ctx, c, principal, work, {
          mode,
          creators: input.creators,
          filename: mode === 'upload' ? (input as unknown as { filename: string }).filename : null,
        });
      });
    });
  }
  router.add('POST', '/v1/access/:code/versions/prepare', async (c) => {
    const principal = await authenticate(c, ctx, UPDATE);
    const body = parseRequest(PrepareRequestSchema, await readJsonBody(c));
    const work = resolveAccessCode(ctx, c, principal);
    return jsonResponse(
      200,
      await prepareJob(ctx, principal, body.job_id, { kind: 'add_version', workId: work.id }),
    );
  });
  router.add('POST', '/v1/access/:code/versions/confirm', async (c) => {
    const principal = await authenticate(c, ctx, UPDATE);
    const body = parseRequest(ConfirmRequestSchema, await readJsonBody(c));
    const work = resolveAccessCode(ctx, c, principal);
    return jsonResponse(
      202,
      confirmJob(ctx, principal, body.job_id, { kind: 'add_version', workId: work.id }),
    );
  });

  // The code is the permission: no ref or job binding is needed beyond resolveAccessCode.
  const downloadWork = async (c: Context) => {
    const principal = await authenticate(c, ctx, ACCESS_READ);
    return resolveAccessCode(ctx, c, principal);
  };
  router.add('GET', '/v1/access/:code/download/asset', async (c) => {
    const work = await downloadWork(c);
    return assetLink(ctx, c, work, work.latest_version);
  });
  router.add('GET', '/v1/access/:code/download/certificate', async (c) => {
    const work = await downloadWork(c);
    return certificateLink(ctx, c, work, work.latest_version);
  });
  for (const name of ['audio', 'asset']) {
    router.add('GET', `/v1/access/:code/versions/:version/download/${name}`, async (c) => {
      const work = await downloadWork(c);
      return assetLink(ctx, c, work, parseVersionNumber(c.req.param('version')));
    });
  }
  router.add('GET', '/v1/access/:code/versions/:version/download/certificate', async (c) => {
    const work = await downloadWork(c);
    return certificateLink(ctx, c, work, parseVersionNumber(c.req.param('version')));
  });
}

/** The work of an access code for this caller, with the session pins checked. */
function resolveAccessCode(ctx: SandboxContext, c: Context, principal: Principal): WorkRow {
  const code = c.req.param('code') ?? '';
  if (!/^atc_[0-9a-f]{64}$/i.test(code)) {
    throw new ApiFailure(
      422,
      'access_code.format_invalid',
      'The access code must be atc_ followed by 64 hex digits.',
    );
  }
  const work = findWorkByAccessCode(ctx.db, code.toLowerCase());
  if (!work || work.organization_id !== principal.organization.id) {
    throw new ApiFailure(404, 'access_code.not_found', 'No work has this access code.');
  }
  checkPinnedClaim(principal, 'allowed_network', work.network);
  checkPinnedClaim(principal, 'allowed_ats_id', work.ats_id);
  checkPinnedClaim(principal, 'external_user_ref', work.external_user_ref);
  return work;
}
