// api.md §17: the sandbox administration routes (/_sandbox/...): health, reset, organizations,
// credits, API keys, sites, clock, chain blocks, settings, the admin token.
import { DEFAULT_FEE_SCHEDULE } from '@ats-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers';
import {
  API_KEY,
  expectError,
  ISO_MS,
  initBody,
  registerFlow,
  seedOrg,
  UUID,
  virtualNow,
} from './support/spec-harness';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox();
});
afterAll(async () => {
  await t.sandbox.close();
});

const createOrg = (body: unknown) => t.call('POST', '/_sandbox/organizations', { body });

describe('health and the admin token', () => {
  it('GET /_sandbox/health answers { status: "ok", version, now }', async () => {
    const answer = await t.call('GET', '/_sandbox/health');
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ok');
    expect(typeof answer.body.version).toBe('string');
    expect(answer.body.now).toMatch(ISO_MS);
    expect(Date.parse(answer.body.now)).toBe(await virtualNow(t));
  });

  it('requires Authorization: Bearer <admin token> on /_sandbox when one is configured, and only there', async () => {
    const guarded = await startTestSandbox({ adminToken: 'admin-secret-123' });
    try {
      const open = await guarded.call('GET', '/_sandbox/health');
      expect(open.status).toBe(401);
      expect(open.body.error.request_id).toMatch(/^req_/);
      expect(JSON.stringify(open.body)).not.toContain('admin-secret-123');
      expect((await guarded.call('GET', '/_sandbox/health', { token: 'wrong' })).status).toBe(401);
      expect(
        (await guarded.call('GET', '/_sandbox/health', { token: 'admin-secret-123' })).status,
      ).toBe(200);
      expect(
        (await guarded.call('POST', '/_sandbox/organizations', { body: { name: 'x' } })).status,
      ).toBe(401);
      // The API routes do not use the admin token.
      expect((await guarded.call('GET', '/v1/stats')).status).toBe(200);
      expect(await guarded.admin.health()).toMatchObject({ status: 'ok' });
    } finally {
      await guarded.sandbox.close();
    }
  });
});

describe('organizations and credits', () => {
  it('creates an organization: 201 with id, name, is_active, owner_address, credits, testnet_quota, created_at', async () => {
    const answer = await createOrg({ name: 'Acme', credits: { testnet: 5, mainnet: 7 } });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      name: 'Acme',
      is_active: true,
      credits: { testnet: 5, mainnet: 7 },
      testnet_quota: null,
    });
    expect(answer.body.id).toMatch(UUID);
    expect(typeof answer.body.owner_address).toBe('string');
    expect(answer.body.owner_address.length).toBeGreaterThan(0);
    expect(answer.body.created_at).toMatch(ISO_MS);
    const read = await t.call('GET', `/_sandbox/organizations/${answer.body.id}`);
    expect(read.body).toEqual(answer.body);
    const quota = await createOrg({
      name: 'Q',
      testnet_quota: { limit: 3, period_seconds: 86400 },
    });
    expect(quota.body.testnet_quota).toEqual({ limit: 3, period_seconds: 86400 });
  });

  it('gives each organization its own owner address', async () => {
    const a = await createOrg({ name: 'A' });
    const b = await createOrg({ name: 'B' });
    expect(a.body.owner_address).not.toBe(b.body.owner_address);
  });

  it('PATCHes is_active and testnet_quota', async () => {
    const org = await createOrg({ name: 'Patch me' });
    const off = await t.call('PATCH', `/_sandbox/organizations/${org.body.id}`, {
      body: { is_active: false },
    });
    expect(off.status).toBe(200);
    expect(off.body.is_active).toBe(false);
    const quota = await t.call('PATCH', `/_sandbox/organizations/${org.body.id}`, {
      body: { testnet_quota: { limit: 1, period_seconds: 60 } },
    });
    expect(quota.body).toMatchObject({
      is_active: false,
      testnet_quota: { limit: 1, period_seconds: 60 },
    });
    const cleared = await t.call('PATCH', `/_sandbox/organizations/${org.body.id}`, {
      body: { testnet_quota: null },
    });
    expect(cleared.body.testnet_quota).toBeNull();
  });

  it('tops up credits per network (negative allowed, the balance stops at 0)', async () => {
    const org = await createOrg({ name: 'Wallet', credits: { testnet: 10, mainnet: 10 } });
    const path = `/_sandbox/organizations/${org.body.id}/credits`;
    const up = await t.call('POST', path, { body: { network: 'mainnet', amount: 5 } });
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ testnet: 10, mainnet: 15 });
    const down = await t.call('POST', path, { body: { network: 'testnet', amount: -100 } });
    expect(down.body).toEqual({ testnet: 0, mainnet: 15 });
    expect((await t.call('GET', path)).body).toEqual({ testnet: 0, mainnet: 15 });
    expectError(
      await t.call('POST', path, { body: { network: 'mainnet', amount: 1.5 } }),
      422,
      'common.validation_failed',
    );
    expectError(
      await t.call('POST', path, { body: { network: 'devnet', amount: 1 } }),
      422,
      'common.validation_failed',
    );
  });

  it('answers 404 common.not_found for an unknown organization', async () => {
    for (const [method, path] of [
      ['GET', '/_sandbox/organizations/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048'],
      ['GET', '/_sandbox/organizations/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048/credits'],
      ['GET', '/_sandbox/organizations/nope/api-keys'],
    ] as const) {
      expectError(await t.call(method, path), 404, 'common.not_found');
    }
  });

  it('answers 422 for a missing name', async () => {
    expectError(await createOrg({}), 422, 'common.validation_failed');
  });

  it('ignores unknown request fields on admin routes too (§2)', async () => {
    const answer = await createOrg({ name: 'Extra', colour: 'blue' });
    expect(answer.status, answer.text).toBe(201);
  });
});

describe('API keys', () => {
  let orgId: string;
  beforeAll(async () => {
    orgId = (await createOrg({ name: 'Keys' })).body.id;
  });
  const create = (body: unknown, org = orgId) =>
    t.call('POST', `/_sandbox/organizations/${org}/api-keys`, { body });

  it('creates a key: 201 with the token and secret shown once, prefix = the first 12 characters', async () => {
    const answer = await create({
      name: 'server',
      scopes: ['works:register', 'works:read'],
      webhook_url: 'https://hooks.example.com/ats',
      max_file_size_bytes: 5000,
    });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body).toMatchObject({
      name: 'server',
      scopes: ['works:register', 'works:read'],
      webhook_url: 'https://hooks.example.com/ats',
      max_file_size_bytes: 5000,
    });
    expect(answer.body.id).toMatch(UUID);
    expect(answer.body.token).toMatch(API_KEY);
    expect(answer.body.prefix).toBe(answer.body.token.slice(0, 12));
    expect(Buffer.from(answer.body.webhook_secret_base64, 'base64')).toHaveLength(32);
    expect(answer.body.created_at).toMatch(ISO_MS);

    const list = await t.call('GET', `/_sandbox/organizations/${orgId}/api-keys`);
    const listed = list.body.api_keys.find((k: { id: string }) => k.id === answer.body.id);
    expect(listed).toMatchObject({
      id: answer.body.id,
      name: 'server',
      prefix: answer.body.prefix,
      scopes: ['works:register', 'works:read'],
      webhook_url: 'https://hooks.example.com/ats',
      max_file_size_bytes: 5000,
      last_used_at: null,
      revoked_at: null,
    });
    expect(listed).not.toHaveProperty('token');
    expect(listed).not.toHaveProperty('webhook_secret_base64');
    expect(JSON.stringify(list.body)).not.toContain(answer.body.token);
  });

  it('records last_used_at and revoked_at; DELETE answers 204, also when already revoked', async () => {
    const key = await create({ name: 'used', scopes: ['works:read'] });
    await t.call('GET', '/v1/works', { token: key.body.token });
    const listed = async () =>
      (await t.call('GET', `/_sandbox/organizations/${orgId}/api-keys`)).body.api_keys.find(
        (k: { id: string }) => k.id === key.body.id,
      );
    expect((await listed()).last_used_at).toMatch(ISO_MS);
    const del = await t.call('DELETE', `/_sandbox/organizations/${orgId}/api-keys/${key.body.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await listed()).revoked_at).toMatch(ISO_MS);
    expect(
      (await t.call('DELETE', `/_sandbox/organizations/${orgId}/api-keys/${key.body.id}`)).status,
    ).toBe(204);
  });

  it('accepts a fixed token of the right format for fixtures, and refuses a malformed one', async () => {
    const token = `afo_sk_live_${'ab'.repeat(24)}`;
    const answer = await create({ name: 'fixture', scopes: ['works:read'], token });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.token).toBe(token);
    expect((await t.call('GET', '/v1/works', { token })).status).toBe(200);
    expect(
      (await create({ name: 'bad', scopes: ['works:read'], token: 'afo_sk_live_short' })).status,
    ).toBe(422);
  });

  it.each([
    ['an empty name', { name: '', scopes: ['works:read'] }, 'api_key.invalid_name'],
    [
      'a 101-character name',
      { name: 'n'.repeat(101), scopes: ['works:read'] },
      'api_key.invalid_name',
    ],
    ['no scopes', { name: 'k', scopes: [] }, 'api_key.scopes_required'],
    ['missing scopes', { name: 'k' }, 'api_key.scopes_required'],
    [
      'an unknown scope',
      { name: 'k', scopes: ['works:read', 'works:delete'] },
      'api_key.unknown_scope',
    ],
    [
      'an ftp webhook_url',
      { name: 'k', scopes: ['works:read'], webhook_url: 'ftp://x.example.com' },
      'api_key.webhook_url_invalid',
    ],
  ])('answers 422 for %s', async (_label, body, code) => {
    expectError(await create(body), 422, code);
  });

  it('accepts a 100-character name', async () => {
    expect((await create({ name: 'n'.repeat(100), scopes: ['works:read'] })).status).toBe(201);
  });

  it('answers 429 api_key.limit_reached (details.max 10) past 10 active keys; a revoked key frees a slot', async () => {
    const org = (await createOrg({ name: 'Ten keys' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await create({ name: `k${i}`, scopes: ['works:read'] }, org);
      expect(answer.status).toBe(201);
      ids.push(answer.body.id);
    }
    const error = expectError(
      await create({ name: 'k10', scopes: ['works:read'] }, org),
      429,
      'api_key.limit_reached',
    );
    expect(error.details).toMatchObject({ max: 10 });
    await t.call('DELETE', `/_sandbox/organizations/${org}/api-keys/${ids[0]}`);
    expect((await create({ name: 'k10', scopes: ['works:read'] }, org)).status).toBe(201);
  });

  it('answers 404 for deleting an unknown key', async () => {
    expectError(
      await t.call(
        'DELETE',
        `/_sandbox/organizations/${orgId}/api-keys/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048`,
      ),
      404,
      'common.not_found',
    );
  });
});

describe('sites', () => {
  it('creates a site (201, keys shown once) and PATCHes it (no secret_key)', async () => {
    const org = (await createOrg({ name: 'Sites' })).body.id;
    const created = await t.call('POST', `/_sandbox/organizations/${org}/sites`, {
      body: { name: 'shop', allowed_origins: ['shop.example.com', '*.example.com'] },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      name: 'shop',
      allowed_origins: ['shop.example.com', '*.example.com'],
      widget_enabled: true,
      is_active: true,
      max_file_size_bytes: null,
    });
    expect(created.body.id).toMatch(UUID);
    expect(created.body.site_key).toMatch(/^cpk_[0-9a-f]{32}$/);
    expect(created.body.secret_key).toMatch(/^csk_[0-9a-f]{32}$/);
    expect(created.body.created_at).toMatch(ISO_MS);
    const patched = await t.call(
      'PATCH',
      `/_sandbox/organizations/${org}/sites/${created.body.id}`,
      {
        body: {
          allowed_origins: ['other.example.org'],
          widget_enabled: false,
          is_active: false,
          max_file_size_bytes: 99,
        },
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: created.body.id,
      site_key: created.body.site_key,
      allowed_origins: ['other.example.org'],
      widget_enabled: false,
      is_active: false,
      max_file_size_bytes: 99,
    });
    expect(patched.body).not.toHaveProperty('secret_key');
  });

  it('accepts fixed site_key and secret_key of the right format', async () => {
    const org = (await createOrg({ name: 'Fixture site' })).body.id;
    const siteKey = `cpk_${'1'.repeat(32)}`;
    const secretKey = `csk_${'2'.repeat(32)}`;
    const created = await t.call('POST', `/_sandbox/organizations/${org}/sites`, {
      body: {
        name: 'fixed',
        allowed_origins: ['a.example.com'],
        site_key: siteKey,
        secret_key: secretKey,
      },
    });
    expect(created.body).toMatchObject({ site_key: siteKey, secret_key: secretKey });
    const bad = await t.call('POST', `/_sandbox/organizations/${org}/sites`, {
      body: { name: 'bad', allowed_origins: ['a.example.com'], site_key: 'cpk_XYZ' },
    });
    expect(bad.status).toBe(422);
  });
});

describe('clock and chain', () => {
  it('GET /_sandbox/clock: now, time_scale, paused, block_time_ms, heights', async () => {
    const clock = await t.call('GET', '/_sandbox/clock');
    expect(clock.body).toMatchObject({
      time_scale: 1,
      paused: true,
      block_time_ms: { testnet: 12_000, mainnet: 6_000 },
    });
    expect(clock.body.now).toMatch(ISO_MS);
    expect(Number.isInteger(clock.body.heights.testnet)).toBe(true);
    expect(Number.isInteger(clock.body.heights.mainnet)).toBe(true);
  });

  it('POST /_sandbox/clock/advance moves virtual time and produces blocks at the block times', async () => {
    const before = (await t.call('GET', '/_sandbox/clock')).body;
    const after = await t.call('POST', '/_sandbox/clock/advance', { body: { ms: 60_000 } });
    expect(after.status).toBe(200);
    expect(Date.parse(after.body.now) - Date.parse(before.now)).toBe(60_000);
    expect(after.body.heights.testnet - before.heights.testnet).toBe(5);
    expect(after.body.heights.mainnet - before.heights.mainnet).toBe(10);
  });

  it('PUT /_sandbox/clock changes block times, and pausing holds time still', async () => {
    const changed = await t.call('PUT', '/_sandbox/clock', {
      body: { block_time_ms: { testnet: 1_000 } },
    });
    expect(changed.body.block_time_ms).toEqual({ testnet: 1_000, mainnet: 6_000 });
    const advanced = await t.call('POST', '/_sandbox/clock/advance', { body: { ms: 10_000 } });
    expect(advanced.body.heights.testnet - changed.body.heights.testnet).toBe(10);
    await t.call('PUT', '/_sandbox/clock', { body: { block_time_ms: { testnet: 12_000 } } });
    const scaled = await t.call('PUT', '/_sandbox/clock', { body: { time_scale: 10 } });
    expect(scaled.body).toMatchObject({ time_scale: 10, paused: true });
    const a = await virtualNow(t);
    const b = await virtualNow(t);
    expect(b).toBe(a);
    await t.call('PUT', '/_sandbox/clock', { body: { time_scale: 1 } });
  });

  it('answers 422 for a bad advance', async () => {
    expectError(
      await t.call('POST', '/_sandbox/clock/advance', { body: { ms: -5 } }),
      422,
      'common.validation_failed',
    );
    expectError(
      await t.call('POST', '/_sandbox/clock/advance', { body: {} }),
      422,
      'common.validation_failed',
    );
  });

  it('POST /_sandbox/chain/{network}/blocks mines blocks (count 1 by default) and moves a submitted transaction on', async () => {
    const org = await seedOrg(t);
    const flow = await registerFlow(t, org.token);
    await t.admin.advanceClock(1_500);
    expect((await t.call('GET', `/v1/transactions/${flow.txId}`)).body.current_step).toBe(
      'submitting',
    );
    const before = (await t.call('GET', '/_sandbox/clock')).body.heights.testnet;
    const one = await t.call('POST', '/_sandbox/chain/testnet/blocks');
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ network: 'testnet', height: before + 1 });
    expect((await t.call('GET', `/v1/transactions/${flow.txId}`)).body.current_step).toBe(
      'confirming',
    );
    const three = await t.call('POST', '/_sandbox/chain/testnet/blocks', { body: { count: 3 } });
    expect(three.body.height).toBe(before + 4);
    const status = await t.call('GET', `/v1/transactions/${flow.txId}`);
    expect(status.body.current_step).toBe('completed');
    expect(status.body.result.block_number).toBe(before + 1);
    expectError(await t.call('POST', '/_sandbox/chain/devnet/blocks'), 404, 'common.not_found');
  });
});

describe('settings', () => {
  it('answers the documented start values', async () => {
    const settings = await t.call('GET', '/_sandbox/settings');
    expect(settings.body).toMatchObject({
      fees: JSON.parse(JSON.stringify(DEFAULT_FEE_SCHEDULE)),
      testnet_quote: 'waived-as-zero',
      retain_testnet_assets: true,
      confirm_concurrency: 10,
      job_ttl_seconds: 3600,
      cors_extra_origins: [],
    });
  });

  it('PUT changes the given fields only and prices with a changed schedule', async () => {
    const fees = {
      ...DEFAULT_FEE_SCHEDULE,
      register: { ...DEFAULT_FEE_SCHEDULE.register, network_fee: 20 },
    };
    const answer = await t.call('PUT', '/_sandbox/settings', { body: { fees } });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({
      fees: { register: { network_fee: 20 } },
      confirm_concurrency: 10,
    });
    const org = await seedOrg(t);
    const flow = await registerFlow(t, org.token, { network: 'mainnet', noConfirm: true });
    // 20 + 50 + ceil(20 × 0.4) = 8 + 0.
    expect(flow.prepare.body).toMatchObject({
      network_fee_credits: 20,
      service_fee_credits: 8,
      total_price_credits: 78,
    });
    await t.call('PUT', '/_sandbox/settings', { body: { fees: DEFAULT_FEE_SCHEDULE } });
  });

  it.each([
    ['testnet_quote', { testnet_quote: 'net' }],
    ['confirm_concurrency', { confirm_concurrency: 0 }],
    ['job_ttl_seconds', { job_ttl_seconds: -1 }],
    ['fees', { fees: { register: {} } }],
  ])('answers 422 for a bad %s', async (_label, body) => {
    expectError(
      await t.call('PUT', '/_sandbox/settings', { body }),
      422,
      'common.validation_failed',
    );
  });
});

describe('reset', () => {
  it('POST /_sandbox/reset answers 204, removes all data and puts settings and faults back', async () => {
    const own = await startTestSandbox();
    try {
      const org = await seedOrg(own);
      await own.admin.updateSettings({ job_ttl_seconds: 60 } as never);
      await own.admin.setFaults({ api_429_rate: 0.5 });
      const reset = await own.call('POST', '/_sandbox/reset');
      expect(reset.status).toBe(204);
      expectError(
        await own.call('GET', `/_sandbox/organizations/${org.orgId}`),
        404,
        'common.not_found',
      );
      expectError(
        await own.call('POST', '/v1/works/init', { token: org.token, body: initBody() }),
        401,
        'api_key.not_found',
      );
      expect((await own.admin.settings()).job_ttl_seconds).toBe(3600);
      expect((await own.admin.faults()).api_429_rate).toBe(0);
      expect((await own.admin.deliveries()).length).toBe(0);
      expect((await own.call('GET', '/v1/stats')).body.total_works).toBe(0);
    } finally {
      await own.sandbox.close();
    }
  });
});
