import type { IncomingMessage, ServerResponse } from 'node:http';
import { AtsSignatureVerificationError, type WebhookEvent } from '@ats-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LocalServer, listenLocally } from '../../test/local-http-server';
import { WORK_REGISTERED } from '../../test/webhook-events';
import { createNodeWebhookHandler } from './node-webhook-handler';
import { signWebhookPayload } from './sign-webhook-payload';
import { generateWebhookSecret } from './webhook-secret';

const secret = generateWebhookSecret();
let server: LocalServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function deliver(url: string, signed = signWebhookPayload({ payload: WORK_REGISTERED, secret })) {
  return fetch(url, { method: 'POST', body: signed.rawBody, headers: signed.headers });
}

// What express.raw() / express.json() do: read the stream, leave the result on req.body.
function withBodyParser(
  parse: (raw: Buffer) => unknown,
  next: (req: IncomingMessage, res: ServerResponse) => unknown,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      (req as IncomingMessage & { body?: unknown }).body = parse(Buffer.concat(chunks));
      next(req, res);
    });
  };
}

describe('createNodeWebhookHandler', () => {
  it('reads the raw stream, verifies it, calls onEvent and answers 200 { received: true }', async () => {
    const events: WebhookEvent[] = [];
    const deliveryIds: (string | undefined)[] = [];
    const handler = createNodeWebhookHandler({
      secret,
      onEvent: (event, { deliveryId }) => {
        events.push(event);
        deliveryIds.push(deliveryId);
      },
    });
    server = await listenLocally(handler);
    const signed = signWebhookPayload({ payload: WORK_REGISTERED, secret, deliveryId: 'dlv_7' });
    const res = await deliver(server.url, signed);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(events.map((e) => e.event)).toEqual(['work_registered']);
    expect(deliveryIds).toEqual(['dlv_7']);
  });

  it('uses the Buffer an express.raw()-style parser left on req.body', async () => {
    const onEvent = vi.fn();
    server = await listenLocally(
      withBodyParser((raw) => raw, createNodeWebhookHandler({ secret, onEvent })),
    );
    const res = await deliver(server.url);
    expect(res.status).toBe(200);
    expect(onEvent).toHaveBeenCalledOnce();
  });

  it('refuses a body an express.json()-style parser already parsed: 500 and the teaching error', async () => {
    const onEvent = vi.fn();
    const onError = vi.fn();
    const handler = createNodeWebhookHandler({ secret, onEvent, onError });
    server = await listenLocally(withBodyParser((raw) => JSON.parse(raw.toString()), handler));
    const res = await deliver(server.url);
    // 500, not 400: the receiver is misconfigured, and ATS retries once it is fixed.
    expect(res.status).toBe(500);
    expect(onEvent).not.toHaveBeenCalled();
    const error = onError.mock.calls[0]?.[0];
    expect(AtsSignatureVerificationError.is(error)).toBe(true);
    expect(error.reason).toBe('body_not_raw');
    expect(error.message).toMatch(/express\.json\(\)/);
  });

  it('answers 400 with the reason, without calling onEvent, when the signature does not match', async () => {
    const onEvent = vi.fn();
    server = await listenLocally(createNodeWebhookHandler({ secret, onEvent }));
    const signed = signWebhookPayload({
      payload: WORK_REGISTERED,
      secret: generateWebhookSecret(),
    });
    const res = await deliver(server.url, signed);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({
      code: 'webhook_signature_invalid',
      reason: 'no_matching_signature',
    });
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 500 when onEvent throws, so that ATS retries, and reports the error', async () => {
    const onError = vi.fn();
    const handler = createNodeWebhookHandler({
      secret,
      onEvent: async () => {
        throw new Error('database down');
      },
      onError,
    });
    server = await listenLocally(handler);
    const res = await deliver(server.url);
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain('database down');
    expect(onError.mock.calls[0]?.[0]).toEqual(new Error('database down'));
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const onEvent = vi.fn();
    server = await listenLocally(createNodeWebhookHandler({ secret, onEvent, maxBodyBytes: 1024 }));
    const big = { ...WORK_REGISTERED, padding: 'x'.repeat(4096) };
    const res = await deliver(server.url, signWebhookPayload({ payload: big, secret }));
    expect(res.status).toBe(413);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('refuses a streamed body (no Content-Length) over the cap with 413', async () => {
    server = await listenLocally(
      createNodeWebhookHandler({ secret, onEvent: vi.fn(), maxBodyBytes: 1024 }),
    );
    const signed = signWebhookPayload({
      payload: { ...WORK_REGISTERED, padding: 'x'.repeat(4096) },
      secret,
    });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(signed.rawBody));
        controller.close();
      },
    });
    const res = await fetch(server.url, {
      method: 'POST',
      body: chunked,
      headers: signed.headers,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 405 to anything but POST', async () => {
    server = await listenLocally(createNodeWebhookHandler({ secret, onEvent: vi.fn() }));
    const res = await fetch(server.url);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('checks the secret when the handler is created', () => {
    expect(() =>
      createNodeWebhookHandler({ secret: `afo_sk_live_${'0'.repeat(48)}`, onEvent: vi.fn() }),
    ).toThrow(/API key/);
    expect(() => createNodeWebhookHandler({ secret, onEvent: undefined as never })).toThrow(
      /onEvent/,
    );
  });
});
