import {
  AdvanceClockRequestSchema,
  CreateOrganizationRequestSchema,
  isNetwork,
  ListDeliveriesQuerySchema,
  ProduceBlocksRequestSchema,
  ReplayDeadLettersRequestSchema,
  TopUpCreditsRequestSchema,
  UpdateClockRequestSchema,
  UpdateOrganizationRequestSchema,
} from '@ats-kit/core';
import {
  type ApiKeyRow,
  apiKeyCreatedView,
  apiKeyView,
  createApiKey,
  findApiKey,
} from '../accounts/api-keys';
import {
  adjustCredits,
  createOrganization,
  organizationView,
  requireOrganization,
} from '../accounts/organizations';
import { createSite, findSite, siteCreatedView, siteView, updateSite } from '../accounts/sites';
import type { SandboxContext } from '../context';
import { ApiFailure } from '../http/api-failure';
import { jsonResponse, readJsonBody } from '../http/json';
import type { Router } from '../http/router';
import { isoTimestamp } from '../http/timestamps';
import { parseRequest } from '../http/validation';
import { resetSandbox } from '../reset';

/**
 * The sandbox's administration routes (api.md §17): health, reset, organizations, credits, API
 * keys, sites, webhook deliveries and DLQ replay, clock, chain blocks, settings, faults. Creates
 * answer `201`, deletes `204`.
 *
 * @example
 * registerAdminRoutes(router);
 */
export function registerAdminRoutes(router: Router): void {
  const { ctx } = router;
  const { db } = ctx;

  router.add('GET', '/_sandbox/health', () =>
    jsonResponse(200, { status: 'ok', version: ctx.version, now: isoTimestamp(ctx.clock.now()) }),
  );

  router.add('POST', '/_sandbox/reset', async () => {
    await resetSandbox(ctx);
    return new Response(null, { status: 204 });
  });

  // Organizations and credits
  router.add('POST', '/_sandbox/organizations', async (c) => {
    const body = parseRequest(CreateOrganizationRequestSchema, await readJsonBody(c));
    const org = db.transaction(() =>
      createOrganization(
        db,
        { name: body.name, credits: body.credits, testnet_quota: body.testnet_quota },
        ctx.clock.now(),
      ),
    )();
    return jsonResponse(201, organizationView(org));
  });
  router.add('GET', '/_sandbox/organizations/:org', (c) =>
    jsonResponse(200, organizationView(requireOrganization(db, c.req.param('org')!))),
  );
  router.add('PATCH', '/_sandbox/organizations/:org', async (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const body = parseRequest(UpdateOrganizationRequestSchema, await readJsonBody(c));
    db.transaction(() => {
      if (body.is_active !== undefined) {
        db.prepare('UPDATE organizations SET is_active = ? WHERE id = ?').run(
          body.is_active ? 1 : 0,
          org.id,
        );
      }
      if (body.testnet_quota !== undefined) {
        db.prepare(
          'UPDATE organizations SET quota_limit = ?, quota_period_seconds = ? WHERE id = ?',
        ).run(
          body.testnet_quota?.limit ?? null,
          body.testnet_quota?.period_seconds ?? null,
          org.id,
        );
      }
    })();
    return jsonResponse(200, organizationView(requireOrganization(db, org.id)));
  });
  router.add('GET', '/_sandbox/organizations/:org/credits', (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    return jsonResponse(200, { testnet: org.credits_testnet, mainnet: org.credits_mainnet });
  });
  router.add('POST', '/_sandbox/organizations/:org/credits', async (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const body = parseRequest(TopUpCreditsRequestSchema, await readJsonBody(c));
    const balances = db.transaction(() => adjustCredits(db, org.id, body.network, body.amount))();
    return jsonResponse(200, balances);
  });

  // API keys
  router.add('POST', '/_sandbox/organizations/:org/api-keys', async (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const body = await readJsonBody(c);
    const { row, token } = db.transaction(() => createApiKey(db, org.id, body, ctx.clock.now()))();
    return jsonResponse(201, apiKeyCreatedView(row, token));
  });
  router.add('GET', '/_sandbox/organizations/:org/api-keys', (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const rows = db
      .prepare('SELECT * FROM api_keys WHERE organization_id = ? ORDER BY created_at, rowid')
      .all(org.id) as ApiKeyRow[];
    return jsonResponse(200, { api_keys: rows.map(apiKeyView) });
  });
  router.add('DELETE', '/_sandbox/organizations/:org/api-keys/:id', (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const key = findApiKey(db, c.req.param('id')!);
    if (!key || key.organization_id !== org.id) {
      throw new ApiFailure(
        404,
        'common.not_found',
        `No API key ${c.req.param('id')!} in this organization.`,
        {
          resource: 'api_key',
        },
      );
    }
    db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(
      ctx.clock.now(),
      key.id,
    );
    return new Response(null, { status: 204 });
  });

  // Widget sites
  router.add('POST', '/_sandbox/organizations/:org/sites', async (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const body = await readJsonBody(c);
    const { row, secretKey } = db.transaction(() =>
      createSite(db, org.id, body, ctx.clock.now()),
    )();
    return jsonResponse(201, siteCreatedView(row, secretKey));
  });
  const requireSite = (orgId: string, id: string) => {
    const site = findSite(db, id);
    if (!site || site.organization_id !== orgId) {
      throw new ApiFailure(404, 'common.not_found', `No site ${id} in this organization.`, {
        resource: 'site',
      });
    }
    return site;
  };
  router.add('GET', '/_sandbox/organizations/:org/sites/:id', (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    return jsonResponse(200, siteView(requireSite(org.id, c.req.param('id')!)));
  });
  router.add('PATCH', '/_sandbox/organizations/:org/sites/:id', async (c) => {
    const org = requireOrganization(db, c.req.param('org')!);
    const site = requireSite(org.id, c.req.param('id')!);
    const body = await readJsonBody(c);
    return jsonResponse(200, siteView(db.transaction(() => updateSite(db, site, body))()));
  });

  // Webhooks
  router.add('GET', '/_sandbox/webhooks/deliveries', (c) => {
    const query = parseRequest(ListDeliveriesQuerySchema, c.req.query());
    const deliveries = ctx.webhooks.list({
      ...(query.status ? { status: query.status } : {}),
      ...(query.transaction_id ? { transactionId: query.transaction_id } : {}),
    });
    return jsonResponse(200, { deliveries });
  });
  router.add('POST', '/_sandbox/webhooks/dlq/replay', async (c) => {
    const body = parseRequest(
      ReplayDeadLettersRequestSchema,
      await readJsonBody(c, { optional: true }),
    );
    const replayed = ctx.webhooks.replay(body.ids);
    ctx.scheduler.poke();
    return jsonResponse(202, { replayed });
  });

  // Clock and chain
  router.add('GET', '/_sandbox/clock', () => jsonResponse(200, clockView(ctx)));
  router.add('PUT', '/_sandbox/clock', async (c) => {
    const body = parseRequest(UpdateClockRequestSchema, await readJsonBody(c, { optional: true }));
    ctx.clock.configure({ timeScale: body.time_scale, paused: body.paused });
    for (const network of ['testnet', 'mainnet'] as const) {
      const ms = body.block_time_ms?.[network];
      if (ms !== undefined) ctx.chain.setBlockTime(network, ms, ctx.clock.now());
    }
    ctx.scheduler.poke();
    return jsonResponse(200, clockView(ctx));
  });
  router.add('POST', '/_sandbox/clock/advance', async (c) => {
    const body = parseRequest(AdvanceClockRequestSchema, await readJsonBody(c));
    await ctx.scheduler.advance(body.ms);
    return jsonResponse(200, clockView(ctx));
  });
  router.add('POST', '/_sandbox/chain/:network/blocks', async (c) => {
    const network = c.req.param('network')!;
    if (!isNetwork(network)) {
      throw new ApiFailure(
        404,
        'common.not_found',
        `No network ${network}; use testnet or mainnet.`,
        {
          resource: 'network',
        },
      );
    }
    const body = parseRequest(
      ProduceBlocksRequestSchema,
      await readJsonBody(c, { optional: true }),
    );
    const count = body.count ?? 1;
    if (count > 10_000) {
      throw new ApiFailure(422, 'common.validation_failed', 'count must be at most 10000.', {
        fields: [{ path: 'count', code: 'invalid_value', message: 'count: must be at most 10000' }],
      });
    }
    ctx.scheduler.catchUp();
    const height = ctx.chain.mine(network, count, ctx.clock.now());
    ctx.scheduler.poke();
    return jsonResponse(200, { network, height });
  });

  // Settings and faults
  router.add('GET', '/_sandbox/settings', () => jsonResponse(200, ctx.settings.current));
  router.add('PUT', '/_sandbox/settings', async (c) =>
    jsonResponse(200, ctx.settings.update(await readJsonBody(c, { optional: true }))),
  );
  router.add('GET', '/_sandbox/faults', () => jsonResponse(200, ctx.faults.current));
  router.add('PUT', '/_sandbox/faults', async (c) =>
    jsonResponse(200, ctx.faults.replace(await readJsonBody(c, { optional: true }))),
  );
}

/** The clock document of `/_sandbox/clock`. */
export function clockView(ctx: SandboxContext) {
  const now = ctx.clock.now();
  return {
    now: isoTimestamp(now),
    time_scale: ctx.clock.timeScale,
    paused: ctx.clock.paused,
    block_time_ms: ctx.chain.blockTimes(),
    heights: ctx.chain.heights(now),
  };
}
