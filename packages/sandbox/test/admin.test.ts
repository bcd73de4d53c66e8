import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src';
import { startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('sandbox administration (§17)', () => {
  it('creates organizations and keeps balances at or above 0', async () => {
    const created = await t.call('POST', '/_sandbox/organizations', {
      body: {
        name: 'Org',
        credits: { mainnet: 5 },
        testnet_quota: { limit: 2, period_seconds: 60 },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Org',
      is_active: true,
      credits: { testnet: 0, mainnet: 5 },
      testnet_quota: { limit: 2, period_seconds: 60 },
    });
    const credits = await t.call('POST', `/_sandbox/organizations/${created.body.id}/credits`, {
      body: { network: 'mainnet', amount: -50 },
    });
    expect(credits.body).toEqual({ testnet: 0, mainnet: 0 });
    const missing = await t.call(
      'GET',
      '/_sandbox/organizations/00000000-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
  });

  it('creates API keys shown once, with the §17 errors', async () => {
    const org = await t.admin.createOrganization({ name: 'Keys' });
    const path = `/_sandbox/organizations/${org.id}/api-keys`;
    const created = await t.call('POST', path, {
      body: { name: 'ci', scopes: ['works:read'], webhook_url: 'https://example.com/hook' },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^afo_sk_live_[0-9a-f]{48}$/);
    expect(created.body.prefix).toBe(created.body.token.slice(0, 12));
    expect(Buffer.from(created.body.webhook_secret_base64, 'base64')).toHaveLength(32);
    const listed = await t.call('GET', path);
    expect(listed.body.api_keys[0].token).toBeUndefined();
    expect(listed.body.api_keys[0].webhook_secret_base64).toBeUndefined();
    const errors: [object, string][] = [
      [{ name: '', scopes: ['works:read'] }, 'api_key.invalid_name'],
      [{ name: 'x', scopes: [] }, 'api_key.scopes_required'],
      [{ name: 'x', scopes: ['works:delete'] }, 'api_key.unknown_scope'],
      [
        { name: 'x', scopes: ['works:read'], webhook_url: 'ftp://x' },
        'api_key.webhook_url_invalid',
      ],
    ];
    for (const [body, code] of errors) {
      const answer = await t.call('POST', path, { body });
      expect([answer.status, answer.body.error.code]).toEqual([422, code]);
    }
    for (let i = 1; i < 10; i++)
      await t.admin.createApiKey(org.id, { name: `k${i}`, scopes: ['works:read'] });
    const limit = await t.call('POST', path, {
      body: { name: 'eleventh', scopes: ['works:read'] },
    });
    expect([limit.status, limit.body.error.code, limit.body.error.details.max]).toEqual([
      429,
      'api_key.limit_reached',
      10,
    ]);
    expect(limit.headers.get('retry-after')).not.toBeNull();
    const revoked = await t.call('DELETE', `${path}/${created.body.id}`);
    expect(revoked.status).toBe(204);
    expect((await t.call('DELETE', `${path}/${created.body.id}`)).status).toBe(204);
  });

  it('drives the clock and the chains', async () => {
    const clock = await t.call('PUT', '/_sandbox/clock', {
      body: { block_time_ms: { testnet: 1_000 } },
    });
    expect(clock.body).toMatchObject({
      paused: true,
      time_scale: 1,
      block_time_ms: { testnet: 1_000, mainnet: 6_000 },
    });
    const advanced = await t.call('POST', '/_sandbox/clock/advance', { body: { ms: 5_000 } });
    expect(Date.parse(advanced.body.now) - Date.parse(clock.body.now)).toBe(5_000);
    expect(advanced.body.heights.testnet - clock.body.heights.testnet).toBe(5);
    const mined = await t.call('POST', '/_sandbox/chain/testnet/blocks', { body: { count: 3 } });
    expect(mined.body).toEqual({ network: 'testnet', height: advanced.body.heights.testnet + 3 });
    expect((await t.call('POST', '/_sandbox/chain/devnet/blocks', { body: {} })).status).toBe(404);
  });

  it('changes settings and faults, and reset puts them back', async () => {
    const settings = await t.call('PUT', '/_sandbox/settings', {
      body: { testnet_quote: 'gross', confirm_concurrency: 2 },
    });
    expect(settings.body).toMatchObject({
      testnet_quote: 'gross',
      confirm_concurrency: 2,
      job_ttl_seconds: 3600,
    });
    const bad = await t.call('PUT', '/_sandbox/settings', { body: { confirm_concurrency: 0 } });
    expect(bad.status).toBe(422);
    await t.admin.setFaults({ api_429_rate: 0.5 });
    expect((await t.call('POST', '/_sandbox/reset')).status).toBe(204);
    expect((await t.admin.settings()).testnet_quote).toBe('waived-as-zero');
    expect((await t.admin.faults()).api_429_rate).toBe(0);
    expect((await t.admin.clock()).heights).toEqual({ testnet: 0, mainnet: 0 });
  });

  it('requires the admin token when one is set', async () => {
    const locked = await startSandbox({ memory: true, port: 0, adminToken: 'sesame' });
    const refused = await fetch(`${locked.url}/_sandbox/health`);
    expect(refused.status).toBe(401);
    expect((await locked.admin.health()).status).toBe('ok');
    await locked.close();
  });
});
