import type { IncomingMessage, ServerResponse } from 'node:http';
import { AtsSignatureVerificationError, WEBHOOK_HEADERS, type WebhookEvent } from '@ats-kit/core';
import { singleHeaderValue } from '../http/header-value';
import { sendNodeJson } from '../http/node-json-response';
import { type NodeRequestWithBody, readNodeRequestBody } from '../http/node-request-body';
import { RAW_BODY_RECIPES } from './raw-body';
import { verifyWebhook } from './verify-webhook';
import {
  checkWebhookHandlerOptions,
  failureAnswer,
  RECEIVED_ANSWER,
  reportWebhookFailure,
  type WebhookDeliveryContext,
  type WebhookHandlerOptions,
} from './webhook-handler-options';

/** A request handler for Node `http` and Express; the promise never rejects. */
export type NodeWebhookHandler<TRequest extends IncomingMessage = IncomingMessage> = (
  req: TRequest,
  res: ServerResponse,
) => Promise<void>;

/**
 * A ready-made webhook endpoint for Node `http`, Express, Fastify's raw `req`/`res` and the like.
 * It reads the raw body itself (or takes the Buffer left by `express.raw()`), verifies it, calls
 * `onEvent`, and answers: 200 `{ received: true }`; 400 for a delivery that fails verification;
 * 413 over `maxBodyBytes` (1 MiB); 500 when `onEvent` throws or the receiver is misconfigured
 * (e.g. `express.json()` parsed the body first), so that ATS retries. The secret is checked when
 * the handler is created.
 *
 * @example
 * const handler = createNodeWebhookHandler({
 *   secret: process.env.ATS_WEBHOOK_SECRET!,
 *   onEvent: async (event) => { if (event.event === 'work_registered') await markAnchored(event); },
 * });
 * app.post('/ats/webhook', handler); // Express: mount it before any express.json()
 * // or: http.createServer(handler).listen(3000);
 */
export function createNodeWebhookHandler<TRequest extends IncomingMessage = IncomingMessage>(
  options: WebhookHandlerOptions<TRequest>,
): NodeWebhookHandler<TRequest> {
  const maxBodyBytes = checkWebhookHandlerOptions(options);

  return async (req, res) => {
    if (req.method !== 'POST') {
      sendNodeJson(
        res,
        405,
        { error: { code: 'method_not_allowed', message: 'Webhook deliveries are POST requests' } },
        { allow: 'POST' },
      );
      return;
    }
    const context: WebhookDeliveryContext<TRequest> = {
      deliveryId: singleHeaderValue(req.headers, WEBHOOK_HEADERS.delivery),
      request: req,
    };
    let event: WebhookEvent;
    try {
      event = verifyWebhook({
        rawBody: await rawBodyOf(req, maxBodyBytes),
        headers: req.headers,
        secret: options.secret,
        toleranceSeconds: options.toleranceSeconds,
        now: options.now,
      });
    } catch (error) {
      const answer = failureAnswer(error, 'verify');
      reportWebhookFailure(options, error, answer.status, context);
      sendNodeJson(
        res,
        answer.status,
        answer.body,
        answer.status === 413 ? { connection: 'close' } : {},
      );
      return;
    }
    try {
      await options.onEvent(event, context);
    } catch (error) {
      const answer = failureAnswer(error, 'onEvent');
      reportWebhookFailure(options, error, answer.status, context);
      sendNodeJson(res, answer.status, answer.body);
      return;
    }
    sendNodeJson(res, RECEIVED_ANSWER.status, RECEIVED_ANSWER.body);
  };
}

async function rawBodyOf(req: NodeRequestWithBody, maxBodyBytes: number): Promise<Uint8Array> {
  const body = await readNodeRequestBody(req, maxBodyBytes);
  if (body.kind === 'bytes') return body.bytes;
  throw new AtsSignatureVerificationError('body_not_raw', {
    detail:
      'a body parser (express.json()?) consumed the request before the webhook handler: mount ' +
      `the handler before it, or on its own route. ${RAW_BODY_RECIPES}`,
  });
}
