import { createHash } from 'node:crypto';
import { apiKeyCreatedView, createApiKey, findApiKey } from '../accounts/api-keys';
import { createOrganization, findOrganization, organizationView } from '../accounts/organizations';
import { createSite, findSite } from '../accounts/sites';
import type { DemoFixtures } from '../admin-client';
import type { SandboxContext } from '../context';
import { readMeta, writeMeta } from '../db/database';
import { sha256Hex } from '../identifiers/identifiers';

// Fixed, public demo credentials: the sandbox stores tokens hashed, so fixed values are what lets
// the CLI print them again on every start. Never use them outside a local sandbox.
const derive = (label: string, length: number) =>
  createHash('sha256').update(`ats-sandbox demo ${label}`).digest('hex').slice(0, length);

/** The demo API key token. */
export const DEMO_API_KEY = `afo_sk_live_${derive('api key', 48)}`;
/** The demo widget site key. */
export const DEMO_SITE_KEY = `cpk_${derive('site key', 32)}`;
/** The demo widget secret key. */
export const DEMO_SECRET_KEY = `csk_${derive('secret key', 32)}`;

interface DemoMeta {
  organization_id: string;
  api_key_id: string;
  site_id: string;
}

/**
 * Creates the demo organization (1000 credits per network), an all-scopes API key with a webhook
 * URL, and a widget site for `localhost`, or finds them again on an existing data directory.
 * Idempotent: calling it on every start returns the same fixtures.
 *
 * @example
 * const demo = ensureDemoFixtures(ctx, { webhookUrl: 'http://127.0.0.1:3000/webhooks/ats' });
 */
export function ensureDemoFixtures(
  ctx: SandboxContext,
  options: { webhookUrl?: string | undefined } = {},
): DemoFixtures {
  const { db } = ctx;
  return db.transaction(() => {
    const meta = readMeta<DemoMeta>(db, 'demo');
    const existingOrg = meta ? findOrganization(db, meta.organization_id) : undefined;
    const existingKey = meta ? findApiKey(db, meta.api_key_id) : undefined;
    const existingSite = meta ? findSite(db, meta.site_id) : undefined;
    if (existingOrg && existingKey && existingSite) {
      return {
        organization: organizationView(existingOrg),
        apiKey: DEMO_API_KEY,
        apiKeyId: existingKey.id,
        webhookSecretBase64: existingKey.webhook_secret_base64 ?? '',
        siteKey: existingSite.site_key,
        secretKey: DEMO_SECRET_KEY,
      };
    }
    const now = ctx.clock.now();
    // Stale fixtures (after a reset): free the fixed tokens before creating them again.
    db.prepare('DELETE FROM api_keys WHERE token_sha256 = ?').run(sha256Hex(DEMO_API_KEY));
    db.prepare('DELETE FROM sites WHERE site_key = ?').run(DEMO_SITE_KEY);
    const organization = createOrganization(
      db,
      { name: 'Demo organization', credits: { testnet: 1000, mainnet: 1000 } },
      now,
    );
    const { row: key } = createApiKey(
      db,
      organization.id,
      {
        name: 'demo',
        scopes: ['works:register', 'works:update', 'works:read'],
        webhook_url: options.webhookUrl ?? 'http://127.0.0.1:3000/webhooks/ats',
        token: DEMO_API_KEY,
      },
      now,
    );
    const { row: site } = createSite(
      db,
      organization.id,
      {
        name: 'demo site',
        allowed_origins: ['localhost', '127.0.0.1'],
        site_key: DEMO_SITE_KEY,
        secret_key: DEMO_SECRET_KEY,
      },
      now,
    );
    writeMeta(db, 'demo', {
      organization_id: organization.id,
      api_key_id: key.id,
      site_id: site.id,
    });
    const created = apiKeyCreatedView(key, DEMO_API_KEY);
    return {
      organization: organizationView(organization),
      apiKey: DEMO_API_KEY,
      apiKeyId: key.id,
      webhookSecretBase64: created.webhook_secret_base64 ?? '',
      siteKey: site.site_key,
      secretKey: DEMO_SECRET_KEY,
    };
  })();
}
