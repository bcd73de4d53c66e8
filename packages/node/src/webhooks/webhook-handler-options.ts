import {
  AtsSignatureVerificationError,
  AtsValidationError,
  type WebhookEvent,
} from '@ats-kit/core';
import { RequestBodyTooLargeError } from '../http/request-body-too-large-error';
import { decodeWebhookSecret } from './webhook-secret';

/** Largest webhook body the ready-made handlers read: 1 MiB (ATS events are a few hundred bytes). */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1_048_576;

/** What `onEvent` and `onError` receive besides the event. */
export interface WebhookDeliveryContext<TRequest> {
  /** `X-Allfeat-Delivery`: stable across retries of one delivery (sandbox extra; may be absent). */
  deliveryId: string | undefined;
  /** The framework's request, e.g. to reach your app's state. */
  request: TRequest;
}

/** Options shared by `createNodeWebhookHandler` and `createFetchWebhookHandler`. */
export interface WebhookHandlerOptions<TRequest> {
  /** The base64 webhook secret shown at API key creation; checked when the handler is created. */
  secret: string;
  /**
   * Called once per verified delivery. Deliveries may repeat and arrive out of order: deduplicate
   * on `transaction_id` + `event`. Throwing (or rejecting) answers 500, so ATS retries later.
   */
  onEvent: (event: WebhookEvent, context: WebhookDeliveryContext<TRequest>) => unknown;
  /**
   * Called with every refused delivery and every `onEvent` failure, for your logs. Default: the
   * failures that answer 500 (your `onEvent` threw, or the handler is misconfigured) go to
   * `console.error`; refused signatures are not logged.
   */
  onError?: (error: unknown, context: WebhookDeliveryContext<TRequest>) => void;
  /** Largest accepted distance between the signature time and now, both ways. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock, read at each delivery; default the system clock. */
  now?: () => Date;
  /** Bodies over this size are refused with 413 without being buffered. Default 1 MiB. */
  maxBodyBytes?: number;
}

/** The HTTP answer to a delivery. */
export interface WebhookAnswer {
  status: number;
  body: unknown;
}

/** 200 `{ received: true }`: the delivery is processed and ATS stops retrying. */
export const RECEIVED_ANSWER: WebhookAnswer = { status: 200, body: { received: true } };

/** Checks handler options up front, so a misconfiguration fails at start-up, not per delivery. */
export function checkWebhookHandlerOptions<T>(options: WebhookHandlerOptions<T>): number {
  decodeWebhookSecret(options?.secret);
  if (typeof options.onEvent !== 'function') {
    throw optionError('onEvent', 'must be a function (event, context) => void | Promise<void>');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw optionError('onError', 'must be a function (error, context) => void, or be left out');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw optionError('maxBodyBytes', 'must be a positive whole number of bytes');
  }
  return maxBodyBytes;
}

function optionError(path: string, message: string): AtsValidationError {
  return new AtsValidationError('Invalid webhook handler options', {
    issues: [{ path, code: 'invalid_value', message }],
  });
}

/**
 * The answer to a failed delivery. A delivery that is not authentic or not an event gets a 4xx
 * (ATS does not retry those); a fault on our side gets a 500 so that ATS retries once it is fixed:
 * a misconfigured receiver (bad secret, body already parsed) or a failing `onEvent`.
 */
export function failureAnswer(error: unknown, stage: 'verify' | 'onEvent'): WebhookAnswer {
  if (stage === 'onEvent') {
    return answer(500, 'webhook_handler_failed', 'Processing the event failed; retry later');
  }
  if (RequestBodyTooLargeError.is(error)) {
    return answer(413, error.code, error.message);
  }
  if (AtsSignatureVerificationError.is(error)) {
    if (error.reason === 'invalid_secret' || error.reason === 'body_not_raw') {
      return answer(
        500,
        'webhook_receiver_misconfigured',
        'The receiver is misconfigured; retry later',
      );
    }
    return {
      status: 400,
      body: { error: { code: error.code, reason: error.reason, message: error.message } },
    };
  }
  if (AtsValidationError.is(error)) {
    return answer(400, 'webhook_payload_invalid', 'The body is not a valid ATS event');
  }
  return answer(500, 'webhook_handler_failed', 'Receiving the delivery failed; retry later');
}

function answer(status: number, code: string, message: string): WebhookAnswer {
  return { status, body: { error: { code, message } } };
}

/** Hands a failure to `onError`, or logs the 500s when there is none. Never throws. */
export function reportWebhookFailure<T>(
  options: WebhookHandlerOptions<T>,
  error: unknown,
  status: number,
  context: WebhookDeliveryContext<T>,
): void {
  try {
    if (options.onError) options.onError(error, context);
    else if (status >= 500) console.error('[@ats-kit/node] webhook delivery failed:', error);
  } catch {
    // A failing logger must not turn into an unanswered request.
  }
}
