import { balanceOf, findOrganization } from '../accounts/organizations';
import { findSiteBySecretKey } from '../accounts/sites';
import { siteRecord } from '../auth/authenticate';
import { jsonResponse, readJsonBody } from '../http/json';
import type { Router } from '../http/router';

/**
 * `POST /v1/sessions` (api.md §11): the integrator's backend exchanges a site's secret key for a
 * 300-second widget token. The checks live in the sessions module; this wires the lookups.
 *
 * @example
 * registerSessionRoutes(router);
 */
export function registerSessionRoutes(router: Router): void {
  const { ctx } = router;
  router.add('POST', '/v1/sessions', async (c) => {
    const body = await readJsonBody(c);
    const answer = await ctx.sessions.handleCreateSession({
      body,
      origin: c.req.header('origin'),
      lookupSiteBySecretKey: (key) => siteRecord(ctx, findSiteBySecretKey(ctx.db, key)),
      balanceFor: (organizationId, network) => {
        const org = findOrganization(ctx.db, organizationId);
        return org ? balanceOf(org, network) : 0;
      },
      requestId: c.get('requestId'),
    });
    return jsonResponse(answer.status, answer.body);
  });
}
