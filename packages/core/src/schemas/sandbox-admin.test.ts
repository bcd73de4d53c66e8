import { describe, expect, it } from 'vitest';
import { DEFAULT_FEE_SCHEDULE, type FeeSchedule } from '../fees';
import { toFieldErrors } from './errors';
import {
  AdvanceClockRequestSchema,
  ApiKeyCreatedSchema,
  ApiKeyListSchema,
  CreateApiKeyRequestSchema,
  CreateOrganizationRequestSchema,
  CreateSiteRequestSchema,
  CreditBalancesSchema,
  DEFAULT_SANDBOX_FAULTS,
  FeeScheduleSchema,
  OrganizationSchema,
  ProduceBlocksRequestSchema,
  ProduceBlocksResponseSchema,
  ReplayDeadLettersRequestSchema,
  SandboxClockSchema,
  SandboxFaultsSchema,
  SandboxHealthSchema,
  SandboxSettingsSchema,
  SiteCreatedSchema,
  SiteSchema,
  TopUpCreditsRequestSchema,
  UpdateClockRequestSchema,
  UpdateFaultsRequestSchema,
  UpdateOrganizationRequestSchema,
  UpdateSandboxSettingsRequestSchema,
  UpdateSiteRequestSchema,
  WebhookDeliveryListSchema,
} from './sandbox-admin';

const ORG = '8d6f7a2c-1b3e-4c5d-9e8f-0a1b2c3d4e5f';
const KEY = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const TX = '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const NOW = '2026-04-30T11:00:00.000Z';

function fieldsOf(result: { success: boolean; error?: unknown }) {
  if (result.success) return [];
  return toFieldErrors(result.error as Parameters<typeof toFieldErrors>[0]).map(
    ({ path, code }) => `${path}:${code}`,
  );
}

describe('health', () => {
  it('parses { status, version, now }', () => {
    expect(SandboxHealthSchema.parse({ status: 'ok', version: '0.1.0', now: NOW })).toEqual({
      status: 'ok',
      version: '0.1.0',
      now: NOW,
    });
  });
});

describe('organizations and credits', () => {
  it('creates with a name, optional credits and quota', () => {
    const body = {
      name: 'Label',
      credits: { testnet: 100, mainnet: 75 },
      testnet_quota: { limit: 50, period_seconds: 86400 },
    };
    expect(CreateOrganizationRequestSchema.parse(body)).toEqual(body);
    expect(CreateOrganizationRequestSchema.parse({ name: 'Label' })).toEqual({ name: 'Label' });
    expect(fieldsOf(CreateOrganizationRequestSchema.safeParse({ name: 'L', credit: 1 }))).toEqual([
      'credit:invalid_value',
    ]);
  });

  it('reads the organization; no quota is null', () => {
    const organization = OrganizationSchema.parse({
      id: ORG,
      name: 'Label',
      is_active: true,
      owner_address: '5Grw',
      credits: { testnet: 100, mainnet: 0 },
      created_at: NOW,
    });
    expect(organization.testnet_quota).toBeNull();
  });

  it('patches is_active and the quota', () => {
    expect(
      UpdateOrganizationRequestSchema.parse({ is_active: false, testnet_quota: null }),
    ).toEqual({
      is_active: false,
      testnet_quota: null,
    });
  });

  it('tops up by an integer, negative allowed', () => {
    expect(TopUpCreditsRequestSchema.parse({ network: 'mainnet', amount: -5 })).toEqual({
      network: 'mainnet',
      amount: -5,
    });
    expect(
      fieldsOf(TopUpCreditsRequestSchema.safeParse({ network: 'mainnet', amount: 1.5 })),
    ).toEqual(['amount:invalid_type']);
    expect(CreditBalancesSchema.parse({ testnet: 0, mainnet: 75 })).toEqual({
      testnet: 0,
      mainnet: 75,
    });
  });
});

describe('API keys', () => {
  it('creates with name (1–100), known scopes, an http(s) webhook URL and a fixture token', () => {
    const body = {
      name: 'backend',
      scopes: ['works:register', 'works:read'],
      webhook_url: 'http://127.0.0.1:9000/hooks',
      max_file_size_bytes: 1_000_000,
      token: `afo_sk_live_${'0a'.repeat(24)}`,
    };
    expect(CreateApiKeyRequestSchema.parse(body)).toEqual(body);
    expect(
      fieldsOf(
        CreateApiKeyRequestSchema.safeParse({
          name: 'x'.repeat(101),
          scopes: ['works:delete'],
          webhook_url: 'ftp://example.com',
          token: 'afo_sk_live_short',
        }),
      ),
    ).toEqual([
      'name:too_long',
      'scopes[0]:invalid_value',
      'webhook_url:invalid_format',
      'token:invalid_format',
    ]);
    expect(fieldsOf(CreateApiKeyRequestSchema.safeParse({ name: '', scopes: [] }))).toEqual([
      'name:too_short',
      'scopes:too_few',
    ]);
  });

  it('reads the create answer and the list', () => {
    const created = ApiKeyCreatedSchema.parse({
      id: KEY,
      name: 'backend',
      prefix: 'afo_sk_live_',
      token: `afo_sk_live_${'0a'.repeat(24)}`,
      scopes: ['works:register', 'works:admin'],
      webhook_url: null,
      webhook_secret_base64: null,
      max_file_size_bytes: null,
      created_at: NOW,
    });
    expect(created.scopes).toEqual(['works:register', 'works:admin']);
    const list = ApiKeyListSchema.parse({
      api_keys: [
        {
          id: KEY,
          name: 'backend',
          prefix: 'afo_sk_live_',
          scopes: ['works:read'],
          webhook_url: 'http://127.0.0.1:9000/hooks',
          created_at: NOW,
          last_used_at: NOW,
          revoked_at: null,
        },
      ],
    });
    expect(list.api_keys[0]).toMatchObject({ max_file_size_bytes: null, revoked_at: null });
  });
});

describe('sites', () => {
  it('creates with allowed origins and fixture keys in the sandbox format', () => {
    const body = {
      name: 'Shop',
      allowed_origins: ['shop.example.com', '*.example.com'],
      widget_enabled: true,
      site_key: `cpk_${'1f'.repeat(16)}`,
      secret_key: `csk_${'2e'.repeat(16)}`,
    };
    expect(CreateSiteRequestSchema.parse(body)).toEqual(body);
    expect(fieldsOf(CreateSiteRequestSchema.safeParse({ ...body, site_key: 'cpk_XYZ' }))).toEqual([
      'site_key:invalid_format',
    ]);
    expect(UpdateSiteRequestSchema.parse({ is_active: false })).toEqual({ is_active: false });
  });

  it('shows secret_key only in the create answer', () => {
    const site = {
      id: KEY,
      name: 'Shop',
      site_key: `cpk_${'1f'.repeat(16)}`,
      allowed_origins: ['shop.example.com'],
      widget_enabled: true,
      is_active: true,
      max_file_size_bytes: null,
      created_at: NOW,
    };
    expect(
      SiteCreatedSchema.parse({ ...site, secret_key: `csk_${'2e'.repeat(16)}` }).secret_key,
    ).toBe(`csk_${'2e'.repeat(16)}`);
    expect(SiteCreatedSchema.safeParse(site).success).toBe(false);
    expect(SiteSchema.parse({ ...site, secret_key: 'csk_x' })).not.toHaveProperty('secret_key');
  });
});

describe('webhook deliveries and the DLQ', () => {
  it('reads deliveries with attempts', () => {
    const list = WebhookDeliveryListSchema.parse({
      deliveries: [
        {
          id: 'dlv_1',
          api_key_id: KEY,
          url: 'http://127.0.0.1:9000/hooks',
          event: 'work_registered',
          transaction_id: TX,
          status: 'dead',
          attempts: [
            { n: 1, at: NOW, http_status: 500, error: null },
            { n: 2, at: NOW, http_status: null, error: 'ECONNREFUSED' },
          ],
          next_attempt_at: null,
          body: '{"event":"work_registered"}',
        },
      ],
    });
    expect(list.deliveries[0]?.attempts[1]?.error).toBe('ECONNREFUSED');
  });

  it('replays some or all dead deliveries', () => {
    expect(ReplayDeadLettersRequestSchema.parse({})).toEqual({});
    expect(ReplayDeadLettersRequestSchema.parse({ ids: ['dlv_1'] })).toEqual({ ids: ['dlv_1'] });
  });
});

describe('clock and chain', () => {
  it('sets, advances and reads the clock', () => {
    expect(
      UpdateClockRequestSchema.parse({
        time_scale: 10,
        paused: false,
        block_time_ms: { testnet: 1000 },
      }),
    ).toEqual({ time_scale: 10, paused: false, block_time_ms: { testnet: 1000 } });
    expect(fieldsOf(UpdateClockRequestSchema.safeParse({ time_scale: 0 }))).toEqual([
      'time_scale:invalid_value',
    ]);
    expect(AdvanceClockRequestSchema.parse({ ms: 12000 })).toEqual({ ms: 12000 });
    expect(fieldsOf(AdvanceClockRequestSchema.safeParse({ ms: -1 }))).toEqual(['ms:invalid_value']);
    const clock = SandboxClockSchema.parse({
      now: NOW,
      time_scale: 1,
      paused: true,
      block_time_ms: { testnet: 12000, mainnet: 6000 },
      heights: { testnet: 3, mainnet: 0 },
    });
    expect(clock.heights.testnet).toBe(3);
  });

  it('produces blocks', () => {
    expect(ProduceBlocksRequestSchema.parse({})).toEqual({});
    expect(ProduceBlocksRequestSchema.parse({ count: 2 })).toEqual({ count: 2 });
    expect(ProduceBlocksResponseSchema.parse({ network: 'testnet', height: 5 })).toEqual({
      network: 'testnet',
      height: 5,
    });
  });
});

describe('settings and the fee schedule', () => {
  it('accepts the default schedule of the fee functions', () => {
    const parsed: FeeSchedule = FeeScheduleSchema.parse(DEFAULT_FEE_SCHEDULE);
    expect(parsed).toEqual(DEFAULT_FEE_SCHEDULE);
    expect(DEFAULT_FEE_SCHEDULE).toEqual({
      register: { network_fee: 12, base_deposit: 30, version_deposit: 20, service_fee_bps: 4000 },
      update: { network_fee: 12, version_deposit: 20, service_fee_bps: 4000 },
      storage: {
        free_bytes: 10_485_760,
        tiers: [
          { up_to_mib: 50, credits_per_mib: 1 },
          { up_to_mib: 100, credits_per_mib: 2 },
          { up_to_mib: 250, credits_per_mib: 3 },
          { up_to_mib: 500, credits_per_mib: 4 },
        ],
      },
      max_asset_bytes: 500_000_000,
    });
  });

  it('refuses fractional amounts, unordered tiers and unknown fields', () => {
    const tiers = [
      { up_to_mib: 100, credits_per_mib: 1 },
      { up_to_mib: 50, credits_per_mib: 2.5 },
    ];
    const result = FeeScheduleSchema.safeParse({
      ...DEFAULT_FEE_SCHEDULE,
      register: { ...DEFAULT_FEE_SCHEDULE.register, vat: 1 },
      storage: { ...DEFAULT_FEE_SCHEDULE.storage, tiers },
    });
    expect(fieldsOf(result)).toEqual([
      'register.vat:invalid_value',
      'storage.tiers[1].credits_per_mib:invalid_type',
    ]);
    const unordered = FeeScheduleSchema.safeParse({
      ...DEFAULT_FEE_SCHEDULE,
      storage: {
        ...DEFAULT_FEE_SCHEDULE.storage,
        tiers: [tiers[0], { up_to_mib: 50, credits_per_mib: 2 }],
      },
    });
    expect(fieldsOf(unordered)).toEqual(['storage.tiers[1].up_to_mib:invalid_value']);
  });

  it('reads and updates the settings', () => {
    const settings = {
      fees: DEFAULT_FEE_SCHEDULE,
      testnet_quote: 'waived-as-zero',
      retain_testnet_assets: true,
      confirm_concurrency: 10,
      job_ttl_seconds: 3600,
      cors_extra_origins: [],
    };
    expect(SandboxSettingsSchema.parse({ ...settings, new_setting: 1 })).toEqual(settings);
    expect(UpdateSandboxSettingsRequestSchema.parse({ testnet_quote: 'gross' })).toEqual({
      testnet_quote: 'gross',
    });
    expect(
      fieldsOf(UpdateSandboxSettingsRequestSchema.safeParse({ testnet_quote: 'net' })),
    ).toEqual(['testnet_quote:invalid_value']);
  });
});

describe('faults', () => {
  it('round-trips the defaults', () => {
    expect(SandboxFaultsSchema.parse(DEFAULT_SANDBOX_FAULTS)).toEqual(DEFAULT_SANDBOX_FAULTS);
    expect(Object.isFrozen(DEFAULT_SANDBOX_FAULTS.rules)).toBe(true);
  });

  it('accepts rates, latency and rules', () => {
    const body = {
      seed: 42,
      api_5xx_rate: 0.2,
      api_5xx_phase: 'after',
      chain_failure_rate: 1,
      latency_ms: { min: 10, max: 50 },
      rules: [
        {
          method: 'POST',
          path: '/v1/works/*/confirm',
          status: 503,
          code: 'common.service_unavailable',
          retry_after: 2,
          times: 1,
        },
        { method: 'GET', path: '/v1/stats', status: 429, code: 'common.rate_limited' },
      ],
    };
    expect(UpdateFaultsRequestSchema.parse(body)).toEqual(body);
  });

  it('refuses rates outside 0–1, inverted latency and bad rules', () => {
    const result = UpdateFaultsRequestSchema.safeParse({
      ws_drop_rate: 1.5,
      api_5xx_phase: 'during',
      latency_ms: { min: 50, max: 10 },
      rules: [{ method: 'GET', path: '/v1/stats', status: 99, code: '' }],
    });
    expect(fieldsOf(result)).toEqual([
      'api_5xx_phase:invalid_value',
      'ws_drop_rate:invalid_value',
      'latency_ms.max:invalid_value',
      'rules[0].status:invalid_value',
      'rules[0].code:too_short',
    ]);
  });
});
