import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioBytes, CREATOR, startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
let organizationId: string;
let siteKey: string;
let secretKey: string;
const ORIGIN = 'https://shop.example.com';

beforeAll(async () => {
  t = await startTestSandbox();
  const organization = await t.admin.createOrganization({
    name: 'Widget org',
    credits: { testnet: 10, mainnet: 0 },
  });
  organizationId = organization.id;
  const site = await t.admin.createSite(organization.id, {
    name: 'shop',
    allowed_origins: ['shop.example.com'],
  });
  siteKey = site.site_key;
  secretKey = site.secret_key;
});
afterAll(async () => {
  await t.sandbox.close();
});

async function session(body: Record<string, unknown>) {
  return t.call('POST', '/v1/sessions', {
    body: { secret_key: secretKey, allowed_network: 'testnet', ...body },
    headers: { Origin: ORIGIN },
  });
}

const headersFor = (token: string) => ({
  Authorization: `Bearer ${token}`,
  'X-Site-Key': siteKey,
  Origin: ORIGIN,
});
const initBody = {
  network: 'testnet',
  title: 'Widget song',
  filename: 'w.wav',
  creators: [CREATOR],
};

describe('widget sessions (§3.3, §11)', () => {
  it('mints a token and registers through it; the token binds to its first job', async () => {
    const minted = await session({ action_type: 'register', external_user_ref: 'user-7' });
    expect(minted.status).toBe(200);
    expect(minted.body.expires_in).toBe(300);
    const headers = headersFor(minted.body.token);
    const init = await t.call('POST', '/v1/works/init', { headers, body: initBody });
    expect(init.status).toBe(200);
    expect(init.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const second = await t.call('POST', '/v1/works/init', { headers, body: initBody });
    expect(second.status).toBe(401);
    expect(second.body.error).toMatchObject({
      code: 'session.invalid_token',
      details: { reason: 'token_consumed' },
    });

    await fetch(init.body.upload_url, { method: 'PUT', body: audioBytes(100) });
    const prepare = await t.call('POST', '/v1/works/prepare', {
      headers,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status).toBe(200);
    const confirm = await t.call('POST', '/v1/works/confirm', {
      headers,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status).toBe(202);
    await t.admin.advanceClock(30_000);
    const status = await t.call('GET', `/v1/transactions/${confirm.body.transaction_id}`);
    expect(status.body.result.access_code).toBeNull();

    const reader = await session({ action_type: 'access', external_user_ref: 'user-7' });
    const list = await t.call('GET', '/v1/works', { headers: headersFor(reader.body.token) });
    expect(list.body.works.map((w: { external_user_ref: string }) => w.external_user_ref)).toEqual([
      'user-7',
    ]);
  });

  it('holds requests to the pinned claims and the action', async () => {
    const minted = await session({ action_type: 'register' });
    const headers = headersFor(minted.body.token);
    const wrongNetwork = await t.call('POST', '/v1/works/init', {
      headers,
      body: { ...initBody, network: 'mainnet' },
    });
    expect(wrongNetwork.status).toBe(403);
    expect(wrongNetwork.body.error).toMatchObject({
      code: 'session.scope_denied',
      details: { claim: 'allowed_network', expected: 'testnet', actual: 'mainnet' },
    });
    const reader = await session({ action_type: 'access' });
    const write = await t.call('POST', '/v1/works/init', {
      headers: headersFor(reader.body.token),
      body: initBody,
    });
    expect([write.status, write.body.error.code]).toEqual([403, 'session.scope_denied']);
    const noSiteKey = await t.call('POST', '/v1/works/init', {
      headers: { Authorization: `Bearer ${minted.body.token}` },
      body: initBody,
    });
    expect(noSiteKey.body.error.code).toBe('common.auth.invalid_api_key');
  });

  it('refuses unknown secret keys, foreign origins and expired tokens', async () => {
    const unknown = await t.call('POST', '/v1/sessions', {
      body: {
        secret_key: `csk_${'0'.repeat(32)}`,
        action_type: 'register',
        allowed_network: 'testnet',
      },
      headers: { Origin: ORIGIN },
    });
    expect(unknown.body.error.code).toBe('session.invalid_secret_key');
    const foreign = await t.call('POST', '/v1/sessions', {
      body: { secret_key: secretKey, action_type: 'register', allowed_network: 'testnet' },
      headers: { Origin: 'https://example.com' },
    });
    expect(foreign.body.error).toMatchObject({
      code: 'session.origin_not_allowed',
      details: { origin: 'https://example.com' },
    });
    const minted = await session({ action_type: 'register' });
    await t.admin.advanceClock(301_000);
    const expired = await t.call('POST', '/v1/works/init', {
      headers: headersFor(minted.body.token),
      body: initBody,
    });
    expect(expired.body.error.code).toBe('common.auth.expired');
    expect(organizationId).toBeTruthy();
  });
});
