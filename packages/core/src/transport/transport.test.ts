import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import {
  AtsAbortError,
  AtsApiError,
  AtsConnectionError,
  AtsError,
  AtsTimeoutError,
  AtsValidationError,
  ConflictError,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../errors';
import { createTransport, type RetryEvent, type TransportOptions } from './transport';

const API_KEY = `afo_sk_live_${'ab12'.repeat(12)}`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3aWRnZXQifQ.c2lnbmF0dXJlLXNlY3JldA';
const SITE_KEY = `cpk_${'0'.repeat(32)}`;

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server that plays scripted answers in order and records what it received. */
interface ScriptedServer {
  baseUrl: string;
  requests: RecordedRequest[];
  answer(...answers: Answer[]): void;
  /** Resolves when a request's connection is closed by the client. */
  clientClosed: Promise<void>;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

function apiError(status: number, code: string, extra: Record<string, unknown> = {}, headers = {}) {
  return json(
    status,
    { error: { code, message: `${code} happened`, request_id: 'req_body0000', ...extra } },
    headers,
  );
}

/** Never answers; the test ends the exchange (timeout, abort). */
const silence: Answer = () => {};
/** Drops the connection without an answer. */
const hangUp: Answer = (req) => req.socket.destroy();

let server: Server;
let scripted: ScriptedServer;

beforeEach(async () => {
  const queue: Answer[] = [];
  const requests: RecordedRequest[] = [];
  let markClosed: () => void = () => {};
  const clientClosed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.on('close', () => {
        if (!res.writableFinished) markClosed();
      });
      const next = queue.shift() ?? json(200, { ok: true });
      next(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  scripted = {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => queue.push(...answers),
    clientClosed,
  };
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A transport on the scripted server with recorded, instant backoff waits. */
function transport(overrides: Partial<TransportOptions> = {}) {
  const sleeps: number[] = [];
  const retries: RetryEvent[] = [];
  const api = createTransport({
    baseUrl: scripted.baseUrl,
    auth: { type: 'apiKey', apiKey: API_KEY },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onRetry: (event) => retries.push(event),
    ...overrides,
  });
  return { api, sleeps, retries };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createTransport: requests', () => {
  it('sends the API key as a bearer token and the body as JSON, and parses the JSON answer', async () => {
    scripted.answer(json(200, { job_id: 'job_1' }, { 'x-request-id': 'req_abc' }));
    const { api } = transport();
    const data = await api.request({
      method: 'POST',
      path: '/v1/works/init',
      body: { title: 'Song' },
    });
    expect(data).toEqual({ job_id: 'job_1' });
    const [sent] = scripted.requests;
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/works/init');
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent?.headers['content-type']).toMatch(/^application\/json/);
    expect(sent?.headers.accept).toBe('application/json');
    expect(sent?.headers['x-site-key']).toBeUndefined();
    expect(JSON.parse(sent?.body ?? '')).toEqual({ title: 'Song' });
  });

  it('sends a session token with X-Site-Key, asking the auth function again on each attempt', async () => {
    scripted.answer(apiError(503, 'common.service_unavailable'), json(200, {}));
    let calls = 0;
    const { api } = transport({
      auth: () => {
        calls += 1;
        return { type: 'session', token: `${JWT}${calls}`, siteKey: SITE_KEY };
      },
    });
    await api.request({ method: 'GET', path: '/v1/works' });
    expect(scripted.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${JWT}1`,
      `Bearer ${JWT}2`,
    ]);
    expect(scripted.requests[1]?.headers['x-site-key']).toBe(SITE_KEY);
  });

  it('sends no Authorization header with auth none, and the user agent and extra headers given', async () => {
    const { api } = transport({
      auth: { type: 'none' },
      userAgent: 'ats-kit-node/1.0.0',
      headers: { 'X-Trace': 't1' },
    });
    await api.request({ method: 'GET', path: '/v1/transactions/x' });
    const [sent] = scripted.requests;
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.headers['user-agent']).toBe('ats-kit-node/1.0.0');
    expect(sent?.headers['x-trace']).toBe('t1');
  });

  it('keeps a path prefix of the base URL and adds query parameters, leaving out empty ones', async () => {
    const { api } = transport({ baseUrl: `${scripted.baseUrl}/ats/` });
    await api.request({
      method: 'GET',
      path: '/v1/works',
      query: { network: 'testnet', limit: 20, cursor: undefined, ref: null },
    });
    expect(scripted.requests[0]?.url).toBe('/ats/v1/works?network=testnet&limit=20');
  });

  it('returns the response metadata with requestWithResponse', async () => {
    scripted.answer(
      json(200, { job_id: 'j' }, { 'x-request-id': 'req_meta', 'idempotent-replayed': 'true' }),
    );
    const { api } = transport();
    const { data, response } = await api.requestWithResponse({
      method: 'POST',
      path: '/v1/works/init',
      body: {},
      idempotencyKey: 'key-1',
    });
    expect(data).toEqual({ job_id: 'j' });
    expect(response).toMatchObject({
      status: 200,
      requestId: 'req_meta',
      idempotentReplayed: true,
      idempotencyKey: 'key-1',
      attempts: 1,
    });
    expect(response.headers['x-request-id']).toBe('req_meta');
  });

  it('answers undefined for an empty body', async () => {
    scripted.answer((_req, res) => res.writeHead(204).end());
    const { api } = transport();
    expect(await api.request({ method: 'DELETE', path: '/v1/thing' })).toBeUndefined();
  });

  it('passes an auth function’s own failure on as is, without retrying', async () => {
    const refreshFailed = new Error('token refresh failed');
    const { api } = transport({
      auth: () => {
        throw refreshFailed;
      },
    });
    await expect(api.request({ method: 'GET', path: '/v1/works' })).rejects.toBe(refreshFailed);
    expect(scripted.requests).toHaveLength(0);
  });

  it('mints a UUID v4 idempotency key where crypto.randomUUID is missing (http:// pages)', async () => {
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    try {
      const { api } = transport();
      await api.request({ method: 'POST', path: '/v1/works/init', body: {}, idempotent: true });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(scripted.requests[0]?.headers['idempotency-key']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('refuses bad options naming the field, and never echoes a credential', async () => {
    expect(() => createTransport({ baseUrl: 'ftp://x', auth: { type: 'none' } })).toThrow(
      /baseUrl/,
    );
    expect(() =>
      createTransport({ baseUrl: scripted.baseUrl, auth: { type: 'none' }, maxRetries: -1 }),
    ).toThrow(/maxRetries/);
    const { api } = transport({ auth: { type: 'apiKey', apiKey: `${API_KEY}\n` } });
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(AtsValidationError.is(error)).toBe(true);
    expect(String(error)).toContain('auth.apiKey');
    expect(String(error)).not.toContain(API_KEY);
    expect(scripted.requests).toHaveLength(0);
  });
});

describe('createTransport: retries', () => {
  it('retries 5xx with exponential backoff and full jitter, up to maxRetries', async () => {
    scripted.answer(
      apiError(500, 'common.internal_error'),
      apiError(503, 'common.service_unavailable'),
      json(200, { ok: 1 }),
    );
    const { api, sleeps, retries } = transport();
    const { data, response } = await api.requestWithResponse({ method: 'GET', path: '/v1/works' });
    expect(data).toEqual({ ok: 1 });
    expect(response.attempts).toBe(3);
    expect(scripted.requests).toHaveLength(3);
    // random() = 0.5: half of 500 ms, then half of 1000 ms.
    expect(sleeps).toEqual([250, 500]);
    expect(retries.map((r) => [r.retry, r.delayMs, r.error.code])).toEqual([
      [1, 250, 'common.internal_error'],
      [2, 500, 'common.service_unavailable'],
    ]);
  });

  it('gives up after maxRetries with the last error', async () => {
    scripted.answer(
      apiError(503, 'common.service_unavailable'),
      apiError(503, 'common.service_unavailable'),
      apiError(503, 'common.service_unavailable', { request_id: 'req_last' }),
    );
    const { api, sleeps } = transport();
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(ServiceUnavailableError.is(error)).toBe(true);
    expect((error as AtsApiError).requestId).toBe('req_last');
    expect(scripted.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('honours maxRetries: 0 and a per-call override', async () => {
    scripted.answer(apiError(503, 'common.service_unavailable'), json(200, {}));
    const { api } = transport({ maxRetries: 0 });
    await expect(api.request({ method: 'GET', path: '/v1/works' })).rejects.toThrow(/503/);
    expect(scripted.requests).toHaveLength(1);
    await api.request({ method: 'GET', path: '/v1/works', maxRetries: 1 });
    expect(scripted.requests).toHaveLength(2);
  });

  it('waits the Retry-After seconds the server asks for, without jitter', async () => {
    scripted.answer(
      apiError(429, 'common.rate_limited', {}, { 'retry-after': '3' }),
      apiError(503, 'common.service_unavailable', {}, { 'retry-after': '0' }),
      json(200, {}),
    );
    const { api, sleeps } = transport();
    await api.request({ method: 'GET', path: '/v1/works' });
    expect(sleeps).toEqual([3000, 0]);
  });

  it('does not wait for a Retry-After longer than a minute: it surfaces the error', async () => {
    scripted.answer(apiError(429, 'common.rate_limited', {}, { 'retry-after': '3600' }));
    const { api, sleeps } = transport();
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(RateLimitError.is(error)).toBe(true);
    expect((error as RateLimitError).retryAfterSeconds).toBe(3600);
    expect(sleeps).toEqual([]);
  });

  it('retries 408 and a dropped connection', async () => {
    scripted.answer(json(408, {}), hangUp, json(200, { ok: true }));
    const { api } = transport();
    expect(await api.request({ method: 'GET', path: '/v1/works' })).toEqual({ ok: true });
    expect(scripted.requests).toHaveLength(3);
  });

  it('does not retry a testnet quota 429 nor a plain 4xx', async () => {
    scripted.answer(apiError(429, 'common.quota_exceeded'), apiError(404, 'work.not_found'));
    const { api } = transport();
    await expect(api.request({ method: 'GET', path: '/v1/a' })).rejects.toThrow(/quota_exceeded/);
    const error = await caught(api.request({ method: 'GET', path: '/v1/b' }));
    expect(NotFoundError.is(error)).toBe(true);
    expect(scripted.requests).toHaveLength(2);
  });

  it('does not retry a POST that is not idempotent (confirm), even on 503', async () => {
    scripted.answer(apiError(503, 'common.service_unavailable'));
    const { api } = transport();
    const error = await caught(
      api.request({ method: 'POST', path: '/v1/works/confirm', body: {} }),
    );
    expect(ServiceUnavailableError.is(error)).toBe(true);
    expect(scripted.requests).toHaveLength(1);
    expect(scripted.requests[0]?.headers['idempotency-key']).toBeUndefined();
  });

  it('does not retry a GET marked idempotent: false', async () => {
    scripted.answer(apiError(503, 'common.service_unavailable'));
    const { api } = transport();
    await expect(
      api.request({ method: 'GET', path: '/v1/works', idempotent: false }),
    ).rejects.toThrow();
    expect(scripted.requests).toHaveLength(1);
  });

  it('retries an idempotent POST with one Idempotency-Key, minted once, on every attempt', async () => {
    scripted.answer(
      apiError(503, 'common.service_unavailable'),
      hangUp,
      json(200, { job_id: 'j' }),
    );
    const { api } = transport();
    const { response } = await api.requestWithResponse({
      method: 'POST',
      path: '/v1/works/init',
      body: { title: 'Song' },
      idempotent: true,
    });
    const keys = scripted.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(response.idempotencyKey).toBe(keys[0]);
    expect(scripted.requests.every((r) => r.body === '{"title":"Song"}')).toBe(true);
  });

  it('mints a fresh key for each logical call, and uses the caller’s own key as given', async () => {
    const { api } = transport();
    await api.request({ method: 'POST', path: '/v1/works/init', body: {}, idempotent: true });
    await api.request({ method: 'POST', path: '/v1/works/init', body: {}, idempotent: true });
    await api.request({ method: 'POST', path: '/v1/works/init', body: {}, idempotencyKey: 'mine' });
    const keys = scripted.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('mine');
  });

  it('retries 409 idempotency_in_progress (honouring Retry-After) but not an idempotency conflict', async () => {
    scripted.answer(
      apiError(409, 'common.idempotency_in_progress', {}, { 'retry-after': '1' }),
      json(200, { job_id: 'j' }),
      apiError(409, 'common.idempotency_conflict'),
    );
    const { api, sleeps } = transport();
    await api.request({ method: 'POST', path: '/v1/works/init', body: {}, idempotent: true });
    expect(sleeps).toEqual([1000]);
    const error = await caught(
      api.request({ method: 'POST', path: '/v1/works/init', body: {}, idempotent: true }),
    );
    expect(ConflictError.is(error)).toBe(true);
    expect((error as ConflictError).code).toBe('common.idempotency_conflict');
    expect(scripted.requests).toHaveLength(3);
  });
});

describe('createTransport: failures', () => {
  it('maps an error envelope to the subclass for its status, with code, details and request id', async () => {
    scripted.answer(
      apiError(422, 'common.validation_failed', {
        details: { fields: [{ path: 'title', code: 'required', message: 'x' }] },
        request_id: 'req_5f0c2a9e41b7d3c8a6e0f192',
      }),
    );
    const { api } = transport();
    const error = await caught(api.request({ method: 'POST', path: '/v1/works/init', body: {} }));
    expect(UnprocessableEntityError.is(error)).toBe(true);
    expect(error).toMatchObject({
      status: 422,
      code: 'common.validation_failed',
      requestId: 'req_5f0c2a9e41b7d3c8a6e0f192',
      details: { fields: [{ path: 'title', code: 'required', message: 'x' }] },
    });
  });

  it('takes the request id from X-Request-Id when the body has none (e.g. an HTML proxy page)', async () => {
    scripted.answer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'req_fromheader' });
      res.end('<html>Bad gateway</html>');
    });
    const { api } = transport({ maxRetries: 0 });
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(AtsApiError.is(error)).toBe(true);
    expect(error).toMatchObject({ status: 502, code: 'http_502', requestId: 'req_fromheader' });
  });

  it('reports a refused connection as AtsConnectionError after the retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { api, sleeps } = transport({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(AtsConnectionError.is(error)).toBe(true);
    expect(AtsTimeoutError.is(error)).toBe(false);
    expect((error as AtsConnectionError).code).toBe('connection_failed');
    expect(String(error)).toContain('GET /v1/works');
    expect(sleeps).toHaveLength(2);
  });

  it('times each attempt out with AtsTimeoutError, and retries a timed-out GET', async () => {
    scripted.answer(silence, silence);
    const { api } = transport({ timeoutMs: 50, maxRetries: 1 });
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(AtsTimeoutError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'timeout', timeoutMs: 50 });
    expect(scripted.requests).toHaveLength(2);
  });

  it('times out while the body is still arriving, not only before the headers', async () => {
    scripted.answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const { api } = transport({ maxRetries: 0 });
    const error = await caught(api.request({ method: 'GET', path: '/v1/works', timeoutMs: 50 }));
    expect(AtsTimeoutError.is(error)).toBe(true);
  });

  it('ends with AtsAbortError as soon as the caller aborts during a request, closing it', async () => {
    scripted.answer(silence);
    const { api } = transport();
    const controller = new AbortController();
    const pending = api.request({ method: 'GET', path: '/v1/works', signal: controller.signal });
    await vi.waitFor(() => expect(scripted.requests).toHaveLength(1));
    controller.abort();
    const error = await caught(pending);
    expect(AtsAbortError.is(error)).toBe(true);
    expect((error as AtsAbortError).code).toBe('aborted');
    await scripted.clientClosed;
    expect(scripted.requests).toHaveLength(1);
  });

  it('ends with AtsAbortError at once when aborted during a backoff wait', async () => {
    scripted.answer(apiError(503, 'common.service_unavailable'));
    const controller = new AbortController();
    let waiting: () => void = () => {};
    const inBackoff = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    // A sleep that never ends by itself: only the abort can end the wait.
    const { api } = transport({
      sleep: () => {
        waiting();
        return new Promise<void>(() => {});
      },
    });
    const pending = api.request({ method: 'GET', path: '/v1/works', signal: controller.signal });
    await inBackoff;
    controller.abort();
    expect(AtsAbortError.is(await caught(pending))).toBe(true);
    expect(scripted.requests).toHaveLength(1);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const { api } = transport();
    const error = await caught(
      api.request({ method: 'GET', path: '/v1/works', signal: AbortSignal.abort() }),
    );
    expect(AtsAbortError.is(error)).toBe(true);
    expect(scripted.requests).toHaveLength(0);
  });

  it('never puts a credential in an error message, property or JSON', async () => {
    // A server echoing the credential back must not leak it either.
    scripted.answer(
      apiError(401, 'api_key.not_found', { message: `Unknown key Bearer ${API_KEY}` }),
      silence,
    );
    const apiKeyTransport = transport({ maxRetries: 0, timeoutMs: 50 }).api;
    const session = transport({
      maxRetries: 0,
      auth: { type: 'session', token: JWT, siteKey: SITE_KEY },
      baseUrl: 'http://127.0.0.1:1',
    }).api;
    const errors = [
      await caught(apiKeyTransport.request({ method: 'GET', path: '/v1/works' })),
      await caught(apiKeyTransport.request({ method: 'GET', path: '/v1/works' })),
      await caught(session.request({ method: 'GET', path: '/v1/works' })),
    ];
    expect(errors.map((e) => (e as AtsError).code)).toEqual([
      'api_key.not_found',
      'timeout',
      'connection_failed',
    ]);
    for (const error of errors) {
      const texts = [String(error), JSON.stringify(error), (error as Error).stack ?? ''];
      for (const text of texts) {
        expect(text).not.toContain(API_KEY.slice(12));
        expect(text).not.toContain(JWT);
        expect(text).not.toMatch(/authorization/i);
      }
    }
  });
});

describe('createTransport: response validation', () => {
  const InitResponse = z.object({
    job_id: z.string(),
    upload_url: z.string(),
    upload_expires_at: z.string(),
  });

  it('returns the parsed value, typed by the schema, ignoring unknown fields', async () => {
    scripted.answer(json(200, { job_id: 'j', upload_url: 'u', upload_expires_at: 't', extra: 1 }));
    const { api } = transport();
    const data = await api.request({
      method: 'POST',
      path: '/v1/works/init',
      schema: InitResponse,
    });
    expect(data).toEqual({ job_id: 'j', upload_url: 'u', upload_expires_at: 't' });
    const jobId: string = data.job_id;
    expect(jobId).toBe('j');
  });

  it('reports a mismatch as invalid_response naming the paths and the request id, without retrying', async () => {
    scripted.answer(json(200, { job_id: 1, upload_url: 'u' }, { 'x-request-id': 'req_badshape' }));
    const { api } = transport();
    const error = await caught(
      api.request({
        method: 'POST',
        path: '/v1/works/init',
        schema: InitResponse,
        idempotent: true,
      }),
    );
    expect(AtsError.is(error)).toBe(true);
    expect(AtsApiError.is(error)).toBe(false);
    expect(error).toMatchObject({ code: 'invalid_response', requestId: 'req_badshape' });
    const message = (error as Error).message;
    expect(message).toContain('POST /v1/works/init');
    expect(message).toContain('job_id');
    expect(message).toContain('upload_expires_at');
    expect(message).toContain('req_badshape');
    expect(scripted.requests).toHaveLength(1);
  });

  it('names nested paths the way the API does (creators[1].email)', async () => {
    scripted.answer(json(200, { creators: [{ email: 'a@b.c' }, { email: 3 }] }));
    const { api } = transport();
    const schema = z.object({ creators: z.array(z.object({ email: z.string() })) });
    await expect(api.request({ method: 'GET', path: '/v1/x', schema })).rejects.toThrow(
      /creators\[1\]\.email/,
    );
  });

  it('reports a 2xx body that is not JSON as invalid_response', async () => {
    scripted.answer((_req, res) =>
      res.writeHead(200, { 'x-request-id': 'req_html' }).end('<html>'),
    );
    const { api } = transport();
    const error = await caught(api.request({ method: 'GET', path: '/v1/works' }));
    expect(error).toMatchObject({ code: 'invalid_response', requestId: 'req_html' });
    expect(scripted.requests).toHaveLength(1);
  });
});

describe('createTransport: masking', () => {
  it('masks an access code of the path in messages', async () => {
    scripted.answer(apiError(404, 'access_code.not_found'), hangUp);
    const code = `atc_${'c0de'.repeat(16)}`;
    const { api } = transport({ maxRetries: 0 });
    await caught(api.request({ method: 'GET', path: `/v1/access/${code}/work` }));
    const error = await caught(api.request({ method: 'GET', path: `/v1/access/${code}/work` }));
    expect(AtsConnectionError.is(error)).toBe(true);
    expect(String(error)).toContain('/v1/access/atc_…/work');
    expect(String(error)).not.toContain(code);
  });
});
