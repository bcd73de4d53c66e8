import { AtsError } from './ats-error';

/** Why a webhook signature check failed. */
export type SignatureFailureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'no_matching_signature'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'invalid_secret'
  | 'body_not_raw';

/** Options of `AtsSignatureVerificationError`. */
export interface AtsSignatureVerificationErrorOptions {
  /** Extra context, appended to the message (never a secret). */
  detail?: string | undefined;
  /** Seconds between the signature time and the receiver's clock, for the timestamp reasons. */
  skewSeconds?: number | undefined;
  toleranceSeconds?: number | undefined;
  cause?: unknown;
}

const RAW_BODY_HINT =
  'did you pass the raw request body, not a re-serialized JSON? (e.g. express.raw({ type: ' +
  "'application/json' }), or `await request.text()`)";
const SECRET_HINT =
  'the secret is the base64 string shown at key creation for the API key that confirmed the ' +
  'transaction';

function messageFor(reason: SignatureFailureReason, o: AtsSignatureVerificationErrorOptions) {
  const tolerance = o.toleranceSeconds ?? 300;
  switch (reason) {
    case 'missing_header':
      return (
        'The X-Allfeat-Signature header is missing: check that your framework or proxy forwards ' +
        'it and that the request comes from ATS'
      );
    case 'malformed_header':
      return 'The X-Allfeat-Signature header is malformed: expected `t=<unix seconds>,v1=<hex>`';
    case 'no_matching_signature':
      return `No v1 signature matches the body: ${RAW_BODY_HINT} Also check that ${SECRET_HINT}`;
    case 'timestamp_too_old':
      return (
        `The signature timestamp is ${o.skewSeconds ?? '?'} s old, over the ${tolerance} s ` +
        "tolerance: a replayed delivery, or your server's clock is behind (clock skew; sync it with NTP)"
      );
    case 'timestamp_in_future':
      return (
        `The signature timestamp is ${o.skewSeconds ?? '?'} s in the future, over the ${tolerance} s ` +
        "tolerance: your server's clock is behind ATS's (clock skew; sync it with NTP)"
      );
    case 'invalid_secret':
      return `The webhook secret is not usable: ${SECRET_HINT} (32 bytes once decoded)`;
    case 'body_not_raw':
      return `The body must be the raw bytes received (string, Uint8Array or Buffer), not a parsed object: ${RAW_BODY_HINT}`;
  }
}

/**
 * A webhook delivery failed signature verification. Code `webhook_signature_invalid`; `reason`
 * says which check failed, and the message says how to fix the usual causes (parsed body, wrong
 * secret, clock skew). Answer such a request with 400 and do not process it.
 *
 * @example
 * throw new AtsSignatureVerificationError('timestamp_too_old', { skewSeconds: 420 });
 */
export class AtsSignatureVerificationError extends AtsError {
  static override readonly kind: string = 'AtsSignatureVerificationError';

  readonly reason: SignatureFailureReason;

  constructor(reason: SignatureFailureReason, options: AtsSignatureVerificationErrorOptions = {}) {
    const base = messageFor(reason, options);
    super(options.detail ? `${base} (${options.detail})` : base, {
      code: 'webhook_signature_invalid',
      cause: options.cause,
    });
    this.reason = reason;
  }
}
