import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  AtsSignatureVerificationError,
  AtsValidationError,
  checkTimestamp,
  DEFAULT_TOLERANCE_SECONDS,
  formatIssuePath,
  KnownWebhookEventSchema,
  parseSignatureHeader,
  signedPayload,
  WEBHOOK_EVENTS,
  WEBHOOK_SIGNATURE_HEADER,
  type WebhookEvent,
  WebhookEventSchema,
} from '@ats-kit/core';
import { headerValue, type RequestHeaders } from '../http/header-value';
import { rawBodyBytes, type WebhookRawBody } from './raw-body';
import { decodeWebhookSecret } from './webhook-secret';

/** Options of `verifyWebhook`. */
export interface VerifyWebhookOptions {
  /** The body exactly as received (string, Buffer / Uint8Array or ArrayBuffer), never parsed. */
  rawBody: WebhookRawBody;
  /** The request headers: a `Headers`, Node's `req.headers`, or a plain object in any case. */
  headers: RequestHeaders;
  /** The base64 webhook secret shown at API key creation. */
  secret: string;
  /** Largest accepted distance between the signature time and `now`, both ways. Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock; default the system clock. A function is read at each call. */
  now?: Date | (() => Date);
}

/**
 * Verifies an ATS webhook delivery and returns its event, typed and parsed. Checks, in order: the
 * body is raw bytes, the secret decodes to 32 bytes, `X-Allfeat-Signature` parses, one of its `v1`
 * signatures is the HMAC-SHA256 of `t.body` (compared in constant time; several are accepted for
 * secret rotation), and `t` is within `toleranceSeconds` of `now`. Failures throw
 * `AtsSignatureVerificationError` (code `webhook_signature_invalid`, `reason` says which check);
 * an authentic body that is not a valid event throws `AtsValidationError`. Events this version
 * does not know are returned too: tell them apart with `isKnownWebhookEvent`. Deliveries may
 * repeat: deduplicate on `transaction_id` + `event`.
 *
 * @example
 * app.post('/ats/webhook', express.raw({ type: 'application/json' }), (req, res) => {
 *   const event = verifyWebhook({ rawBody: req.body, headers: req.headers, secret });
 *   if (event.event === 'work_registered') console.log('anchored as', event.ats_id);
 *   res.json({ received: true });
 * });
 */
export function verifyWebhook(options: VerifyWebhookOptions): WebhookEvent {
  const body = rawBodyBytes(options?.rawBody);
  const key = decodeWebhookSecret(options.secret);
  const { timestamp, signatures } = parseSignatureHeader(
    headerValue(options.headers, WEBHOOK_SIGNATURE_HEADER),
  );

  const expected = createHmac('sha256', key).update(signedPayload(timestamp, body)).digest();
  // Every candidate is compared (no early exit), each in constant time.
  let matched = false;
  for (const signature of signatures) {
    const candidate = Buffer.from(signature, 'hex');
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected))
      matched = true;
  }
  if (!matched) throw new AtsSignatureVerificationError('no_matching_signature');

  checkTimestamp(
    timestamp,
    Math.floor(currentTime(options.now).getTime() / 1000),
    options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  );
  return parseEvent(body);
}

function currentTime(now: VerifyWebhookOptions['now']): Date {
  const value = typeof now === 'function' ? now() : (now ?? new Date());
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new AtsValidationError('Invalid now option', {
      issues: [
        {
          path: 'now',
          code: 'invalid_type',
          message: 'must be a valid Date or a function returning one',
        },
      ],
    });
  }
  return value;
}

function parseEvent(body: Uint8Array): WebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (cause) {
    throw new AtsValidationError('The webhook body is authentic but is not UTF-8 JSON', {
      issues: [{ path: 'rawBody', code: 'invalid_json', message: 'must be a JSON object' }],
      cause,
    });
  }
  // A known event name gets its own schema, so that the issues name the bad fields rather than
  // "matches no branch of the union".
  const name = (json as { event?: unknown } | null)?.event;
  const schema = (WEBHOOK_EVENTS as readonly unknown[]).includes(name)
    ? KnownWebhookEventSchema
    : WebhookEventSchema;
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw new AtsValidationError('The webhook body is authentic but is not a valid ATS event', {
    issues: result.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      code: issue.code,
      message: issue.message,
    })),
    cause: result.error,
  });
}
