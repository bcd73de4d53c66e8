import { activeSiteOrigins } from '../accounts/sites';
import type { SandboxContext } from '../context';
import { originAllowed } from '../sessions/origin-allowlist';

/** Request headers browsers may send (api.md §2). */
export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Site-Key';
/** Response headers browsers may read. */
export const CORS_EXPOSE_HEADERS = 'X-Request-Id, Retry-After, Idempotent-Replayed, ETag';

/** Paths browsers call: the widget's API routes and the storage URLs (api.md §2). */
export function isCorsPath(path: string): boolean {
  return (
    path === '/v1/works' ||
    path.startsWith('/v1/works/') ||
    path.startsWith('/v1/organizations/') ||
    path.startsWith('/v1/access/') ||
    path === '/v1/stats' ||
    path.startsWith('/v1/transactions/') ||
    path.startsWith('/_storage/')
  );
}

/**
 * True when `origin` may call: it is in an active site's allowlist (hostname rules of §11) or in
 * the `cors_extra_origins` setting.
 *
 * @example
 * corsOriginAllowed(ctx, 'https://shop.example.com');
 */
export function corsOriginAllowed(ctx: SandboxContext, origin: string): boolean {
  const extra = ctx.settings.current.cors_extra_origins;
  if (extra.includes(origin) || originAllowed(origin, extra)) return true;
  return originAllowed(origin, activeSiteOrigins(ctx.db));
}
