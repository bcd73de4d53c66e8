// Widget sites list the hosts their pages run on (api.md §11). The sandbox compares hostnames
// only: scheme and port are ignored, and `*.host` covers subdomains but not the bare host.

/**
 * True when the `Origin` header's hostname is in a site's allowlist. Entries are exact hosts
 * (`shop.example.com`) or wildcards (`*.example.com`, which matches `a.example.com` and
 * `a.b.example.com` but not `example.com`). Hostnames compare case-insensitively; a scheme, port,
 * path or trailing dot on either side is ignored. A missing or unparsable origin (including the
 * literal `null` browsers send from sandboxed frames) is never allowed.
 *
 * @example
 * originAllowed('https://shop.example.com:8443', ['*.example.com']); // true
 * originAllowed('https://example.com', ['*.example.com']); // false
 */
export function originAllowed(
  origin: string | null | undefined,
  allowedOrigins: readonly string[],
): boolean {
  const host = hostnameOf(origin);
  if (host === null || host.startsWith('*')) return false;
  for (const entry of allowedOrigins) {
    const pattern = hostnameOf(entry);
    if (pattern === null) continue;
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1); // '.example.com'
      if (suffix.length > 1 && host.endsWith(suffix) && host.length > suffix.length) return true;
    } else if (pattern === host) {
      return true;
    }
  }
  return false;
}

/**
 * The lowercase hostname of an origin or allowlist entry: `https://Shop.Example.com:8443/x` and
 * `shop.example.com` both give `shop.example.com`; IPv6 literals keep their brackets. `null` when
 * nothing host-like is left.
 */
function hostnameOf(value: string | null | undefined): string | null {
  if (typeof value !== 'string') return null;
  let rest = value.trim().toLowerCase();
  if (rest === '' || rest === 'null') return null;
  rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  rest = rest.split(/[/?#]/, 1)[0] ?? '';
  const at = rest.lastIndexOf('@');
  if (at !== -1) rest = rest.slice(at + 1);
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    return close > 1 ? rest.slice(0, close + 1) : null;
  }
  rest = rest.replace(/:\d*$/, '').replace(/\.$/, '');
  if (rest === '' || /[\s:]/.test(rest)) return null;
  return rest;
}
