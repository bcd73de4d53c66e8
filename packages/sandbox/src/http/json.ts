import type { Context } from 'hono';
import { ApiFailure } from './api-failure';

/** Largest JSON body accepted (api.md §2): 1 MiB. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * Reads the request body as UTF-8 JSON, with the size limit enforced while reading (a chunked body
 * has no declared length). Answers `400 common.bad_request` for a non-JSON content type, invalid
 * UTF-8, or bad JSON, and `413 common.payload_too_large` past 1 MiB. An empty body gives `{}`
 * when `optional`, else a `400`.
 *
 * @example
 * const body = await readJsonBody(c);
 */
export async function readJsonBody(
  c: Context,
  options: { optional?: boolean } = {},
): Promise<unknown> {
  const contentType = c.req.header('content-type');
  const bytes = await readLimited(c);
  if (bytes.byteLength === 0) {
    if (options.optional) return {};
    throw new ApiFailure(400, 'common.bad_request', 'The request needs a JSON body.', {
      reason: 'body_required',
    });
  }
  if (contentType && !isJsonMediaType(contentType)) {
    throw new ApiFailure(
      400,
      'common.bad_request',
      `Send the body as JSON with Content-Type: application/json (got ${contentType.split(';')[0]}).`,
      { reason: 'unsupported_content_type', header: 'Content-Type' },
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiFailure(400, 'common.bad_request', 'The body is not valid UTF-8.', {
      reason: 'invalid_utf8',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiFailure(
      400,
      'common.bad_request',
      `The body is not valid JSON (${(error as Error).message}).`,
      { reason: 'invalid_json' },
    );
  }
}

function isJsonMediaType(value: string): boolean {
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

async function readLimited(c: Context): Promise<Uint8Array> {
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_JSON_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** `413 common.payload_too_large` for JSON bodies over 1 MiB. */
export function payloadTooLarge(): ApiFailure {
  return new ApiFailure(
    413,
    'common.payload_too_large',
    `The JSON body is over ${MAX_JSON_BODY_BYTES} bytes.`,
    { max_bytes: MAX_JSON_BODY_BYTES },
  );
}

/**
 * A JSON answer with its exact text, so that idempotent replays can return the same bytes.
 *
 * @example
 * return jsonResponse(200, { job_id });
 */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(status === 204 ? null : JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}
