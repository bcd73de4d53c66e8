// api.md §11: POST /v1/sessions (widget session tokens), and §3.3 session jobs end to end.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers';
import {
  expectError,
  initBody,
  openSession,
  putFile,
  registerFinal,
  seedOrg,
  seedSite,
  sessionHeaders,
  sessionToken,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;
let site: Awaited<ReturnType<typeof seedSite>>;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t, { credits: { testnet: 0, mainnet: 100 } });
  site = await seedSite(t, org.orgId);
});
afterAll(async () => {
  await t.sandbox.close();
});

const base = () => ({
  secret_key: site.secret_key,
  action_type: 'register',
  allowed_network: 'testnet',
});

describe('POST /v1/sessions (§11)', () => {
  it('answers 200 { token, expires_in: 300 } with an HS256 JWT carrying the documented claims', async () => {
    const answer = await openSession(t, {
      ...base(),
      external_user_ref: 'user-1',
      max_file_size_bytes: 5000,
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.expires_in).toBe(300);
    const parts = (answer.body.token as string).split('.');
    expect(parts).toHaveLength(3);
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    expect(header.alg).toBe('HS256');
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      org: org.orgId,
      action_type: 'register',
      allowed_network: 'testnet',
      external_user_ref: 'user-1',
      max_file_size_bytes: 5000,
      site_key_hash: createHash('sha256').update(site.site_key).digest('hex'),
    });
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp - claims.iat).toBe(300);
    const now = Date.parse((await t.admin.clock()).now) / 1000;
    expect(Math.abs(claims.iat - now)).toBeLessThanOrEqual(1);
  });

  it('needs no Authorization header', async () => {
    const answer = await openSession(t, { ...base(), action_type: 'access' });
    expect(answer.status).toBe(200);
  });

  it.each([
    ['the exact host', 'https://shop.example.com'],
    ['another scheme and a port', 'http://shop.example.com:8443'],
    ['a subdomain under *.example.com', 'https://a.b.example.com'],
  ])('accepts an Origin matching %s', async (_label, origin) => {
    const answer = await openSession(t, base(), origin);
    expect(answer.status, answer.text).toBe(200);
  });

  it('does not let *.host match the bare host', async () => {
    const own = await seedSite(t, org.orgId, { allowedOrigins: ['*.widgets.test'] });
    const answer = await openSession(
      t,
      { ...base(), secret_key: own.secret_key },
      'https://widgets.test',
    );
    const error = expectError(answer, 403, 'session.origin_not_allowed');
    expect(error.details).toMatchObject({ origin: 'https://widgets.test' });
    expect(
      (await openSession(t, { ...base(), secret_key: own.secret_key }, 'https://x.widgets.test'))
        .status,
    ).toBe(200);
  });

  it('answers 403 session.origin_not_allowed for a foreign or missing Origin', async () => {
    const error = expectError(
      await openSession(t, base(), 'https://evil.test'),
      403,
      'session.origin_not_allowed',
    );
    expect(error.details).toMatchObject({ origin: 'https://evil.test' });
    expectError(await openSession(t, base(), null), 403, 'session.origin_not_allowed');
  });

  it('answers 401 session.invalid_secret_key for an unknown secret key', async () => {
    expectError(
      await openSession(t, { ...base(), secret_key: `csk_${'0'.repeat(32)}` }),
      401,
      'session.invalid_secret_key',
    );
  });

  it('answers 403 session.key_inactive, session.widget_not_enabled and organization.inactive', async () => {
    const own = await seedOrg(t, { name: 'Session states' });
    const s = await seedSite(t, own.orgId);
    const body = { ...base(), secret_key: s.secret_key };
    await t.admin.updateSite(own.orgId, s.id, { is_active: false });
    expectError(await openSession(t, body), 403, 'session.key_inactive');
    await t.admin.updateSite(own.orgId, s.id, { is_active: true, widget_enabled: false });
    expectError(await openSession(t, body), 403, 'session.widget_not_enabled');
    await t.admin.updateSite(own.orgId, s.id, { widget_enabled: true });
    await t.admin.updateOrganization(own.orgId, { is_active: false });
    expectError(await openSession(t, body), 403, 'organization.inactive');
  });

  it.each([
    ['action_type', { action_type: 'delete' }, 'session.invalid_action_type'],
    ['missing action_type', { action_type: undefined }, 'session.invalid_action_type'],
    ['allowed_network', { allowed_network: 'devnet' }, 'session.invalid_network'],
    ['missing allowed_network', { allowed_network: undefined }, 'session.invalid_network'],
    ['an empty external_user_ref', { external_user_ref: '' }, 'session.invalid_external_user_ref'],
    [
      'a 256-byte external_user_ref',
      { external_user_ref: 'é'.repeat(128) },
      'session.invalid_external_user_ref',
    ],
    ['max_file_size_bytes 0', { max_file_size_bytes: 0 }, 'common.validation_failed'],
    ['max_file_size_bytes 1.5', { max_file_size_bytes: 1.5 }, 'common.validation_failed'],
    ['allowed_ats_id with register', { allowed_ats_id: 1 }, 'common.validation_failed'],
  ])('answers 422 for a bad %s', async (_label, change, code) => {
    const answer = await openSession(t, { ...base(), ...change });
    expectError(answer, 422, code);
  });

  it('accepts a 255-byte external_user_ref', async () => {
    const answer = await openSession(t, { ...base(), external_user_ref: `${'é'.repeat(127)}x` });
    expect(answer.status, answer.text).toBe(200);
  });

  it('checks the balance for register and update_version: 67 on mainnet (403 common.forbidden)', async () => {
    const poor = await seedOrg(t, { name: 'Poor widget', credits: { testnet: 0, mainnet: 66 } });
    const s = await seedSite(t, poor.orgId);
    for (const action of ['register', 'update_version']) {
      const answer = await openSession(t, {
        secret_key: s.secret_key,
        action_type: action,
        allowed_network: 'mainnet',
      });
      const error = expectError(answer, 403, 'common.forbidden');
      expect(error.details).toEqual({
        reason: 'insufficient_credits',
        network: 'mainnet',
        required: 67,
        available: 66,
      });
    }
    const access = await openSession(t, {
      secret_key: s.secret_key,
      action_type: 'access',
      allowed_network: 'mainnet',
    });
    expect(access.status).toBe(200);
    const testnet = await openSession(t, {
      secret_key: s.secret_key,
      action_type: 'register',
      allowed_network: 'testnet',
    });
    expect(testnet.status).toBe(200);
    await t.admin.topUpCredits(poor.orgId, 'mainnet', 1);
    const now = await openSession(t, {
      secret_key: s.secret_key,
      action_type: 'register',
      allowed_network: 'mainnet',
    });
    expect(now.status).toBe(200);
  });
});

describe('session jobs (§3.3)', () => {
  it('registers a work under a session with the claim’s external_user_ref and no access code', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'register', {
      external_user_ref: 'user-42',
    });
    const h = sessionHeaders(site.site_key);
    const init = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: h,
      body: initBody(),
    });
    expect(init.status, init.text).toBe(200);
    expect((await putFile(init.body.upload_url, new Uint8Array([9, 9, 9]))).status).toBe(200);
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token: jwt,
      headers: h,
      body: { job_id: init.body.job_id },
    });
    expect(prepare.status).toBe(200);
    const confirm = await t.call('POST', '/v1/works/confirm', {
      token: jwt,
      headers: h,
      body: { job_id: init.body.job_id },
    });
    expect(confirm.status).toBe(202);
    await t.admin.advanceClock(30_000);
    const status = await t.call('GET', `/v1/transactions/${confirm.body.transaction_id}`);
    expect(status.body.result.access_code).toBeNull();
    const reader = await sessionToken(t, site.secret_key, 'access', {
      external_user_ref: 'user-42',
    });
    const list = await t.call('GET', '/v1/works', { token: reader, headers: h });
    expect(list.status).toBe(200);
    expect(list.body.works.map((w: { id: string }) => w.id)).toEqual([init.body.job_id]);
    expect(list.body.works[0].external_user_ref).toBe('user-42');
  });

  it('limits session reads to the claim’s ref, whatever the query says', async () => {
    await registerFinal(t, org.token, { body: { external_user_ref: 'someone-else' } });
    const reader = await sessionToken(t, site.secret_key, 'access', {
      external_user_ref: 'nobody',
    });
    const h = sessionHeaders(site.site_key);
    const list = await t.call('GET', '/v1/works?external_user_ref=someone-else', {
      token: reader,
      headers: h,
    });
    expect(list.status).toBe(200);
    expect(list.body.works).toEqual([]);
    expect(list.body.total_count).toBe(0);
  });

  it('adds a version under an update_version session whose ref equals the work’s', async () => {
    const { result } = await registerFinal(t, org.token, { body: { external_user_ref: 'user-v' } });
    const h = sessionHeaders(site.site_key);
    const wrong = await sessionToken(t, site.secret_key, 'update_version', {
      external_user_ref: 'user-w',
    });
    const denied = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: wrong,
      headers: h,
      body: {
        network: 'testnet',
        creators: [{ full_name: 'A', email: 'a@b.co', roles: { author: true } }],
      },
    });
    expectError(denied, 403, 'session.scope_denied');
    const right = await sessionToken(t, site.secret_key, 'update_version', {
      external_user_ref: 'user-v',
    });
    const init = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: right,
      headers: h,
      body: {
        network: 'testnet',
        creators: [{ full_name: 'A', email: 'a@b.co', roles: { author: true } }],
      },
    });
    expect(init.status, init.text).toBe(200);
  });

  it('holds allowed_ats_id against the path', async () => {
    const { result } = await registerFinal(t, org.token, { body: { external_user_ref: 'user-p' } });
    const jwt = await sessionToken(t, site.secret_key, 'update_version', {
      external_user_ref: 'user-p',
      allowed_ats_id: result.ats_id + 1000,
    });
    const answer = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: jwt,
      headers: sessionHeaders(site.site_key),
      body: {
        network: 'testnet',
        creators: [{ full_name: 'A', email: 'a@b.co', roles: { author: true } }],
      },
    });
    const error = expectError(answer, 403, 'session.scope_denied');
    expect(error.details).toEqual({
      claim: 'allowed_ats_id',
      expected: result.ats_id + 1000,
      actual: result.ats_id,
    });
  });

  it('lets a site’s max_file_size_bytes cap its sessions', async () => {
    const capped = await seedSite(t, org.orgId, { maxFileSizeBytes: 10 });
    const jwt = await sessionToken(t, capped.secret_key, 'register', { max_file_size_bytes: 1000 });
    const init = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: sessionHeaders(capped.site_key),
      body: initBody(),
    });
    const put = await putFile(init.body.upload_url, new Uint8Array(11));
    expect(put.status).toBe(400);
    expect(put.text).toContain('<Code>EntityTooLarge</Code>');
    const stats = await t.call('GET', '/v1/stats', {
      token: jwt,
      headers: sessionHeaders(capped.site_key),
    });
    expect(stats.body.max_audio_size_bytes).toBe(10);
  });

  it('binds an update_version token to its first version job (versions/init then init-upload: 401 token_consumed)', async () => {
    const { result } = await registerFinal(t, org.token, {
      body: { external_user_ref: 'user-once' },
    });
    const jwt = await sessionToken(t, site.secret_key, 'update_version', {
      external_user_ref: 'user-once',
    });
    const h = sessionHeaders(site.site_key);
    const creators = [{ full_name: 'A', email: 'a@b.co', roles: { author: true } }];
    const first = await t.call('POST', `/v1/works/${result.ats_id}/versions/init`, {
      token: jwt,
      headers: h,
      body: { network: 'testnet', creators },
    });
    expect(first.status, first.text).toBe(200);
    const second = await t.call('POST', `/v1/works/${result.ats_id}/versions/init-upload`, {
      token: jwt,
      headers: h,
      body: { network: 'testnet', creators, filename: 'again.wav' },
    });
    const error = expectError(second, 401, 'session.invalid_token');
    expect(error.details).toMatchObject({ reason: 'token_consumed' });
  });

  it('binds a fresh write token presented first at a download of the work its site’s job produced', async () => {
    const h = sessionHeaders(site.site_key);
    const writer = await sessionToken(t, site.secret_key, 'register');
    const init = await t.call('POST', '/v1/works/init', {
      token: writer,
      headers: h,
      body: initBody(),
    });
    await putFile(init.body.upload_url, new Uint8Array([5, 6, 7]));
    await t.call('POST', '/v1/works/prepare', {
      token: writer,
      headers: h,
      body: { job_id: init.body.job_id },
    });
    await t.call('POST', '/v1/works/confirm', {
      token: writer,
      headers: h,
      body: { job_id: init.body.job_id },
    });
    await t.admin.advanceClock(30_000);
    const fresh = await sessionToken(t, site.secret_key, 'register');
    const download = await t.call('GET', `/v1/works/${init.body.job_id}/download/certificate`, {
      token: fresh,
      headers: h,
    });
    expect(download.status, download.text).toBe(200);
    // Now bound to that job: it cannot start another.
    const again = await t.call('POST', '/v1/works/init', {
      token: fresh,
      headers: h,
      body: initBody(),
    });
    expectError(again, 401, 'session.invalid_token');
  });
});
