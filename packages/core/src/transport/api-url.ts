import { AtsValidationError } from '../errors';

/**
 * Parses an API base URL (`https://ats.api.allfeat.org`, `http://127.0.0.1:8787/ats/`), refusing
 * anything that is not an absolute http(s) URL. `field` names the option in the error.
 */
export function parseApiBaseUrl(base: string | URL, field = 'baseUrl'): URL {
  let url: URL;
  try {
    url = new URL(String(base));
  } catch (cause) {
    throw invalidBase(field, cause);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidBase(field);
  return url;
}

function invalidBase(field: string, cause?: unknown): AtsValidationError {
  return new AtsValidationError('Invalid API base URL', {
    issues: [
      {
        path: field,
        code: 'invalid_format',
        message: 'must be an absolute http(s) URL such as https://ats.api.allfeat.org',
      },
    ],
    cause,
  });
}

/**
 * Resolves a path the API returned (`status_url: "/v1/transactions/…"`) or a route path against
 * the API base, keeping any path prefix of the base: `http://host/ats` + `/v1/stats` gives
 * `http://host/ats/v1/stats` (plain `new URL()` would drop `/ats`). An absolute URL is returned as
 * is, so a server that sends full URLs works too.
 *
 * @example
 * resolveApiUrl('https://ats.api.allfeat.org', '/v1/transactions/6f1c…');
 * // 'https://ats.api.allfeat.org/v1/transactions/6f1c…'
 */
export function resolveApiUrl(base: string | URL, relative: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative)) return new URL(relative).toString();
  const url = parseApiBaseUrl(base, 'base');
  const prefix = url.pathname.replace(/\/+$/, '');
  const [pathPart = '', ...rest] = relative.split('?');
  const query = rest.join('?');
  url.pathname = `${prefix}/${pathPart.replace(/^\/+/, '')}`;
  url.search = query === '' ? '' : `?${query}`;
  url.hash = '';
  return url.toString();
}

/**
 * The WebSocket URL for a relative `ws_url` (confirm's answer): resolved like `resolveApiUrl`,
 * then `http:` becomes `ws:` and `https:` becomes `wss:`. A `ws:`/`wss:` URL is kept.
 *
 * @example
 * toWebSocketUrl('https://ats.api.allfeat.org', '/v1/ws/transactions/6f1c…');
 * // 'wss://ats.api.allfeat.org/v1/ws/transactions/6f1c…'
 */
export function toWebSocketUrl(base: string | URL, wsPath: string): string {
  const url = new URL(resolveApiUrl(base, wsPath));
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.toString();
}
