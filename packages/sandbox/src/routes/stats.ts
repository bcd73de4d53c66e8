import { MAX_ASSET_SIZE_BYTES, StatsQuerySchema } from '@ats-kit/core';
import { authenticateOptional } from '../auth/authenticate';
import { jsonResponse } from '../http/json';
import type { Router } from '../http/router';
import { parseRequest } from '../http/validation';

/**
 * `GET /v1/stats` (api.md §10): `network` query (default testnet), credential optional. With one:
 * the organization's works on that network and the caller's effective file limit; without: all
 * works and 500,000,000.
 *
 * @example
 * registerStatsRoutes(router);
 */
export function registerStatsRoutes(router: Router): void {
  const { ctx } = router;
  router.add('GET', '/v1/stats', async (c) => {
    // Any valid credential will do, whatever its scope or action.
    const principal = await authenticateOptional(c, ctx, {
      scope: null,
      actions: ['register', 'update_version', 'access'],
    });
    const query = parseRequest(StatsQuerySchema, c.req.query());
    const network = query.network ?? 'testnet';
    if (!principal) {
      const { total } = ctx.db
        .prepare('SELECT COUNT(*) AS total FROM works WHERE network = ?')
        .get(network) as { total: number };
      return jsonResponse(200, { total_works: total, max_audio_size_bytes: MAX_ASSET_SIZE_BYTES });
    }
    const { total } = ctx.db
      .prepare('SELECT COUNT(*) AS total FROM works WHERE network = ? AND organization_id = ?')
      .get(network, principal.organization.id) as { total: number };
    const limits = [MAX_ASSET_SIZE_BYTES, ctx.settings.current.fees.max_asset_bytes];
    if (principal.maxFileSizeBytes !== null) limits.push(principal.maxFileSizeBytes);
    return jsonResponse(200, { total_works: total, max_audio_size_bytes: Math.min(...limits) });
  });
}
