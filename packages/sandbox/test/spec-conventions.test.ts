// api.md §2 conventions, §2.2 error envelope, §3.4 step 1 (route, method, declared body size),
// CORS. Black box: real HTTP against a sandbox on a loopback port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './helpers';
import {
  expectError,
  ISO_MS,
  initBody,
  REQUEST_ID,
  rawRequest,
  registerFlow,
  seedOrg,
  seedSite,
} from './support/spec-harness';

let t: TestSandbox;
let token: string;
let orgId: string;
const ONE_MIB = 1024 * 1024;

beforeAll(async () => {
  t = await startTestSandbox();
  ({ token, orgId } = await seedOrg(t));
});
afterAll(async () => {
  await t.sandbox.close();
});

describe('request ids (§2, §2.1)', () => {
  it('sends X-Request-Id req_<24 hex> on 2xx answers too, a new one per request', async () => {
    const health = await t.call('GET', '/_sandbox/health');
    const clock = await t.call('GET', '/_sandbox/clock');
    const init = await t.call('POST', '/v1/works/init', { token, body: initBody() });
    const stats = await t.call('GET', '/v1/stats');
    const ids = [health, clock, init, stats].map((answer) => {
      expect(answer.status).toBeLessThan(300);
      return answer.headers.get('x-request-id');
    });
    for (const id of ids) expect(id).toMatch(REQUEST_ID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends it on 201 and 204 admin answers and on object store answers', async () => {
    const created = await t.call('POST', '/_sandbox/organizations', { body: { name: 'Ids' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toMatch(REQUEST_ID);
    const keys = await t.call('POST', `/_sandbox/organizations/${created.body.id}/api-keys`, {
      body: { name: 'k', scopes: ['works:read'] },
    });
    const deleted = await t.call(
      'DELETE',
      `/_sandbox/organizations/${created.body.id}/api-keys/${keys.body.id}`,
    );
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('x-request-id')).toMatch(REQUEST_ID);
    const init = await t.call('POST', '/v1/works/init', { token, body: initBody() });
    const put = await fetch(init.body.upload_url, {
      method: 'PUT',
      body: new Uint8Array([1, 2, 3]),
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-request-id')).toMatch(REQUEST_ID);
  });

  it('puts the same id in the error body and the header', async () => {
    const answer = await t.call('GET', '/v1/works/1', { token: 'nope' });
    const error = expectError(answer, 401, 'api_key.invalid_format');
    expect(error.request_id).toMatch(REQUEST_ID);
  });
});

describe('unknown routes and methods (§3.4 step 1, §16)', () => {
  it.each([
    ['GET', '/v1/nothing-here'],
    ['POST', '/v1/works/init/extra'],
    ['GET', '/v2/works'],
    ['GET', '/_sandbox/nothing'],
    ['GET', '/'],
    ['DELETE', '/v1/organizations/x/transactions/y'],
  ])('%s %s answers 404 common.not_found in the envelope', async (method, path) => {
    expectError(await t.call(method, path), 404, 'common.not_found');
  });

  it('answers 404 for an unknown route before looking at the credential or the body', async () => {
    const answer = await t.call('POST', '/v1/works/1/nothing/here', {
      token: 'garbage',
      rawBody: '{not json',
      headers: { 'Content-Type': 'application/json' },
    });
    expectError(answer, 404, 'common.not_found');
  });

  it.each([
    ['GET', '/v1/works/init', 'POST'],
    ['PUT', '/v1/works/prepare', 'POST'],
    ['DELETE', '/v1/works/confirm', 'POST'],
    ['POST', '/v1/works', 'GET'],
    ['POST', '/v1/stats', 'GET'],
    ['POST', '/v1/transactions/6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048', 'GET'],
    ['PUT', '/_sandbox/health', 'GET'],
    ['GET', '/_sandbox/reset', 'POST'],
    ['GET', '/v1/sessions', 'POST'],
    ['DELETE', '/v1/organizations/0b8f6c1e-1111-4222-8333-944455556666/works/init', 'POST'],
  ])(
    '%s %s answers 405 common.method_not_allowed with Allow listing %s',
    async (method, path, allowed) => {
      const answer = await t.call(method, path);
      expectError(answer, 405, 'common.method_not_allowed');
      const allow = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      expect(allow).toContain(allowed);
      expect(allow).not.toContain(method);
    },
  );

  it('answers 405 before checking the credential', async () => {
    expectError(
      await t.call('GET', '/v1/works/init', { token: 'garbage' }),
      405,
      'common.method_not_allowed',
    );
  });
});

describe('declared body size (§2, §3.4 step 1)', () => {
  it('refuses a declared body over 1 MiB with 413 common.payload_too_large, before reading it', async () => {
    // Only a few bytes are sent: an answer proves the body was not read.
    const answer = await rawRequest(`${t.sandbox.url}/v1/works/init`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': 2 * ONE_MIB,
        Authorization: `Bearer ${token}`,
      },
      chunks: [new TextEncoder().encode('{"title":')],
      end: false,
    });
    expect(answer.status).toBe(413);
    const body = JSON.parse(answer.text);
    expect(body.error.code).toBe('common.payload_too_large');
    expect(body.error.details).toMatchObject({ max_bytes: ONE_MIB });
    expect(body.error.request_id).toMatch(REQUEST_ID);
    expect(answer.headers.get('x-request-id')).toBe(body.error.request_id);
  });

  it('checks the declared size before the credential', async () => {
    const answer = await rawRequest(`${t.sandbox.url}/v1/works/init`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': ONE_MIB + 1 },
      chunks: [new Uint8Array(16)],
      end: false,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.code).toBe('common.payload_too_large');
  });

  it('applies to /_sandbox routes too', async () => {
    const answer = await rawRequest(`${t.sandbox.url}/_sandbox/organizations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': 5 * ONE_MIB },
      chunks: [new Uint8Array(8)],
      end: false,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error.code).toBe('common.payload_too_large');
  });

  it('refuses a chunked body that grows past 1 MiB', async () => {
    const big = JSON.stringify(initBody({ title: 'x'.repeat(ONE_MIB + 10) }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const response = await fetch(`${t.sandbox.url}/v1/works/init`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('common.payload_too_large');
  });

  it('accepts a body of exactly 1 MiB (then judges its fields)', async () => {
    const base = JSON.stringify(initBody({ passphrase: '' }));
    const padding = ONE_MIB - new TextEncoder().encode(base).byteLength;
    const body = base.replace('"passphrase":""', `"passphrase":"${'p'.repeat(padding)}"`);
    expect(new TextEncoder().encode(body).byteLength).toBe(ONE_MIB);
    const answer = await t.call('POST', '/v1/works/init', {
      token,
      rawBody: body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(answer.status, answer.text).toBe(200);
  });
});

describe('answers and formats (§2)', () => {
  it('writes timestamps in UTC with milliseconds and Z', async () => {
    const init = await t.call('POST', '/v1/works/init', { token, body: initBody() });
    expect(init.body.upload_expires_at).toMatch(ISO_MS);
    const health = await t.call('GET', '/_sandbox/health');
    expect(health.body.now).toMatch(ISO_MS);
    const org = await t.call('GET', `/_sandbox/organizations/${orgId}`);
    expect(org.body.created_at).toMatch(ISO_MS);
  });

  it('answers JSON with application/json', async () => {
    const answer = await t.call('GET', '/_sandbox/health');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const error = await t.call('GET', '/v1/nope');
    expect(error.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('ignores unknown request fields (sandbox choice)', async () => {
    const answer = await t.call('POST', '/v1/works/init', {
      token,
      body: initBody({ colour: 'blue', nested: { a: [1, 2] }, passphrase: 'whatever' }),
    });
    expect(answer.status, answer.text).toBe(200);
  });
});

describe('CORS (§2)', () => {
  beforeAll(async () => {
    await seedSite(t, orgId, { allowedOrigins: ['cors.example.com'] });
  });

  it("echoes an Origin found in an active site's allowlist and exposes the sandbox headers", async () => {
    const answer = await t.call('GET', '/v1/stats', {
      headers: { Origin: 'https://cors.example.com' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://cors.example.com');
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const name of ['x-request-id', 'retry-after', 'idempotent-replayed', 'etag']) {
      expect(exposed).toContain(name);
    }
  });

  it('answers a preflight allowing Authorization, Content-Type, Idempotency-Key and X-Site-Key', async () => {
    const response = await fetch(`${t.sandbox.url}/v1/works/init`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://cors.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key,x-site-key',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://cors.example.com');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const name of ['authorization', 'content-type', 'idempotency-key', 'x-site-key']) {
      expect(allowed).toContain(name);
    }
  });

  it('does not echo an Origin that no site allows', async () => {
    const answer = await t.call('GET', '/v1/stats', {
      headers: { Origin: 'https://evil.example.net' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('covers storage URLs and transaction routes', async () => {
    const flow = await registerFlow(t, token);
    const status = await t.call('GET', `/v1/transactions/${flow.txId}`, {
      headers: { Origin: 'https://cors.example.com' },
    });
    expect(status.headers.get('access-control-allow-origin')).toBe('https://cors.example.com');
    const init = await t.call('POST', '/v1/works/init', { token, body: initBody() });
    const put = await fetch(init.body.upload_url, {
      method: 'PUT',
      body: new Uint8Array([1]),
      headers: { Origin: 'https://cors.example.com' },
    });
    expect(put.headers.get('access-control-allow-origin')).toBe('https://cors.example.com');
  });

  it('honours the cors_extra_origins setting', async () => {
    await t.admin.updateSettings({ cors_extra_origins: ['https://extra.example.org'] } as never);
    const answer = await t.call('GET', '/v1/stats', {
      headers: { Origin: 'https://extra.example.org' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://extra.example.org');
    await t.admin.updateSettings({ cors_extra_origins: [] } as never);
  });
});
