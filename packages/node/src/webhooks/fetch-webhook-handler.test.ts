import { describe, expect, it, vi } from 'vitest';
import { WORK_FAILED } from '../../test/webhook-events';
import { createFetchWebhookHandler } from './fetch-webhook-handler';
import { signWebhookPayload } from './sign-webhook-payload';
import { generateWebhookSecret } from './webhook-secret';

const secret = generateWebhookSecret();
const URL_ = 'http://127.0.0.1/ats/webhook';

function deliveryRequest(signed = signWebhookPayload({ payload: WORK_FAILED, secret })): Request {
  return new Request(URL_, { method: 'POST', body: signed.rawBody, headers: signed.headers });
}

describe('createFetchWebhookHandler', () => {
  it('verifies a Request, calls onEvent and answers 200 { received: true }', async () => {
    const onEvent = vi.fn();
    const handler = createFetchWebhookHandler({ secret, onEvent });
    const signed = signWebhookPayload({ payload: WORK_FAILED, secret, deliveryId: 'dlv_9' });
    const res = await handler(deliveryRequest(signed));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(onEvent).toHaveBeenCalledOnce();
    const [event, context] = onEvent.mock.calls[0]!;
    expect(event).toMatchObject({
      event: 'work_failed',
      reason: 'The chain refused the transaction',
    });
    expect(context.deliveryId).toBe('dlv_9');
    expect(context.request).toBeInstanceOf(Request);
  });

  it('answers 400 to a stale delivery', async () => {
    const onEvent = vi.fn();
    const handler = createFetchWebhookHandler({ secret, onEvent });
    const stale = signWebhookPayload({
      payload: WORK_FAILED,
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    const res = await handler(deliveryRequest(stale));
    expect(res.status).toBe(400);
    expect((await res.json()).error.reason).toBe('timestamp_too_old');
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 500 to a Request whose body was already read', async () => {
    const onError = vi.fn();
    const handler = createFetchWebhookHandler({ secret, onEvent: vi.fn(), onError });
    const request = deliveryRequest();
    await request.text();
    const res = await handler(request);
    expect(res.status).toBe(500);
    expect(onError.mock.calls[0]?.[0].reason).toBe('body_not_raw');
  });

  it('answers 500 when onEvent rejects', async () => {
    const handler = createFetchWebhookHandler({
      secret,
      onEvent: () => Promise.reject(new Error('queue full')),
      onError: () => {},
    });
    const res = await handler(deliveryRequest());
    expect(res.status).toBe(500);
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const handler = createFetchWebhookHandler({ secret, onEvent: vi.fn(), maxBodyBytes: 64 });
    const res = await handler(deliveryRequest());
    expect(res.status).toBe(413);
  });

  it('answers 405 to anything but POST', async () => {
    const handler = createFetchWebhookHandler({ secret, onEvent: vi.fn() });
    const res = await handler(new Request(URL_));
    expect(res.status).toBe(405);
  });
});
