import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  errorEnvelope,
  FAKE_TOKEN,
  type FakeSessionsApi,
  startFakeSessionsApi,
} from '../../test/fake-sessions-api';
import { type LocalServer, listenLocally } from '../../test/local-http-server';
import type { WidgetSessionClaims } from './create-widget-session';
import { createWidgetSessionHandler } from './fetch-widget-session-handler';
import { createNodeWidgetSessionHandler } from './node-widget-session-handler';

const SECRET_KEY = `csk_${'7a'.repeat(16)}`;
const PAGE_ORIGIN = 'https://app.example.com';
const CLAIMS: WidgetSessionClaims = {
  actionType: 'register',
  allowedNetwork: 'testnet',
  externalUserRef: 'user-42',
};
let api: FakeSessionsApi;

beforeAll(async () => {
  api = await startFakeSessionsApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answerWith({ status: 200, body: { token: FAKE_TOKEN, expires_in: 300 } });
});

function pageRequest(init: RequestInit = {}, origin: string | null = PAGE_ORIGIN): Request {
  const headers = new Headers(init.headers);
  if (origin) headers.set('origin', origin);
  return new Request('http://127.0.0.1/api/ats-session', { method: 'POST', ...init, headers });
}

describe('createWidgetSessionHandler (fetch)', () => {
  it('authenticates the caller, mints with the browser Origin and answers { token, expires_in }', async () => {
    const authenticate = vi.fn(async (request: Request) =>
      request.headers.get('cookie') === 'sid=ok' ? CLAIMS : null,
    );
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate,
      baseUrl: api.baseUrl,
    });
    const res = await handler(pageRequest({ headers: { cookie: 'sid=ok' } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ token: FAKE_TOKEN, expires_in: 300 });
    expect(api.requests[0]?.headers.origin).toBe(PAGE_ORIGIN);
    expect(api.requests[0]?.body).toMatchObject({
      secret_key: SECRET_KEY,
      action_type: 'register',
      external_user_ref: 'user-42',
    });
  });

  it('answers 401 without calling ATS when authenticate returns null', async () => {
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => null,
      baseUrl: api.baseUrl,
    });
    const res = await handler(pageRequest());
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
    expect(api.requests).toHaveLength(0);
  });

  it('sends the configured origin over the request one', async () => {
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => CLAIMS,
      origin: 'https://widgets.example.com',
      baseUrl: api.baseUrl,
    });
    await handler(pageRequest({}, null));
    expect(api.requests[0]?.headers.origin).toBe('https://widgets.example.com');
  });

  it('answers 400 when there is no Origin to send', async () => {
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => CLAIMS,
      baseUrl: api.baseUrl,
    });
    const res = await handler(pageRequest({}, null));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('origin_required');
    expect(api.requests).toHaveLength(0);
  });

  it("passes ATS's refusal on with its code", async () => {
    api.answerWith({
      status: 403,
      body: errorEnvelope('session.origin_not_allowed', 'Origin not allowed', {
        origin: PAGE_ORIGIN,
      }),
    });
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => CLAIMS,
      baseUrl: api.baseUrl,
    });
    const res = await handler(pageRequest());
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({
      code: 'session.origin_not_allowed',
      details: { origin: PAGE_ORIGIN },
      request_id: 'req_5f0c2a9e41b7d3c8a6e0f192',
    });
  });

  it('turns a refused secret key into a 502 (not a 401 the page would read as "sign in"), secret masked', async () => {
    api.answerWith({
      status: 401,
      body: errorEnvelope('session.invalid_secret_key', `Unknown key ${SECRET_KEY}`),
    });
    const onError = vi.fn();
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => CLAIMS,
      baseUrl: api.baseUrl,
      onError,
    });
    const res = await handler(pageRequest());
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain('session.invalid_secret_key');
    expect(text).not.toContain(SECRET_KEY);
    expect(onError).toHaveBeenCalledOnce();
    expect(String(onError.mock.calls[0]?.[0].message)).not.toContain(SECRET_KEY);
  });

  it('answers 400 naming the field when authenticate returns bad claims', async () => {
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => ({ actionType: 'register', allowedNetwork: 'devnet' as never }),
      baseUrl: api.baseUrl,
    });
    const res = await handler(pageRequest());
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/allowedNetwork/);
  });

  it('answers 500 and reports the error when authenticate throws', async () => {
    const onError = vi.fn();
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => {
        throw new Error('session store down');
      },
      baseUrl: api.baseUrl,
      onError,
    });
    const res = await handler(pageRequest());
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('session store down');
    expect(onError.mock.calls[0]?.[0]).toEqual(new Error('session store down'));
  });

  it('answers 405 to anything but POST', async () => {
    const handler = createWidgetSessionHandler({
      secretKey: SECRET_KEY,
      authenticate: () => CLAIMS,
    });
    const res = await handler(new Request('http://127.0.0.1/api/ats-session'));
    expect(res.status).toBe(405);
  });

  it('checks its options when created, never quoting the secret key', () => {
    expect(() =>
      createWidgetSessionHandler({ secretKey: 'csk live', authenticate: () => CLAIMS }),
    ).toThrow(/secretKey/);
    expect(() =>
      createWidgetSessionHandler({ secretKey: SECRET_KEY, authenticate: undefined as never }),
    ).toThrow(/authenticate/);
    try {
      createWidgetSessionHandler({
        secretKey: `cpk_${'a'.repeat(32)}`,
        authenticate: () => CLAIMS,
      });
    } catch (error) {
      expect((error as Error).message).toMatch(/public site key/);
      expect((error as Error).message).not.toContain('a'.repeat(32));
    }
  });
});

describe('createNodeWidgetSessionHandler', () => {
  let server: LocalServer;

  beforeAll(async () => {
    const handler = createNodeWidgetSessionHandler<IncomingMessage & { user?: { id: string } }>({
      secretKey: SECRET_KEY,
      baseUrl: api.baseUrl,
      authenticate: (req) => (req.user ? { ...CLAIMS, externalUserRef: req.user.id } : null),
    });
    // Stands in for an auth middleware that sets req.user.
    server = await listenLocally((req, res) => {
      if (req.headers.authorization === 'Bearer app-session') {
        (req as IncomingMessage & { user?: { id: string } }).user = { id: 'user-7' };
      }
      void handler(req, res);
    });
  });
  afterAll(() => server.close());

  it('mints for an authenticated request over real HTTP, forwarding the browser Origin', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { authorization: 'Bearer app-session', origin: PAGE_ORIGIN },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ token: FAKE_TOKEN, expires_in: 300 });
    expect(api.requests[0]?.headers.origin).toBe(PAGE_ORIGIN);
    expect(api.requests[0]?.body).toMatchObject({ external_user_ref: 'user-7' });
  });

  it('answers 401 to an anonymous request', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { origin: PAGE_ORIGIN } });
    expect(res.status).toBe(401);
    expect(api.requests).toHaveLength(0);
  });
});
