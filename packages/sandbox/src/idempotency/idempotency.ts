import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Principal } from '../auth/authenticate';
import type { SandboxContext } from '../context';
import { ApiFailure, isApiFailure } from '../http/api-failure';
import { errorResponse } from '../http/envelope';

/** How long an answer is kept for replay (api.md §13), virtual ms. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a request waits for the first one with the same key to finish, wall ms. */
export const IDEMPOTENCY_WAIT_MS = 10_000;
const POLL_MS = 20;

interface IdempotencyRow {
  fingerprint: string;
  state: 'in_progress' | 'done';
  status: number | null;
  content_type: string | null;
  body: string | null;
  expires_at: number;
}

/**
 * The request's `Idempotency-Key`, or null without one. A value that is not 1–255 printable
 * ASCII characters is `400 common.bad_request` with `details.header` (api.md §13).
 *
 * @example
 * const key = readIdempotencyKey(c);
 */
export function readIdempotencyKey(c: Context): string | null {
  const value = c.req.header('idempotency-key');
  if (value === undefined) return null;
  if (value.length < 1 || value.length > 255 || !/^[\x20-\x7e]+$/.test(value)) {
    throw new ApiFailure(
      400,
      'common.bad_request',
      'Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID v4 is usual).',
      { reason: 'invalid_idempotency_key', header: 'Idempotency-Key' },
    );
  }
  return value;
}

/**
 * Runs a write at most once per idempotency key (api.md §13). Keys live 24 h of virtual time in
 * the caller's partition (API key or site). A repeat with the same route and body gets the stored
 * status and body byte for byte with `Idempotent-Replayed: true`; another body or route is
 * `409 common.idempotency_conflict`; a repeat while the first still runs waits up to 10 s, then
 * `409 common.idempotency_in_progress` with `Retry-After: 1`. 2xx and 4xx answers are stored,
 * except 401, 429 and those two 409s; 5xx never.
 *
 * @example
 * return runIdempotent(c, ctx, principal, key, body, async () => jsonResponse(200, answer));
 */
export async function runIdempotent(
  c: Context,
  ctx: SandboxContext,
  principal: Principal,
  key: string | null,
  body: unknown,
  run: () => Promise<Response>,
): Promise<Response> {
  if (key === null) return run();
  const { db } = ctx;
  const route = `${c.req.method} ${canonicalPath(c.req.path)}`;
  const fingerprint = createHash('sha256')
    .update(`${route}\n${canonicalJson(body)}`)
    .digest('hex');
  const partition = principal.partition;
  const started = Date.now();

  for (;;) {
    const now = ctx.clock.now();
    const claimed = db.transaction(() => {
      db.prepare(
        'DELETE FROM idempotency_keys WHERE partition_key = ? AND idempotency_key = ? AND expires_at <= ?',
      ).run(partition, key, now);
      const row = db
        .prepare('SELECT * FROM idempotency_keys WHERE partition_key = ? AND idempotency_key = ?')
        .get(partition, key) as IdempotencyRow | undefined;
      if (row) return row;
      db.prepare(
        `INSERT INTO idempotency_keys (partition_key, idempotency_key, fingerprint, state, created_at, expires_at)
         VALUES (?, ?, ?, 'in_progress', ?, ?)`,
      ).run(partition, key, fingerprint, now, now + IDEMPOTENCY_TTL_MS);
      return null;
    })();

    if (claimed === null) return execute(c, ctx, partition, key, run);
    if (claimed.fingerprint !== fingerprint) {
      throw new ApiFailure(
        409,
        'common.idempotency_conflict',
        'This Idempotency-Key was used with another route or body; use a new key for a new request.',
      );
    }
    if (claimed.state === 'done') {
      return new Response(claimed.body, {
        status: claimed.status ?? 200,
        headers: {
          'Content-Type': claimed.content_type ?? 'application/json; charset=utf-8',
          'Idempotent-Replayed': 'true',
        },
      });
    }
    if (Date.now() - started >= IDEMPOTENCY_WAIT_MS) {
      throw new ApiFailure(
        409,
        'common.idempotency_in_progress',
        'A request with this Idempotency-Key is still running; retry in a second.',
        undefined,
        { 'Retry-After': '1' },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function execute(
  c: Context,
  ctx: SandboxContext,
  partition: string,
  key: string,
  run: () => Promise<Response>,
): Promise<Response> {
  let response: Response;
  try {
    response = await run();
  } catch (error) {
    if (!isApiFailure(error)) {
      forget(ctx, partition, key);
      throw error;
    }
    response = errorResponse(c, error);
  }
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  if (isStorable(response.status)) {
    ctx.db
      .prepare(
        `UPDATE idempotency_keys SET state = 'done', status = ?, content_type = ?, body = ?
         WHERE partition_key = ? AND idempotency_key = ?`,
      )
      .run(response.status, contentType, text, partition, key);
  } else {
    forget(ctx, partition, key);
  }
  return new Response(text, { status: response.status, headers: response.headers });
}

function forget(ctx: SandboxContext, partition: string, key: string): void {
  ctx.db
    .prepare('DELETE FROM idempotency_keys WHERE partition_key = ? AND idempotency_key = ?')
    .run(partition, key);
}

function isStorable(status: number): boolean {
  if (status >= 200 && status < 300) return true;
  return status >= 400 && status < 500 && status !== 401 && status !== 429 && status !== 409;
}

/** The canonical route: the legacy `/v1/organizations/{org}` prefix is the same route. */
function canonicalPath(path: string): string {
  return path.replace(/^\/v1\/organizations\/[^/]+\/works/, '/v1/works');
}

/** JSON with object keys sorted, so bodies compare as parsed JSON (api.md §13). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
