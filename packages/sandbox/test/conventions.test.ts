import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATOR, seedOrganization, startTestSandbox, type TestSandbox } from './helpers';

let t: TestSandbox;
let token: string;
let organizationId: string;
const initBody = { network: 'testnet', title: 'T', filename: 'a.wav', creators: [CREATOR] };

beforeAll(async () => {
  t = await startTestSandbox();
  const seeded = await seedOrganization(t);
  token = seeded.token;
  organizationId = seeded.organization.id;
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('conventions (§2)', () => {
  it('sends X-Request-Id on every answer and in every error body', async () => {
    const ok = await t.call('GET', '/_sandbox/health');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    expect(ok.body).toMatchObject({ status: 'ok' });
    expect(ok.body.now).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const missing = await t.call('GET', '/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'common.not_found' });
    expect(missing.body.error.request_id).toBe(missing.headers.get('x-request-id'));
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const wrong = await t.call('GET', '/v1/works/init', { token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(wrong.body.error.code).toBe('common.method_not_allowed');
    const deleteTx = await t.call(
      'DELETE',
      '/v1/transactions/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048',
    );
    expect(deleteTx.status).toBe(405);
    expect(deleteTx.headers.get('allow')).toContain('GET');
  });

  it('refuses a declared body over 1 MiB with 413 before reading it', async () => {
    const big = await t.call('POST', '/v1/works/init', {
      token,
      rawBody: 'x'.repeat(1024 * 1024 + 1),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({
      code: 'common.payload_too_large',
      details: { max_bytes: 1048576 },
    });
  });

  it('answers 400 for bad JSON, checked after the credential', async () => {
    const noAuth = await t.call('POST', '/v1/works/init', {
      rawBody: '{',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(noAuth.status).toBe(401);
    const bad = await t.call('POST', '/v1/works/init', {
      token,
      rawBody: '{',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('common.bad_request');
  });

  it('lets a browser origin of an active site call with CORS headers', async () => {
    await t.admin.createSite(organizationId, {
      name: 'shop',
      allowed_origins: ['shop.example.com'],
    });
    const preflight = await t.call('OPTIONS', '/v1/works/init', {
      headers: { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    const real = await t.call('GET', '/v1/stats', {
      headers: { Origin: 'https://shop.example.com' },
    });
    expect(real.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(real.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    const stranger = await t.call('GET', '/v1/stats', {
      headers: { Origin: 'https://evil.example.net' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('authentication (§3)', () => {
  it('maps each credential problem to its code, in order', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'common.unauthorized'],
      [{ Authorization: 'Bearer nope' }, 401, 'api_key.invalid_format'],
      [{ Authorization: `Bearer afo_sk_live_${'0'.repeat(48)}` }, 401, 'api_key.not_found'],
      [{ 'X-Site-Key': 'cpk_x' }, 401, 'common.auth.missing_token'],
      [{ Authorization: 'Bearer a.b.c', 'X-Site-Key': 'cpk_x' }, 401, 'common.auth.invalid_token'],
    ];
    for (const [headers, status, code] of cases) {
      const answer = await t.call('POST', '/v1/works/init', { headers, body: initBody });
      expect([answer.status, answer.body.error.code]).toEqual([status, code]);
    }
  });

  it('checks the legacy {org} before the organization state and the scope', async () => {
    const reader = await t.admin.createApiKey(organizationId, {
      name: 'reader',
      scopes: ['works:read'],
    });
    const denied = await t.call('POST', '/v1/works/init', { token: reader.token, body: initBody });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      code: 'api_key.scope_denied',
      details: { required: 'works:register' },
    });
    const mismatch = await t.call('POST', '/v1/organizations/not-a-uuid/works/init', {
      token: reader.token,
      body: initBody,
    });
    expect(mismatch.body.error.code).toBe('api_key.org_mismatch');
    const legacy = await t.call('POST', `/v1/organizations/${organizationId}/works/init`, {
      token,
      body: initBody,
    });
    expect(legacy.status).toBe(200);
  });

  it('refuses revoked keys and keys of a deactivated organization', async () => {
    const other = await seedOrganization(t);
    await t.admin.revokeApiKey(other.organization.id, other.keyId);
    const revoked = await t.call('POST', '/v1/works/init', { token: other.token, body: initBody });
    expect(revoked.body.error.code).toBe('api_key.revoked');
    const third = await seedOrganization(t);
    await t.admin.updateOrganization(third.organization.id, { is_active: false });
    const inactive = await t.call('POST', '/v1/works/init', { token: third.token, body: initBody });
    expect([inactive.status, inactive.body.error.code]).toEqual([403, 'api_key.org_inactive']);
  });
});

describe('field rules (§4)', () => {
  it('gives the own codes for empty title, filename, creators, in that order', async () => {
    const call = (body: object) => t.call('POST', '/v1/works/init', { token, body });
    expect((await call({ ...initBody, title: '   ', filename: '' })).body.error.code).toBe(
      'registration.title_required',
    );
    expect((await call({ ...initBody, filename: '', creators: [] })).body.error.code).toBe(
      'registration.filename_required',
    );
    expect((await call({ ...initBody, creators: [] })).body.error.code).toBe(
      'registration.creators_required',
    );
  });

  it('reports every other field problem together with paths', async () => {
    const answer = await t.call('POST', '/v1/works/init', {
      token,
      body: {
        ...initBody,
        network: 'devnet',
        unknown_field: 1,
        creators: [{ ...CREATOR, isni: 'bad', roles: { author: false } }],
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('common.validation_failed');
    const paths = answer.body.error.details.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['creators[0].isni', 'creators[0].roles', 'network']);
  });
});
