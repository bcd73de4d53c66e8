import {
  AtsAbortError,
  AtsConnectionError,
  AtsValidationError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from '@ats-kit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  errorEnvelope,
  FAKE_TOKEN,
  type FakeSessionsApi,
  startFakeSessionsApi,
} from '../../test/fake-sessions-api';
import { listenLocally } from '../../test/local-http-server';
import { createWidgetSession } from './create-widget-session';

const SECRET_KEY = `csk_${'5e'.repeat(16)}`;
let api: FakeSessionsApi;

beforeAll(async () => {
  api = await startFakeSessionsApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answerWith({ status: 200, body: { token: FAKE_TOKEN, expires_in: 300 } });
});

function mint(overrides: Record<string, unknown> = {}) {
  return createWidgetSession({
    secretKey: SECRET_KEY,
    actionType: 'register',
    allowedNetwork: 'testnet',
    origin: 'https://app.example.com',
    baseUrl: api.baseUrl,
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('createWidgetSession', () => {
  it('POSTs the claims in snake_case with the Origin header and returns { token, expiresIn }', async () => {
    const session = await mint({
      actionType: 'update_version',
      allowedAtsId: 7,
      externalUserRef: 'user-42',
      maxFileSizeBytes: 10_000_000,
    });
    expect(session).toEqual({ token: FAKE_TOKEN, expiresIn: 300 });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/sessions');
    expect(request?.headers.origin).toBe('https://app.example.com');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({
      secret_key: SECRET_KEY,
      action_type: 'update_version',
      allowed_network: 'testnet',
      allowed_ats_id: 7,
      external_user_ref: 'user-42',
      max_file_size_bytes: 10_000_000,
    });
  });

  it('leaves absent optional claims out of the body', async () => {
    await mint({ externalUserRef: null });
    expect(api.requests[0]?.body).toEqual({
      secret_key: SECRET_KEY,
      action_type: 'register',
      allowed_network: 'testnet',
    });
  });

  it('sends the origin of a page URL', async () => {
    await mint({ origin: 'https://app.example.com:8443/upload?x=1' });
    expect(api.requests[0]?.headers.origin).toBe('https://app.example.com:8443');
  });

  it('keeps a path prefix of the base URL', async () => {
    await mint({ baseUrl: `${api.baseUrl}/organizations/` });
    expect(api.requests[0]?.url).toBe('/organizations/v1/sessions');
  });

  describe('error answers', () => {
    it('maps 403 session.origin_not_allowed to PermissionDeniedError with code, details and request id', async () => {
      api.answerWith({
        status: 403,
        body: errorEnvelope('session.origin_not_allowed', 'Origin not allowed', {
          origin: 'https://evil.example',
        }),
      });
      const error = await rejection(mint());
      expect(PermissionDeniedError.is(error)).toBe(true);
      const apiError = error as PermissionDeniedError;
      expect(apiError.code).toBe('session.origin_not_allowed');
      expect(apiError.status).toBe(403);
      expect(apiError.details).toEqual({ origin: 'https://evil.example' });
      expect(apiError.requestId).toBe('req_5f0c2a9e41b7d3c8a6e0f192');
    });

    it('maps 401 session.invalid_secret_key to AuthenticationError, the secret masked even if echoed', async () => {
      api.answerWith({
        status: 401,
        body: errorEnvelope('session.invalid_secret_key', `Unknown secret key ${SECRET_KEY}`),
      });
      const error = await rejection(mint());
      expect(AuthenticationError.is(error)).toBe(true);
      expect((error as AuthenticationError).code).toBe('session.invalid_secret_key');
      const seen = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
      expect(seen).not.toContain(SECRET_KEY);
    });

    it('maps 429 session.rate_limited to RateLimitError with Retry-After', async () => {
      api.answerWith({
        status: 429,
        body: errorEnvelope('session.rate_limited', 'Slow down'),
        headers: { 'retry-after': '2' },
      });
      const error = await rejection(mint());
      expect(RateLimitError.is(error)).toBe(true);
      expect((error as RateLimitError).retryAfterSeconds).toBe(2);
      expect(api.requests).toHaveLength(1); // one attempt: the page asks again
    });

    it('reports an unreachable host as AtsConnectionError, without the secret', async () => {
      const closed = await listenLocally(() => {});
      await closed.close();
      const error = await rejection(mint({ baseUrl: closed.url }));
      expect(AtsConnectionError.is(error)).toBe(true);
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(SECRET_KEY);
    });

    it('stops at once on an aborted signal', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await rejection(mint({ signal: controller.signal }));
      expect(AtsAbortError.is(error)).toBe(true);
      expect(api.requests).toHaveLength(0);
    });
  });

  describe('input validation, before any request', () => {
    it.each([
      [{ actionType: undefined }, 'actionType', /is required/],
      [{ actionType: 'upload' }, 'actionType', /register/],
      [{ allowedNetwork: 'devnet' }, 'allowedNetwork', /testnet/],
      [{ allowedAtsId: 7 }, 'allowedAtsId', /omitted with action_type "register"/],
      [{ actionType: 'access', allowedAtsId: 0 }, 'allowedAtsId', /./],
      [{ externalUserRef: '' }, 'externalUserRef', /must not be empty/],
      [{ externalUserRef: 'é'.repeat(128) }, 'externalUserRef', /255 bytes/],
      [{ maxFileSizeBytes: 0 }, 'maxFileSizeBytes', /greater than 0/],
      [{ secretKey: 'nope' }, 'secretKey', /csk_/],
      [{ secretKey: `cpk_${'a'.repeat(32)}` }, 'secretKey', /public site key/],
      [{ origin: undefined }, 'origin', /origin/],
      [{ origin: 'app.example.com' }, 'origin', /https:\/\/app\.example\.com/],
      [{ baseUrl: 'ftp://example.com' }, 'baseUrl', /http/],
    ])('refuses %j, naming %s', async (overrides, field, fix) => {
      const error = await rejection(mint(overrides));
      expect(AtsValidationError.is(error)).toBe(true);
      const issue = (error as AtsValidationError).issues.find((i) => i.path === field);
      expect(issue?.message).toMatch(fix);
      expect(error.message).not.toContain(SECRET_KEY);
      expect(api.requests).toHaveLength(0);
    });
  });
});
