import { ListWorksQuerySchema, type Network, WorkLookupQuerySchema } from '@ats-kit/core';
import type { Context } from 'hono';
import { authenticate, checkPinnedClaim, type Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { jsonResponse } from '../http/json';
import type { Router } from '../http/router';
import { parseRequest, validationFailed } from '../http/validation';
import {
  creatorReadView,
  creatorsOf,
  findVersion,
  latestVersionOf,
  versionsOf,
  versionView,
  type WorkRow,
  workSummaryView,
} from '../works/works';
import { parseAtsId } from './versions';

/** Reads: scope `works:read`; sessions `access` or `update_version` carrying a ref (§3.2). */
export const READ = { scope: 'works:read', actions: ['access', 'update_version'] } as const;

/**
 * Reading works (api.md §8.1, §8.2): the list with cursor pagination, the detail, versions and
 * creators of a work by `{ats_id}` (optional `network` query), in both families. Only works whose
 * registration reached finality exist; other organizations' works are `404 work.not_found`.
 *
 * @example
 * registerReadRoutes(router);
 */
export function registerReadRoutes(router: Router): void {
  const { ctx } = router;
  router.addWorks('GET', '', async (c) => listWorks(ctx, c, await readPrincipal(c, ctx)));
  router.addWorks('GET', '/:atsId', async (c) => {
    const work = await lookupWork(ctx, c);
    const latest = latestVersionOf(ctx.db, work);
    return jsonResponse(200, {
      ...workSummaryView(work, latest),
      creators: creatorsOf(latest).map(creatorReadView),
    });
  });
  router.addWorks('GET', '/:atsId/versions', async (c) => {
    const work = await lookupWork(ctx, c);
    return jsonResponse(200, versionsDocument(ctx, work));
  });
  router.addWorks('GET', '/:atsId/creators', async (c) => {
    const work = await lookupWork(ctx, c);
    return jsonResponse(200, creatorsDocument(ctx, work, work.latest_version));
  });
  router.addWorks('GET', '/:atsId/versions/:version/creators', async (c) => {
    const work = await lookupWork(ctx, c);
    return jsonResponse(
      200,
      creatorsDocument(ctx, work, parseVersionNumber(c.req.param('version'))),
    );
  });
}

/**
 * Authenticates a read: a session must carry an `external_user_ref` claim, which then limits what
 * it sees (`403 session.scope_denied` without one).
 */
export async function readPrincipal(c: Context, ctx: SandboxContext): Promise<Principal> {
  const principal = await authenticate(c, ctx, READ);
  if (principal.kind === 'session' && !principal.claims.external_user_ref) {
    throw new ApiFailure(
      403,
      'session.scope_denied',
      'A session reads works only for the external_user_ref it was issued for; this token has none.',
      { claim: 'external_user_ref', expected: 'a user reference', actual: null },
    );
  }
  return principal;
}

/** `{ ats_id, network, work_id, versions[] }`, oldest first. */
export function versionsDocument(ctx: SandboxContext, work: WorkRow) {
  return {
    ats_id: work.ats_id,
    network: work.network,
    work_id: work.id,
    versions: versionsOf(ctx.db, work.id).map(versionView),
  };
}

function creatorsDocument(ctx: SandboxContext, work: WorkRow, version: number) {
  const row = findVersion(ctx.db, work.id, version);
  if (!row) throw versionNotFound(version);
  return {
    ats_id: work.ats_id,
    network: work.network,
    version: row.version,
    creators: creatorsOf(row).map(creatorReadView),
  };
}

/** A `{version}` path segment: a positive integer, else `404 common.not_found`. */
export function parseVersionNumber(text: string | undefined): number {
  if (!text || !/^[1-9]\d{0,8}$/.test(text)) throw versionNotFound(text ?? '');
  return Number(text);
}

export function versionNotFound(version: number | string): ApiFailure {
  return new ApiFailure(404, 'common.not_found', `No version ${version} of this work.`, {
    resource: 'version',
  });
}

/**
 * Finds the work of an `{ats_id}` read route for the caller. Without `network` both networks are
 * searched; an `ats_id` the organization has on both is `422` (`network` required).
 */
async function lookupWork(ctx: SandboxContext, c: Context): Promise<WorkRow> {
  const principal = await readPrincipal(c, ctx);
  const { external_user_ref: _ignored, ...rest } = c.req.query();
  const query = parseRequest(WorkLookupQuerySchema, rest);
  const atsId = parseAtsId(c.req.param('atsId'));
  let networks: Network[] = query.network ? [query.network] : ['testnet', 'mainnet'];
  if (principal.kind === 'session') {
    if (query.network) checkPinnedClaim(principal, 'allowed_network', query.network);
    checkPinnedClaim(principal, 'allowed_ats_id', atsId);
    networks = [principal.claims.allowed_network];
  }
  const matches = networks
    .map(
      (network) =>
        ctx.db
          .prepare('SELECT * FROM works WHERE organization_id = ? AND network = ? AND ats_id = ?')
          .get(principal.organization.id, network, atsId) as WorkRow | undefined,
    )
    .filter((work): work is WorkRow => work !== undefined)
    .filter(
      (work) =>
        principal.kind !== 'session' ||
        work.external_user_ref === principal.claims.external_user_ref,
    );
  if (matches.length > 1) {
    throw validationFailed([
      {
        path: 'network',
        code: 'required',
        message: `network: is required: ats_id ${atsId} exists on both testnet and mainnet`,
      },
    ]);
  }
  const work = matches[0];
  if (!work) {
    throw new ApiFailure(
      404,
      'work.not_found',
      `No work with ats_id ${atsId} in this organization.`,
    );
  }
  return work;
}

interface Cursor {
  c: number;
  i: string;
}

function encodeCursor(work: WorkRow): string {
  return Buffer.from(JSON.stringify({ c: work.created_at, i: work.id })).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.c === 'number' && typeof value.i === 'string') return value;
  } catch {
    // Reported below.
  }
  throw new ApiFailure(400, 'common.bad_request', 'after is not a cursor this API returned.', {
    reason: 'invalid_cursor',
    parameter: 'after',
  });
}

function listWorks(ctx: SandboxContext, c: Context, principal: Principal): Response {
  const query = parseRequest(ListWorksQuerySchema, c.req.query());
  const where = ['organization_id = @org'];
  const params: Record<string, unknown> = { org: principal.organization.id };
  let network = query.network;
  let ref = query.external_user_ref;
  if (principal.kind === 'session') {
    if (network) checkPinnedClaim(principal, 'allowed_network', network);
    network = principal.claims.allowed_network;
    ref = principal.claims.external_user_ref ?? undefined;
  }
  if (network) {
    where.push('network = @network');
    params.network = network;
  }
  if (ref !== undefined) {
    where.push('external_user_ref = @ref');
    params.ref = ref;
  }
  if (query.search) {
    where.push(
      `(instr(lower(title), lower(@search)) > 0 OR EXISTS (SELECT 1 FROM work_versions v
        WHERE v.work_id = works.id AND v.version = works.latest_version
        AND instr(lower(v.asset_filename), lower(@search)) > 0))`,
    );
    params.search = query.search;
  }
  const filter = where.join(' AND ');
  const { total } = ctx.db
    .prepare(`SELECT COUNT(*) AS total FROM works WHERE ${filter}`)
    .get(params) as {
    total: number;
  };
  const first = query.first ?? 20;
  const pageWhere = [filter];
  if (query.after) {
    const cursor = decodeCursor(query.after);
    pageWhere.push(
      '(created_at < @cursorCreated OR (created_at = @cursorCreated AND id < @cursorId))',
    );
    params.cursorCreated = cursor.c;
    params.cursorId = cursor.i;
  }
  const rows = ctx.db
    .prepare(
      `SELECT * FROM works WHERE ${pageWhere.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`,
    )
    .all({ ...params, limit: first + 1 }) as WorkRow[];
  const page = rows.slice(0, first);
  return jsonResponse(200, {
    works: page.map((work) => workSummaryView(work, latestVersionOf(ctx.db, work))),
    page_info: {
      has_next_page: rows.length > first,
      has_previous_page: query.after !== undefined,
      start_cursor: page[0] ? encodeCursor(page[0]) : null,
      end_cursor: page.length > 0 ? encodeCursor(page[page.length - 1]!) : null,
    },
    total_count: total,
  });
}
