import { timingSafeEqual } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import type { SandboxContext } from '../context';
import { ApiFailure } from './api-failure';
import { errorResponse } from './envelope';
import { MAX_JSON_BODY_BYTES, payloadTooLarge } from './json';
import type { RouteTable } from './route-table';

/** Hono environment of the sandbox: Node bindings, and the request id set by the first middleware. */
export type AppEnv = { Bindings: HttpBindings; Variables: { requestId: string } };

/** A route handler. Throw `ApiFailure` for error answers. */
export type RouteHandler = (c: Context<AppEnv>) => Response | Promise<Response>;

/**
 * Registers routes on the app and in the route table, wrapping each handler with what its family
 * needs, in the order of api.md §3.4: the declared body size (`413`) for `/v1` and `/_sandbox`,
 * the admin token for `/_sandbox`, fault injection for `/v1`.
 *
 * @example
 * router.add('GET', '/v1/transactions/:id', (c) => getStatus(c));
 * router.addWorks('POST', '/init', initWork); // canonical and legacy families
 */
export class Router {
  constructor(
    readonly app: Hono<AppEnv>,
    readonly table: RouteTable,
    readonly ctx: SandboxContext,
  ) {}

  add(method: string, path: string, handler: RouteHandler): void {
    this.table.add(method, path);
    this.app.on(method, path, this.wrap(path, handler));
  }

  /**
   * A `/v1/works…` route in both families: `/v1/works<suffix>` and
   * `/v1/organizations/:org/works<suffix>` (api.md §1). The handler checks `{org}` through the
   * credential.
   */
  addWorks(method: string, suffix: string, handler: RouteHandler): void {
    this.add(method, `/v1/works${suffix}`, handler);
    this.add(method, `/v1/organizations/:org/works${suffix}`, handler);
  }

  private wrap(path: string, handler: RouteHandler): RouteHandler {
    const family = path.startsWith('/v1/')
      ? 'v1'
      : path.startsWith('/_sandbox/')
        ? 'admin'
        : 'storage';
    return async (c) => {
      if (family !== 'storage') {
        const declared = Number(c.req.header('content-length') ?? '0');
        if (declared > MAX_JSON_BODY_BYTES) throw payloadTooLarge();
      }
      if (family === 'admin') this.checkAdminToken(c);
      if (family === 'v1') return this.withFaults(c, handler);
      return handler(c);
    };
  }

  private checkAdminToken(c: Context<AppEnv>): void {
    const expected = this.ctx.adminToken;
    if (!expected) return;
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new ApiFailure(
        401,
        'common.unauthorized',
        'The sandbox admin routes need Authorization: Bearer <admin token>.',
      );
    }
  }

  private async withFaults(c: Context<AppEnv>, handler: RouteHandler): Promise<Response> {
    const faults = this.ctx.faults;
    const path = c.req.path;
    const retryAfter = String(faults.current.retry_after_seconds);
    const rule = faults.takeRule(c.req.method, path);
    if (rule) {
      const headers: Record<string, string> = {};
      if (rule.retry_after !== null && rule.retry_after !== undefined) {
        headers['Retry-After'] = String(rule.retry_after);
      } else if (rule.status === 429 || rule.status === 503) {
        headers['Retry-After'] = retryAfter;
      }
      throw new ApiFailure(
        rule.status,
        rule.code,
        rule.message ?? `Injected by a sandbox fault rule (${rule.code}).`,
        rule.details ?? undefined,
        headers,
      );
    }
    if (faults.draw('api_429_rate')) {
      const code = path === '/v1/sessions' ? 'session.rate_limited' : 'common.rate_limited';
      throw new ApiFailure(
        429,
        code,
        'Too many requests (injected fault); retry later.',
        undefined,
        {
          'Retry-After': retryAfter,
        },
      );
    }
    let failAfter = false;
    if (faults.draw('api_5xx_rate')) {
      failAfter = faults.drawPhaseAfter();
      if (!failAfter) throw serviceUnavailable(path, retryAfter);
    }
    const latency = faults.drawLatencyMs();
    let response: Response;
    try {
      response = await handler(c);
    } catch (error) {
      if (latency > 0) await sleep(latency);
      throw error;
    }
    if (latency > 0) await sleep(latency);
    // Phase "after": the effect happened, the answer is lost.
    if (failAfter) return errorResponse(c, serviceUnavailable(path, retryAfter));
    return response;
  }
}

function serviceUnavailable(path: string, retryAfter: string): ApiFailure {
  const code = path.startsWith('/v1/transactions/')
    ? 'transaction.store_unavailable'
    : 'common.service_unavailable';
  return new ApiFailure(
    503,
    code,
    'The service is unavailable (injected fault); retry later.',
    undefined,
    {
      'Retry-After': retryAfter,
    },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
