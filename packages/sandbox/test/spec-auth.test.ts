// api.md §1 (route families), §3.1 (API keys), §3.2 (who may call what), §3.3 (session tokens),
// §3.4 (order of checks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATOR, startTestSandbox, type TestSandbox } from './helpers';
import {
  addKey,
  expectError,
  initBody,
  putFile,
  registerFinal,
  registerFlow,
  seedOrg,
  seedSite,
  sessionHeaders,
  sessionToken,
} from './support/spec-harness';

let t: TestSandbox;
let org: Awaited<ReturnType<typeof seedOrg>>;
let work: Awaited<ReturnType<typeof registerFinal>>;
let accessCode: string;
const OTHER_UUID = '0b8f6c1e-1111-4222-8333-944455556666';
const ZERO_KEY = `afo_sk_live_${'0'.repeat(48)}`;

beforeAll(async () => {
  t = await startTestSandbox();
  org = await seedOrg(t);
  work = await registerFinal(t, org.token);
  accessCode = work.result.access_code;
});
afterAll(async () => {
  await t.sandbox.close();
});

/** Every route that needs a credential, with a body that would pass the later checks' shape. */
function protectedRoutes(): [string, string, unknown][] {
  const w = work.result.work_id;
  const a = work.result.ats_id;
  return [
    ['POST', '/v1/works/init', initBody()],
    ['POST', '/v1/works/prepare', { job_id: OTHER_UUID }],
    ['POST', '/v1/works/confirm', { job_id: OTHER_UUID }],
    ['POST', `/v1/works/${a}/versions/init`, { network: 'testnet', creators: [CREATOR] }],
    [
      'POST',
      `/v1/works/${a}/versions/init-upload`,
      { network: 'testnet', creators: [CREATOR], filename: 'a.wav' },
    ],
    ['POST', `/v1/works/${a}/versions/prepare`, { job_id: OTHER_UUID }],
    ['POST', `/v1/works/${a}/versions/confirm`, { job_id: OTHER_UUID }],
    ['GET', '/v1/works', undefined],
    ['GET', `/v1/works/${a}`, undefined],
    ['GET', `/v1/works/${a}/versions`, undefined],
    ['GET', `/v1/works/${a}/creators`, undefined],
    ['GET', `/v1/works/${a}/versions/1/creators`, undefined],
    ['GET', `/v1/works/${w}/download/asset`, undefined],
    ['GET', `/v1/works/${w}/download/certificate`, undefined],
    ['GET', `/v1/works/${w}/versions/1/download/audio`, undefined],
    ['GET', `/v1/works/${w}/versions/1/download/certificate`, undefined],
    ['GET', `/v1/access/${accessCode}/work`, undefined],
    ['GET', `/v1/access/${accessCode}/versions`, undefined],
    ['POST', `/v1/access/${accessCode}/versions/init`, { creators: [CREATOR] }],
    [
      'POST',
      `/v1/access/${accessCode}/versions/init-upload`,
      { creators: [CREATOR], filename: 'a.wav' },
    ],
    ['POST', `/v1/access/${accessCode}/versions/prepare`, { job_id: OTHER_UUID }],
    ['POST', `/v1/access/${accessCode}/versions/confirm`, { job_id: OTHER_UUID }],
    ['GET', `/v1/access/${accessCode}/download/asset`, undefined],
    ['GET', `/v1/access/${accessCode}/download/certificate`, undefined],
    ['GET', `/v1/access/${accessCode}/versions/1/download/audio`, undefined],
    ['GET', `/v1/access/${accessCode}/versions/1/download/certificate`, undefined],
  ];
}

describe('API keys (§3.1)', () => {
  it('answers 401 common.unauthorized without Authorization, on every protected route', async () => {
    for (const [method, path, body] of protectedRoutes()) {
      const answer = await t.call(method, path, body === undefined ? {} : { body });
      expectError(answer, 401, 'common.unauthorized');
    }
  });

  it.each([
    ['a random word', 'hello'],
    ['47 hex digits', `afo_sk_live_${'a'.repeat(47)}`],
    ['49 hex digits', `afo_sk_live_${'a'.repeat(49)}`],
    ['uppercase hex', `afo_sk_live_${'A'.repeat(48)}`],
    ['another prefix', `afo_sk_test_${'a'.repeat(48)}`],
    ['non-hex', `afo_sk_live_${'g'.repeat(48)}`],
  ])('answers 401 api_key.invalid_format for %s', async (_label, bearer) => {
    expectError(await t.call('GET', '/v1/works', { token: bearer }), 401, 'api_key.invalid_format');
  });

  it('answers 401 api_key.invalid_format for a non-Bearer scheme', async () => {
    const answer = await t.call('GET', '/v1/works', {
      headers: { Authorization: `Basic ${org.token}` },
    });
    expectError(answer, 401, 'api_key.invalid_format');
  });

  it('answers 401 api_key.not_found for a well-formed unknown key', async () => {
    expectError(await t.call('GET', '/v1/works', { token: ZERO_KEY }), 401, 'api_key.not_found');
  });

  it('answers 401 api_key.revoked from the next request after revocation', async () => {
    const key = await addKey(t, org.orgId);
    expect((await t.call('GET', '/v1/works', { token: key.token })).status).toBe(200);
    await t.admin.revokeApiKey(org.orgId, key.keyId);
    expectError(await t.call('GET', '/v1/works', { token: key.token }), 401, 'api_key.revoked');
    expectError(
      await t.call('POST', '/v1/works/init', { token: key.token, body: initBody() }),
      401,
      'api_key.revoked',
    );
  });

  it('answers 403 api_key.org_inactive while the organization is deactivated', async () => {
    const other = await seedOrg(t, { name: 'Sleepy' });
    await t.admin.updateOrganization(other.orgId, { is_active: false });
    expectError(
      await t.call('GET', '/v1/works', { token: other.token }),
      403,
      'api_key.org_inactive',
    );
    expectError(
      await t.call('POST', '/v1/works/init', { token: other.token, body: initBody() }),
      403,
      'api_key.org_inactive',
    );
    await t.admin.updateOrganization(other.orgId, { is_active: true });
    expect((await t.call('GET', '/v1/works', { token: other.token })).status).toBe(200);
  });
});

describe('scopes (§3.2)', () => {
  const required = (method: string, path: string): string => {
    if (path.startsWith('/v1/works/init') || /^\/v1\/works\/(prepare|confirm)$/.test(path)) {
      return 'works:register';
    }
    if (method === 'POST') return 'works:update';
    return 'works:read';
  };

  it.each([
    ['works:register', ['works:update', 'works:read']],
    ['works:update', ['works:register', 'works:read']],
    ['works:read', ['works:register', 'works:update']],
  ])(
    'a key without %s gets 403 api_key.scope_denied with details.required on its routes',
    async (scope, others) => {
      const key = await addKey(t, org.orgId, { scopes: others });
      let checked = 0;
      for (const [method, path, body] of protectedRoutes()) {
        if (required(method, path) !== scope) continue;
        checked++;
        const answer = await t.call(method, path, {
          token: key.token,
          ...(body === undefined ? {} : { body }),
        });
        const error = expectError(answer, 403, 'api_key.scope_denied');
        expect(error.details, `${method} ${path}`).toMatchObject({ required: scope });
      }
      expect(checked).toBeGreaterThan(2);
    },
  );

  it('lets a key with only works:read call the reads', async () => {
    const key = await addKey(t, org.orgId, { scopes: ['works:read'] });
    expect((await t.call('GET', '/v1/works', { token: key.token })).status).toBe(200);
    expect(
      (await t.call('GET', `/v1/works/${work.result.ats_id}`, { token: key.token })).status,
    ).toBe(200);
    expect(
      (await t.call('GET', `/v1/access/${accessCode}/work`, { token: key.token })).status,
    ).toBe(200);
  });

  it('needs no credential for transactions and stats', async () => {
    expect((await t.call('GET', `/v1/transactions/${work.txId}`)).status).toBe(200);
    expect((await t.call('GET', `/v1/transactions/${work.txId}/status`)).status).toBe(200);
    expect((await t.call('GET', '/v1/stats')).status).toBe(200);
  });

  it('accepts stats with a credential of any scope', async () => {
    const key = await addKey(t, org.orgId, { scopes: ['works:update'] });
    expect((await t.call('GET', '/v1/stats', { token: key.token })).status).toBe(200);
  });
});

describe('legacy route family (§1)', () => {
  it('serves /v1/organizations/{org}/works… for the credential’s own organization', async () => {
    const prefix = `/v1/organizations/${org.orgId}/works`;
    const flow = await registerFlow(t, org.token, { prefix });
    expect(flow.confirm?.status).toBe(202);
    const list = await t.call('GET', prefix, { token: org.token });
    expect(list.status).toBe(200);
    const detail = await t.call('GET', `${prefix}/${work.result.ats_id}`, { token: org.token });
    expect(detail.status).toBe(200);
    expect(detail.body.id).toBe(work.result.work_id);
  });

  it.each([
    ['another UUID', OTHER_UUID],
    ['a non-UUID', 'acme'],
    ['a short word', 'ZZZZ'],
    ['an empty-looking value', '%20'],
  ])('answers 403 api_key.org_mismatch for %s on every legacy route', async (_label, value) => {
    for (const [method, path, body] of protectedRoutes()) {
      if (!path.startsWith('/v1/works')) continue;
      const legacy = path.replace('/v1/works', `/v1/organizations/${value}/works`);
      const answer = await t.call(method, legacy, {
        token: org.token,
        ...(body === undefined ? {} : { body }),
      });
      expectError(answer, 403, 'api_key.org_mismatch');
    }
  });

  it('checks {org} before the organization state, the scope and the body', async () => {
    const sleepy = await seedOrg(t, { name: 'Inactive legacy', scopes: ['works:read'] });
    await t.admin.updateOrganization(sleepy.orgId, { is_active: false });
    const answer = await t.call('POST', `/v1/organizations/${OTHER_UUID}/works/init`, {
      token: sleepy.token,
      rawBody: '{broken',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'bad key with é' },
    });
    expectError(answer, 403, 'api_key.org_mismatch');
  });

  it('checks {org} for session tokens too, before the site state', async () => {
    const site = await seedSite(t, org.orgId);
    const jwt = await sessionToken(t, site.secret_key, 'register');
    await t.admin.updateSite(org.orgId, site.id, { is_active: false });
    const answer = await t.call('POST', `/v1/organizations/${OTHER_UUID}/works/init`, {
      token: jwt,
      headers: sessionHeaders(site.site_key),
      body: initBody(),
    });
    expectError(answer, 403, 'api_key.org_mismatch');
    await t.admin.updateSite(org.orgId, site.id, { is_active: true });
  });

  it('has no legacy form for transactions, access codes, stats and sessions', async () => {
    for (const path of [
      `/v1/organizations/${org.orgId}/transactions/${work.txId}`,
      `/v1/organizations/${org.orgId}/access/${accessCode}/work`,
      `/v1/organizations/${org.orgId}/stats`,
    ]) {
      expectError(await t.call('GET', path, { token: org.token }), 404, 'common.not_found');
    }
    expectError(
      await t.call('POST', `/v1/organizations/${org.orgId}/sessions`, { body: {} }),
      404,
      'common.not_found',
    );
  });
});

describe('session tokens (§3.3)', () => {
  let site: Awaited<ReturnType<typeof seedSite>>;
  beforeAll(async () => {
    site = await seedSite(t, org.orgId);
  });

  it('answers 401 common.auth.missing_token for X-Site-Key without a bearer', async () => {
    const answer = await t.call('POST', '/v1/works/init', {
      headers: sessionHeaders(site.site_key),
      body: initBody(),
    });
    expectError(answer, 401, 'common.auth.missing_token');
  });

  it.each([
    ['a random word', 'nonsense'],
    ['three junk segments', 'aaa.bbb.ccc'],
    ['a JWT header with a junk body', 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
  ])('answers 401 common.auth.invalid_token for %s', async (_label, bearer) => {
    const answer = await t.call('POST', '/v1/works/init', {
      token: bearer,
      headers: sessionHeaders(site.site_key),
      body: initBody(),
    });
    expectError(answer, 401, 'common.auth.invalid_token');
  });

  it('answers 401 common.auth.invalid_token for a badly signed token', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'access', { external_user_ref: 'u1' });
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const answer = await t.call('GET', '/v1/works', {
      token: `${header}.${payload}.${flipped}`,
      headers: sessionHeaders(site.site_key),
    });
    expectError(answer, 401, 'common.auth.invalid_token');
    // A payload changed under the same signature.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.org = OTHER_UUID;
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const forgedAnswer = await t.call('GET', '/v1/works', {
      token: forged,
      headers: sessionHeaders(site.site_key),
    });
    expectError(forgedAnswer, 401, 'common.auth.invalid_token');
  });

  it('answers 401 common.auth.expired 300 s after issue (virtual time)', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'access', { external_user_ref: 'u1' });
    await t.admin.advanceClock(299_000);
    expect(
      (await t.call('GET', '/v1/works', { token: jwt, headers: sessionHeaders(site.site_key) }))
        .status,
    ).toBe(200);
    await t.admin.advanceClock(2_000);
    const answer = await t.call('GET', '/v1/works', {
      token: jwt,
      headers: sessionHeaders(site.site_key),
    });
    expectError(answer, 401, 'common.auth.expired');
  });

  it('answers 401 common.auth.invalid_api_key when X-Site-Key is missing, unknown or foreign', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'access', { external_user_ref: 'u1' });
    expectError(
      await t.call('GET', '/v1/works', { token: jwt }),
      401,
      'common.auth.invalid_api_key',
    );
    expectError(
      await t.call('GET', '/v1/works', {
        token: jwt,
        headers: sessionHeaders(`cpk_${'0'.repeat(32)}`),
      }),
      401,
      'common.auth.invalid_api_key',
    );
    const otherSite = await seedSite(t, org.orgId);
    expectError(
      await t.call('GET', '/v1/works', { token: jwt, headers: sessionHeaders(otherSite.site_key) }),
      401,
      'common.auth.invalid_api_key',
    );
  });

  it('answers 403 session.key_inactive, session.widget_not_enabled, organization.inactive', async () => {
    const own = await seedOrg(t, { name: 'Widget org' });
    const s = await seedSite(t, own.orgId);
    const jwt = await sessionToken(t, s.secret_key, 'access', { external_user_ref: 'u1' });
    const read = () =>
      t.call('GET', '/v1/works', { token: jwt, headers: sessionHeaders(s.site_key) });
    expect((await read()).status).toBe(200);
    await t.admin.updateSite(own.orgId, s.id, { is_active: false });
    expectError(await read(), 403, 'session.key_inactive');
    await t.admin.updateSite(own.orgId, s.id, { is_active: true, widget_enabled: false });
    expectError(await read(), 403, 'session.widget_not_enabled');
    await t.admin.updateSite(own.orgId, s.id, { widget_enabled: true });
    await t.admin.updateOrganization(own.orgId, { is_active: false });
    expectError(await read(), 403, 'organization.inactive');
    await t.admin.updateOrganization(own.orgId, { is_active: true });
    expect((await read()).status).toBe(200);
  });

  it('answers 403 session.scope_denied for a route the action does not allow', async () => {
    const access = await sessionToken(t, site.secret_key, 'access', { external_user_ref: 'u1' });
    const register = await sessionToken(t, site.secret_key, 'register');
    const update = await sessionToken(t, site.secret_key, 'update_version', {
      external_user_ref: 'u1',
    });
    const h = sessionHeaders(site.site_key);
    const cases: [string, string, string, unknown][] = [
      [access, 'POST', '/v1/works/init', initBody()],
      [update, 'POST', '/v1/works/init', initBody()],
      [
        register,
        'POST',
        `/v1/works/${work.result.ats_id}/versions/init`,
        { network: 'testnet', creators: [CREATOR] },
      ],
      [
        access,
        'POST',
        `/v1/works/${work.result.ats_id}/versions/init`,
        { network: 'testnet', creators: [CREATOR] },
      ],
      [register, 'GET', '/v1/works', undefined],
      [register, 'GET', `/v1/access/${accessCode}/work`, undefined],
      [access, 'POST', `/v1/access/${accessCode}/versions/init`, { creators: [CREATOR] }],
      [update, 'GET', `/v1/access/${accessCode}/versions`, undefined],
      [update, 'GET', `/v1/access/${accessCode}/download/asset`, undefined],
    ];
    for (const [jwt, method, path, body] of cases) {
      const answer = await t.call(method, path, {
        token: jwt,
        headers: h,
        ...(body === undefined ? {} : { body }),
      });
      const error = expectError(answer, 403, 'session.scope_denied');
      expect(error.details, `${method} ${path}`).toHaveProperty('claim');
      expect(error.details).toHaveProperty('expected');
      expect(error.details).toHaveProperty('actual');
    }
  });

  it('refuses reads to an access token without an external_user_ref claim', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'access');
    const answer = await t.call('GET', '/v1/works', {
      token: jwt,
      headers: sessionHeaders(site.site_key),
    });
    expectError(answer, 403, 'session.scope_denied');
  });

  it('answers 403 session.scope_denied with { claim, expected, actual } for a pinned network', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'register');
    const answer = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: sessionHeaders(site.site_key),
      body: initBody({ network: 'mainnet' }),
    });
    const error = expectError(answer, 403, 'session.scope_denied');
    expect(error.details).toEqual({
      claim: 'allowed_network',
      expected: 'testnet',
      actual: 'mainnet',
    });
  });

  it('answers 403 session.scope_denied for a body external_user_ref differing from the claim', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'register', { external_user_ref: 'user-a' });
    const answer = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: sessionHeaders(site.site_key),
      body: initBody({ external_user_ref: 'user-b' }),
    });
    const error = expectError(answer, 403, 'session.scope_denied');
    expect(error.details).toEqual({
      claim: 'external_user_ref',
      expected: 'user-a',
      actual: 'user-b',
    });
  });

  it('binds a write token to its first job: a second init answers 401 session.invalid_token token_consumed', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'register');
    const h = sessionHeaders(site.site_key);
    const first = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: h,
      body: initBody(),
    });
    expect(first.status).toBe(200);
    const second = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: h,
      body: initBody({ title: 'Other' }),
    });
    const error = expectError(second, 401, 'session.invalid_token');
    expect(error.details).toMatchObject({ reason: 'token_consumed' });
    // Prepare and confirm of the bound job still accept it.
    await putFile(first.body.upload_url, new Uint8Array([1, 2, 3]));
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token: jwt,
      headers: h,
      body: { job_id: first.body.job_id },
    });
    expect(prepare.status, prepare.text).toBe(200);
    const confirm = await t.call('POST', '/v1/works/confirm', {
      token: jwt,
      headers: h,
      body: { job_id: first.body.job_id },
    });
    expect(confirm.status, confirm.text).toBe(202);
  });

  it('refuses prepare / confirm under a token bound to another job (403 upload_session_forbidden / prepared_forbidden)', async () => {
    const h = sessionHeaders(site.site_key);
    const jwtA = await sessionToken(t, site.secret_key, 'register');
    const jwtB = await sessionToken(t, site.secret_key, 'register');
    const jobA = await t.call('POST', '/v1/works/init', {
      token: jwtA,
      headers: h,
      body: initBody(),
    });
    const jobB = await t.call('POST', '/v1/works/init', {
      token: jwtB,
      headers: h,
      body: initBody(),
    });
    await putFile(jobA.body.upload_url, new Uint8Array([4, 5, 6]));
    await putFile(jobB.body.upload_url, new Uint8Array([7, 8, 9]));
    expectError(
      await t.call('POST', '/v1/works/prepare', {
        token: jwtB,
        headers: h,
        body: { job_id: jobA.body.job_id },
      }),
      403,
      'registration.upload_session_forbidden',
    );
    expect(
      (
        await t.call('POST', '/v1/works/prepare', {
          token: jwtA,
          headers: h,
          body: { job_id: jobA.body.job_id },
        })
      ).status,
    ).toBe(200);
    expectError(
      await t.call('POST', '/v1/works/confirm', {
        token: jwtB,
        headers: h,
        body: { job_id: jobA.body.job_id },
      }),
      403,
      'registration.prepared_forbidden',
    );
  });

  it('lets a fresh write token resume an existing job at prepare (binding it there)', async () => {
    const h = sessionHeaders(site.site_key);
    const jwtA = await sessionToken(t, site.secret_key, 'register');
    const job = await t.call('POST', '/v1/works/init', {
      token: jwtA,
      headers: h,
      body: initBody(),
    });
    await putFile(job.body.upload_url, new Uint8Array([1, 1, 1]));
    const fresh = await sessionToken(t, site.secret_key, 'register');
    const prepare = await t.call('POST', '/v1/works/prepare', {
      token: fresh,
      headers: h,
      body: { job_id: job.body.job_id },
    });
    expect(prepare.status, prepare.text).toBe(200);
    // The fresh token is now bound: it cannot start another job.
    const again = await t.call('POST', '/v1/works/init', {
      token: fresh,
      headers: h,
      body: initBody(),
    });
    expectError(again, 401, 'session.invalid_token');
    const confirm = await t.call('POST', '/v1/works/confirm', {
      token: fresh,
      headers: h,
      body: { job_id: job.body.job_id },
    });
    expect(confirm.status, confirm.text).toBe(202);
  });

  it('does not consume access tokens: reads repeat until exp', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'access', { external_user_ref: 'u1' });
    for (let i = 0; i < 3; i++) {
      const answer = await t.call('GET', '/v1/works', {
        token: jwt,
        headers: sessionHeaders(site.site_key),
      });
      expect(answer.status).toBe(200);
    }
  });

  it('gives session jobs the session’s max_file_size_bytes', async () => {
    const jwt = await sessionToken(t, site.secret_key, 'register', { max_file_size_bytes: 100 });
    const init = await t.call('POST', '/v1/works/init', {
      token: jwt,
      headers: sessionHeaders(site.site_key),
      body: initBody(),
    });
    expect(init.status).toBe(200);
    const put = await putFile(init.body.upload_url, new Uint8Array(101));
    expect(put.status).toBe(400);
    expect(put.text).toContain('<Code>EntityTooLarge</Code>');
    expect((await putFile(init.body.upload_url, new Uint8Array(100))).status).toBe(200);
  });
});

describe('order of checks (§3.4)', () => {
  it('credential before the JSON body', async () => {
    const answer = await t.call('POST', '/v1/works/init', {
      rawBody: '{oops',
      headers: { 'Content-Type': 'application/json' },
    });
    expectError(answer, 401, 'common.unauthorized');
  });

  it('organization state before the scope', async () => {
    const sleepy = await seedOrg(t, { name: 'Sleepy scope', scopes: ['works:read'] });
    await t.admin.updateOrganization(sleepy.orgId, { is_active: false });
    expectError(
      await t.call('POST', '/v1/works/init', { token: sleepy.token, body: initBody() }),
      403,
      'api_key.org_inactive',
    );
  });

  it('scope before the JSON body and the Idempotency-Key shape', async () => {
    const key = await addKey(t, org.orgId, { scopes: ['works:read'] });
    const answer = await t.call('POST', '/v1/works/init', {
      token: key.token,
      rawBody: '{oops',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'x'.repeat(300) },
    });
    expectError(answer, 403, 'api_key.scope_denied');
  });

  it('JSON parse (400) before field rules (422)', async () => {
    const answer = await t.call('POST', '/v1/works/init', {
      token: org.token,
      rawBody: '{"title": ',
      headers: { 'Content-Type': 'application/json' },
    });
    const error = expectError(answer, 400, 'common.bad_request');
    expect(error.details).toHaveProperty('reason');
  });

  it('Idempotency-Key shape (400) before field rules (422)', async () => {
    const answer = await t.call('POST', '/v1/works/init', {
      token: org.token,
      body: { title: '' },
      headers: { 'Idempotency-Key': 'k'.repeat(256) },
    });
    const error = expectError(answer, 400, 'common.bad_request');
    expect(error.details).toMatchObject({ header: 'Idempotency-Key' });
  });

  it('idempotency conflict (409) before field rules (422)', async () => {
    const headers = { 'Idempotency-Key': 'order-of-checks-1' };
    expect(
      (await t.call('POST', '/v1/works/init', { token: org.token, body: initBody(), headers }))
        .status,
    ).toBe(200);
    const answer = await t.call('POST', '/v1/works/init', {
      token: org.token,
      body: { title: '' },
      headers,
    });
    expectError(answer, 409, 'common.idempotency_conflict');
  });

  it('field rules (422) before resources (404)', async () => {
    const answer = await t.call('POST', '/v1/works/999999/versions/init', {
      token: org.token,
      body: { network: 'testnet', creators: [{ ...CREATOR, email: 'not-an-email' }] },
    });
    const error = expectError(answer, 422, 'common.validation_failed');
    expect(error.details.fields.map((f: { path: string }) => f.path)).toContain(
      'creators[0].email',
    );
    expectError(
      await t.call('POST', '/v1/works/prepare', { token: org.token, body: {} }),
      422,
      'common.validation_failed',
    );
  });

  it('ownership (403) before business rules (422 audio_empty)', async () => {
    const stranger = await seedOrg(t, { name: 'Stranger' });
    const init = await t.call('POST', '/v1/works/init', { token: org.token, body: initBody() });
    const answer = await t.call('POST', '/v1/works/prepare', {
      token: stranger.token,
      body: { job_id: init.body.job_id },
    });
    expectError(answer, 403, 'registration.upload_session_forbidden');
  });

  it('resources (404) before business rules (403 insufficient credits)', async () => {
    const poor = await seedOrg(t, { name: 'Poor', credits: { testnet: 0, mainnet: 0 } });
    const init = await t.call('POST', '/v1/works/init', {
      token: poor.token,
      body: initBody({ network: 'mainnet' }),
    });
    await putFile(init.body.upload_url, new Uint8Array([1]));
    const answer = await t.call('POST', '/v1/works/confirm', {
      token: poor.token,
      body: { job_id: init.body.job_id },
    });
    expectError(answer, 404, 'registration.prepared_not_found');
  });
});
