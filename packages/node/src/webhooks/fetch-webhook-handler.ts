import { AtsSignatureVerificationError, WEBHOOK_HEADERS, type WebhookEvent } from '@ats-kit/core';
import { jsonResponse } from '../http/fetch-json-response';
import { readFetchRequestBody } from '../http/fetch-request-body';
import { verifyWebhook } from './verify-webhook';
import {
  checkWebhookHandlerOptions,
  failureAnswer,
  RECEIVED_ANSWER,
  reportWebhookFailure,
  type WebhookDeliveryContext,
  type WebhookHandlerOptions,
} from './webhook-handler-options';

/** A Web-standard request handler; the promise never rejects. */
export type FetchWebhookHandler = (request: Request) => Promise<Response>;

/**
 * A ready-made webhook endpoint for Web-standard runtimes (Next.js route handlers, Hono, Bun,
 * Deno, Cloudflare Workers): reads the raw bytes of the `Request`, verifies them, calls
 * `onEvent`, and answers like `createNodeWebhookHandler` (200, 400, 413, or 500 so that ATS
 * retries). The secret is checked when the handler is created.
 *
 * @example
 * // app/api/ats/webhook/route.ts (Next.js)
 * export const POST = createFetchWebhookHandler({
 *   secret: process.env.ATS_WEBHOOK_SECRET!,
 *   onEvent: async (event) => { if (event.event === 'work_failed') await notify(event.reason); },
 * });
 * // Hono: app.post('/ats/webhook', (c) => handler(c.req.raw));
 */
export function createFetchWebhookHandler(
  options: WebhookHandlerOptions<Request>,
): FetchWebhookHandler {
  const maxBodyBytes = checkWebhookHandlerOptions(options);

  return async (request) => {
    if (request.method !== 'POST') {
      return jsonResponse(
        405,
        { error: { code: 'method_not_allowed', message: 'Webhook deliveries are POST requests' } },
        { allow: 'POST' },
      );
    }
    const context: WebhookDeliveryContext<Request> = {
      deliveryId: request.headers.get(WEBHOOK_HEADERS.delivery) ?? undefined,
      request,
    };
    let event: WebhookEvent;
    try {
      if (request.bodyUsed) {
        throw new AtsSignatureVerificationError('body_not_raw', {
          detail:
            'the request body was already read before the webhook handler; pass the untouched Request',
        });
      }
      event = verifyWebhook({
        rawBody: await readFetchRequestBody(request, maxBodyBytes),
        headers: request.headers,
        secret: options.secret,
        toleranceSeconds: options.toleranceSeconds,
        now: options.now,
      });
    } catch (error) {
      const answer = failureAnswer(error, 'verify');
      reportWebhookFailure(options, error, answer.status, context);
      return jsonResponse(answer.status, answer.body);
    }
    try {
      await options.onEvent(event, context);
    } catch (error) {
      const answer = failureAnswer(error, 'onEvent');
      reportWebhookFailure(options, error, answer.status, context);
      return jsonResponse(answer.status, answer.body);
    }
    return jsonResponse(RECEIVED_ANSWER.status, RECEIVED_ANSWER.body);
  };
}
