import type { Network } from '@ats-kit/core';
import { describe, expect, it } from 'vitest';
import { createSessionService, isSessionRequest, type SessionSiteRecord } from './session-service';
import { mintSessionToken, siteKeyHash, verifySessionToken } from './session-token';

const secret = 'sandbox-session-secret-for-tests-0123456789';
const ORG = '2f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048';
const SITE_KEY = 'cpk_0123456789abcdef0123456789abcdef';
const SECRET_KEY = 'csk_fedcba9876543210fedcba9876543210';
const START = Date.UTC(2026, 3, 30, 11, 0, 0);

function fixture(
  overrides: {
    site?: Partial<SessionSiteRecord['site']>;
    organization?: Partial<SessionSiteRecord['organization']>;
    balances?: Partial<Record<Network, number>>;
  } = {},
) {
  const clock = {
    t: START,
    now() {
      return this.t;
    },
  };
  const record: SessionSiteRecord = {
    site: {
      id: 'site-1',
      organizationId: ORG,
      siteKey: SITE_KEY,
      allowedOrigins: ['shop.example.com', '*.example.org'],
      widgetEnabled: true,
      isActive: true,
      maxFileSizeBytes: null,
      ...overrides.site,
    },
    organization: { id: ORG, isActive: true, ...overrides.organization },
  };
  const balances = { testnet: 0, mainnet: 1_000, ...overrides.balances };
  const service = createSessionService({ secret, clock });
  const create = (body: unknown, origin: string | null = 'https://shop.example.com') =>
    service.handleCreateSession({
      body,
      origin,
      lookupSiteBySecretKey: (key) => (key === SECRET_KEY ? record : null),
      balanceFor: (org, network) => (org === ORG ? balances[network] : 0),
      requestId: 'req_000000000000000000000001',
    });
  const authenticate = (authorization: string | undefined, siteKey: string | undefined) =>
    service.authenticateSessionRequest({
      authorization,
      siteKey,
      lookupSiteByKey: (key) => (key === SITE_KEY ? record : null),
    });
  return { clock, record, service, create, authenticate };
}

const validBody = {
  secret_key: SECRET_KEY,
  action_type: 'register',
  allowed_network: 'testnet',
};

function errorOf(response: { status: number; body: Record<string, unknown> }) {
  const error = response.body.error as { code: string; details?: Record<string, unknown> };
  return { status: response.status, code: error.code, details: error.details };
}

describe('POST /v1/sessions (handleCreateSession)', () => {
  it('answers 200 with a 300 s token whose claims describe the session', async () => {
    const { create, clock } = fixture();
    const response = await create({
      ...validBody,
      action_type: 'update_version',
      allowed_network: 'mainnet',
      allowed_ats_id: 7,
      external_user_ref: 'user-42',
      max_file_size_bytes: 5_000_000,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ token: expect.any(String), expires_in: 300 });
    const verified = await verifySessionToken(response.body.token as string, {
      secret,
      now: clock.now(),
    });
    expect(verified).toEqual({
      ok: true,
      claims: {
        jti: expect.any(String),
        iat: START / 1000,
        exp: START / 1000 + 300,
        org: ORG,
        site_key_hash: siteKeyHash(SITE_KEY),
        action_type: 'update_version',
        allowed_network: 'mainnet',
        allowed_ats_id: 7,
        external_user_ref: 'user-42',
        max_file_size_bytes: 5_000_000,
      },
    });
  });

  it('caps max_file_size_bytes with the site limit', async () => {
    const { create } = fixture({ site: { maxFileSizeBytes: 1_000_000 } });
    expect((await create(validBody)).claims?.max_file_size_bytes).toBe(1_000_000);
    expect(
      (await create({ ...validBody, max_file_size_bytes: 2_000_000 })).claims?.max_file_size_bytes,
    ).toBe(1_000_000);
    expect(
      (await create({ ...validBody, max_file_size_bytes: 500 })).claims?.max_file_size_bytes,
    ).toBe(500);
  });

  it('treats null optional fields as absent', async () => {
    const { create } = fixture();
    const response = await create({
      ...validBody,
      allowed_ats_id: null,
      external_user_ref: null,
      max_file_size_bytes: null,
    });
    expect(response.status).toBe(200);
  });

  it('refuses a body that is not a JSON object with 400 common.bad_request', async () => {
    const { create } = fixture();
    for (const body of [null, 'x', [validBody], 3]) {
      expect(errorOf(await create(body))).toMatchObject({
        status: 400,
        code: 'common.bad_request',
      });
    }
  });

  it('answers 401 session.invalid_secret_key for a missing or unknown key, without echoing it', async () => {
    const { create } = fixture();
    const unknown = await create({ ...validBody, secret_key: 'csk_nope' });
    expect(errorOf(unknown)).toMatchObject({ status: 401, code: 'session.invalid_secret_key' });
    expect(JSON.stringify(unknown.body)).not.toContain('csk_nope');
    const { secret_key: _, ...withoutKey } = validBody;
    expect(errorOf(await create(withoutKey))).toMatchObject({
      status: 401,
      code: 'session.invalid_secret_key',
    });
    expect(errorOf(await create({ ...validBody, secret_key: 42 }))).toMatchObject({
      status: 401,
    });
  });

  it('puts the request id in error bodies', async () => {
    const { create } = fixture();
    const response = await create({ ...validBody, secret_key: 'csk_nope' });
    expect(response.body).toEqual({
      error: {
        code: 'session.invalid_secret_key',
        message: expect.any(String),
        request_id: 'req_000000000000000000000001',
      },
    });
  });

  it('answers 403 for a site off, a widget off or an organization off, in that order', async () => {
    expect(
      errorOf(await fixture({ site: { isActive: false, widgetEnabled: false } }).create(validBody)),
    ).toMatchObject({ status: 403, code: 'session.key_inactive' });
    expect(
      errorOf(
        await fixture({ site: { widgetEnabled: false }, organization: { isActive: false } }).create(
          validBody,
        ),
      ),
    ).toMatchObject({ status: 403, code: 'session.widget_not_enabled' });
    expect(
      errorOf(await fixture({ organization: { isActive: false } }).create(validBody)),
    ).toMatchObject({ status: 403, code: 'organization.inactive' });
  });

  it('answers 403 session.origin_not_allowed with details.origin', async () => {
    const { create } = fixture();
    expect(errorOf(await create(validBody, 'https://evil.example.net'))).toEqual({
      status: 403,
      code: 'session.origin_not_allowed',
      details: { origin: 'https://evil.example.net' },
    });
    expect(errorOf(await create(validBody, 'https://example.org'))).toMatchObject({
      code: 'session.origin_not_allowed',
    });
    expect(errorOf(await create(validBody, null))).toEqual({
      status: 403,
      code: 'session.origin_not_allowed',
      details: { origin: null },
    });
    expect((await create(validBody, 'http://a.example.org:8080')).status).toBe(200);
  });

  it('checks the origin before the fields', async () => {
    const { create } = fixture();
    expect(
      errorOf(await create({ ...validBody, action_type: 'dance' }, 'https://evil.example.net')),
    ).toMatchObject({ code: 'session.origin_not_allowed' });
  });

  it('answers 422 session.invalid_action_type', async () => {
    const { create } = fixture();
    for (const action_type of ['dance', undefined, 3, 'REGISTER']) {
      expect(errorOf(await create({ ...validBody, action_type }))).toMatchObject({
        status: 422,
        code: 'session.invalid_action_type',
      });
    }
  });

  it('answers 422 session.invalid_network', async () => {
    const { create } = fixture();
    for (const allowed_network of ['devnet', undefined, null]) {
      expect(errorOf(await create({ ...validBody, allowed_network }))).toMatchObject({
        status: 422,
        code: 'session.invalid_network',
      });
    }
  });

  it('answers 422 session.invalid_external_user_ref outside 1–255 bytes of UTF-8', async () => {
    const { create } = fixture();
    for (const external_user_ref of ['', 'é'.repeat(128), 12, { id: 1 }]) {
      expect(errorOf(await create({ ...validBody, external_user_ref }))).toMatchObject({
        status: 422,
        code: 'session.invalid_external_user_ref',
      });
    }
    expect((await create({ ...validBody, external_user_ref: 'x'.repeat(255) })).status).toBe(200);
  });

  it('reports bad max_file_size_bytes and allowed_ats_id together as common.validation_failed', async () => {
    const { create } = fixture();
    expect(
      errorOf(await create({ ...validBody, max_file_size_bytes: 0, allowed_ats_id: 3 })),
    ).toEqual({
      status: 422,
      code: 'common.validation_failed',
      details: {
        fields: [
          { path: 'max_file_size_bytes', code: 'invalid_value', message: expect.any(String) },
          { path: 'allowed_ats_id', code: 'invalid_value', message: expect.any(String) },
        ],
      },
    });
    const access = { ...validBody, action_type: 'access' };
    for (const [field, value, code] of [
      ['max_file_size_bytes', '100', 'invalid_type'],
      ['max_file_size_bytes', 1.5, 'invalid_value'],
      ['max_file_size_bytes', -1, 'invalid_value'],
      ['allowed_ats_id', '7', 'invalid_type'],
      ['allowed_ats_id', 0, 'invalid_value'],
      ['allowed_ats_id', 2.5, 'invalid_value'],
    ] as const) {
      expect(errorOf(await create({ ...access, [field]: value }))).toMatchObject({
        status: 422,
        code: 'common.validation_failed',
        details: { fields: [{ path: field, code }] },
      });
    }
  });

  it('checks the session codes before common.validation_failed', async () => {
    const { create } = fixture();
    expect(
      errorOf(await create({ ...validBody, allowed_network: 'x', max_file_size_bytes: 0 })),
    ).toMatchObject({ code: 'session.invalid_network' });
  });

  describe('credits', () => {
    it('needs one mainnet registration of a file up to 10 MiB (67 credits) for register', async () => {
      const mainnet = { ...validBody, allowed_network: 'mainnet' };
      expect((await fixture({ balances: { mainnet: 67 } }).create(mainnet)).status).toBe(200);
      expect(errorOf(await fixture({ balances: { mainnet: 66 } }).create(mainnet))).toEqual({
        status: 403,
        code: 'common.forbidden',
        details: {
          reason: 'insufficient_credits',
          network: 'mainnet',
          required: 67,
          available: 66,
        },
      });
    });

    it('asks the same of update_version', async () => {
      const body = { ...validBody, action_type: 'update_version', allowed_network: 'mainnet' };
      expect(errorOf(await fixture({ balances: { mainnet: 0 } }).create(body))).toMatchObject({
        code: 'common.forbidden',
        details: { required: 67, available: 0 },
      });
    });

    it('asks nothing on testnet, where a small file costs 0', async () => {
      expect((await fixture({ balances: { testnet: 0 } }).create(validBody)).status).toBe(200);
    });

    it('asks nothing of access sessions', async () => {
      const body = { ...validBody, action_type: 'access', allowed_network: 'mainnet' };
      expect((await fixture({ balances: { mainnet: 0 } }).create(body)).status).toBe(200);
    });

    it('prices with the schedule in force', async () => {
      const clock = { now: () => START };
      const service = createSessionService({
        secret,
        clock,
        feeSchedule: () => ({
          register: { network_fee: 100, base_deposit: 0, version_deposit: 0, service_fee_bps: 0 },
          update: { network_fee: 100, version_deposit: 0, service_fee_bps: 0 },
          storage: {
            free_bytes: 10 * 1024 * 1024,
            tiers: [{ up_to_mib: 500, credits_per_mib: 1 }],
          },
          max_asset_bytes: 500_000_000,
        }),
      });
      const { record } = fixture();
      const response = await service.handleCreateSession({
        body: { ...validBody, allowed_network: 'mainnet' },
        origin: 'https://shop.example.com',
        lookupSiteBySecretKey: () => record,
        balanceFor: () => 99,
      });
      expect(errorOf(response)).toMatchObject({ details: { required: 100, available: 99 } });
    });
  });
});

describe('authenticateSessionRequest (api.md §3.3)', () => {
  async function tokenFor(
    f: ReturnType<typeof fixture>,
    body: Record<string, unknown> = validBody,
  ): Promise<string> {
    const response = await f.create(body);
    expect(response.status).toBe(200);
    return response.body.token as string;
  }

  it('returns the claims, site and organization of a valid session call', async () => {
    const f = fixture();
    const token = await tokenFor(f);
    const result = await f.authenticate(`Bearer ${token}`, SITE_KEY);
    expect(result).toMatchObject({
      ok: true,
      token,
      claims: { org: ORG, action_type: 'register', allowed_network: 'testnet' },
      site: { id: 'site-1' },
      organization: { id: ORG },
    });
  });

  it('answers 401 common.auth.missing_token without a bearer', async () => {
    const f = fixture();
    for (const authorization of [undefined, '', 'Basic abc', 'Bearer ']) {
      expect(await f.authenticate(authorization, SITE_KEY)).toMatchObject({
        ok: false,
        status: 401,
        code: 'common.auth.missing_token',
      });
    }
  });

  it('answers 401 common.auth.invalid_token for a malformed or foreign token', async () => {
    const f = fixture();
    expect(await f.authenticate('Bearer not.a.jwt', SITE_KEY)).toMatchObject({
      status: 401,
      code: 'common.auth.invalid_token',
    });
    const foreign = await mintSessionToken({
      secret: 'another-secret',
      now: START,
      claims: {
        org: ORG,
        site_key_hash: siteKeyHash(SITE_KEY),
        action_type: 'access',
        allowed_network: 'testnet',
      },
    });
    expect(await f.authenticate(`Bearer ${foreign.token}`, SITE_KEY)).toMatchObject({
      status: 401,
      code: 'common.auth.invalid_token',
    });
  });

  it('answers 401 common.auth.expired 300 s after issue on the virtual clock', async () => {
    const f = fixture();
    const token = await tokenFor(f);
    f.clock.t = START + 299_999;
    expect((await f.authenticate(`Bearer ${token}`, SITE_KEY)).ok).toBe(true);
    f.clock.t = START + 300_000;
    expect(await f.authenticate(`Bearer ${token}`, SITE_KEY)).toMatchObject({
      status: 401,
      code: 'common.auth.expired',
    });
  });

  it('answers 401 common.auth.invalid_api_key for a missing, unknown or foreign site key', async () => {
    const f = fixture();
    const token = await tokenFor(f);
    for (const siteKey of [undefined, '', 'cpk_unknown']) {
      expect(await f.authenticate(`Bearer ${token}`, siteKey)).toMatchObject({
        status: 401,
        code: 'common.auth.invalid_api_key',
      });
    }
    // A token minted for another site of the same organization.
    const other = await mintSessionToken({
      secret,
      now: START,
      claims: {
        org: ORG,
        site_key_hash: siteKeyHash('cpk_other'),
        action_type: 'access',
        allowed_network: 'testnet',
      },
    });
    expect(await f.authenticate(`Bearer ${other.token}`, SITE_KEY)).toMatchObject({
      code: 'common.auth.invalid_api_key',
    });
  });

  it('answers 403 when the site, the widget or the organization was turned off since', async () => {
    for (const [change, code] of [
      [
        (r: SessionSiteRecord) => {
          r.site.isActive = false;
        },
        'session.key_inactive',
      ],
      [
        (r: SessionSiteRecord) => {
          r.site.widgetEnabled = false;
        },
        'session.widget_not_enabled',
      ],
      [
        (r: SessionSiteRecord) => {
          r.organization.isActive = false;
        },
        'organization.inactive',
      ],
    ] as const) {
      const f = fixture();
      const token = await tokenFor(f);
      change(f.record);
      expect(await f.authenticate(`Bearer ${token}`, SITE_KEY)).toMatchObject({
        ok: false,
        status: 403,
        code,
      });
    }
  });

  it('checks the token before the site key', async () => {
    const f = fixture();
    expect(await f.authenticate('Bearer x.y.z', 'cpk_unknown')).toMatchObject({
      code: 'common.auth.invalid_token',
    });
  });
});

describe('isSessionRequest', () => {
  it('is true with X-Site-Key or a JWT-shaped bearer, false for API keys', () => {
    expect(isSessionRequest({ authorization: undefined, siteKey: SITE_KEY })).toBe(true);
    expect(isSessionRequest({ authorization: 'Bearer aaa.bbb.ccc', siteKey: undefined })).toBe(
      true,
    );
    expect(
      isSessionRequest({ authorization: `Bearer afo_sk_live_${'0'.repeat(48)}`, siteKey: null }),
    ).toBe(false);
    expect(isSessionRequest({ authorization: undefined, siteKey: undefined })).toBe(false);
  });
});
