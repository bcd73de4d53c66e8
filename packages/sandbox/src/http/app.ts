import { Hono } from 'hono';
import type { SandboxContext } from '../context';
import { newRequestId } from '../identifiers/identifiers';
import { isApiFailure } from './api-failure';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, corsOriginAllowed, isCorsPath } from './cors';
import { errorResponse, methodNotAllowed, routeNotFound, toApiFailure } from './envelope';
import { RouteTable } from './route-table';
import { type AppEnv, Router } from './router';

/** Adds one group of routes (a file under `src/routes/`). */
export type RouteRegistrar = (router: Router) => void;

/**
 * Builds the sandbox's Hono app: request ids (`X-Request-Id` on every answer), the per-request
 * log line, CORS, `404` / `405` for unknown routes and methods, the error envelope for every
 * failure, then the routes of each registrar.
 *
 * @example
 * const { app, table } = createApp(ctx, [registerWorkRoutes, registerAdminRoutes]);
 */
export function createApp(
  ctx: SandboxContext,
  registrars: readonly RouteRegistrar[],
): { app: Hono<AppEnv>; table: RouteTable } {
  const app = new Hono<AppEnv>();
  const table = new RouteTable();

  app.use('*', async (c, next) => {
    const requestId = newRequestId();
    c.set('requestId', requestId);
    const started = performance.now();
    const method = c.req.method;
    const path = c.req.path;
    const origin = c.req.header('origin');
    const corsAllowed = origin !== undefined && isCorsPath(path) && corsOriginAllowed(ctx, origin);

    // Every request observes every transition due by its virtual instant. A failing transition is
    // logged by the scheduler; requests are still served so that an operator can inspect or reset.
    try {
      ctx.scheduler.catchUp();
    } catch {
      // Logged by the scheduler's error hook.
    }

    const allowed = table.allowedMethods(path);
    const preferred = table.preferredMethods(path);
    if (method === 'OPTIONS') {
      c.res =
        allowed.length === 0
          ? errorResponse(c, routeNotFound(method, path))
          : new Response(null, {
              status: 204,
              headers: {
                Allow: [...allowed, 'OPTIONS'].join(', '),
                ...(corsAllowed
                  ? {
                      'Access-Control-Allow-Methods': [...allowed, 'OPTIONS'].join(', '),
                      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
                      'Access-Control-Max-Age': '600',
                    }
                  : {}),
              },
            });
    } else if (preferred && !preferred.includes(method)) {
      c.res = errorResponse(c, methodNotAllowed(method, path, preferred));
    } else {
      await next();
    }

    c.res.headers.set('X-Request-Id', requestId);
    if (corsAllowed && origin) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.set('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
      c.res.headers.append('Vary', 'Origin');
    }
    ctx.log.info('request', {
      method,
      route: table.patternFor(method, path) ?? '(unmatched)',
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      request_id: requestId,
    });
  });

  app.notFound((c) => {
    const allowed = table.allowedMethods(c.req.path);
    if (allowed.length > 0)
      return errorResponse(c, methodNotAllowed(c.req.method, c.req.path, allowed));
    return errorResponse(c, routeNotFound(c.req.method, c.req.path));
  });

  app.onError((error, c) => {
    if (!isApiFailure(error)) {
      ctx.log.error('unexpected error', {
        request_id: c.get('requestId'),
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    return errorResponse(c, toApiFailure(error));
  });

  const router = new Router(app, table, ctx);
  for (const register of registrars) register(router);
  return { app, table };
}
