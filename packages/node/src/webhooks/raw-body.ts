import { AtsSignatureVerificationError } from '@ats-kit/core';

/**
 * A webhook body exactly as received: the text or the bytes. A parsed object cannot be verified,
 * since re-serializing it does not give back the bytes that were signed.
 */
export type WebhookRawBody = string | Uint8Array | ArrayBuffer;

/** How to get the raw body in the usual frameworks; appended to `body_not_raw` errors. */
export const RAW_BODY_RECIPES =
  "Express: app.post(path, express.raw({ type: 'application/json' }), handler) and pass req.body " +
  '(a Buffer), or use createNodeWebhookHandler; Next.js route handler: await request.text(); ' +
  'Hono: await c.req.text(); Web Request: createFetchWebhookHandler';

/**
 * The bytes of a raw webhook body, or `AtsSignatureVerificationError` `body_not_raw` (with the
 * framework recipes) for anything else, parsed objects first of all.
 */
export function rawBodyBytes(rawBody: unknown): Uint8Array {
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  // isView and the tag test also hold for bytes from another realm (vm, worker), unlike instanceof.
  if (ArrayBuffer.isView(rawBody)) {
    return new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  }
  if (Object.prototype.toString.call(rawBody) === '[object ArrayBuffer]') {
    return new Uint8Array(rawBody as ArrayBuffer);
  }
  throw new AtsSignatureVerificationError('body_not_raw', {
    detail: `got ${describe(rawBody)}. ${RAW_BODY_RECIPES}`,
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined: was the body read at all?';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object'
      ? `a ${name}`
      : 'a parsed object (a JSON body parser ran before verification)';
  }
  return `a ${typeof value}`;
}
