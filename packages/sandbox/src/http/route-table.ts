/**
 * Every route the sandbox serves, as method + Hono-style path (`/v1/works/:atsId`), so that an
 * unknown method on a known path answers `405` with `Allow`, and an unknown path `404`.
 *
 * @example
 * table.add('POST', '/v1/works/init');
 * table.allowedMethods('/v1/works/init'); // ['POST']
 */
export class RouteTable {
  private readonly routes: {
    method: string;
    path: string;
    regex: RegExp;
    isStatic: boolean;
    params: number;
  }[] = [];

  add(method: string, path: string): void {
    const isStatic = !path.includes(':');
    const pattern = path
      .split('/')
      .map((segment) =>
        segment.startsWith(':') ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\*]/g, '\\$&'),
      )
      .join('/');
    const params = path.split('/').filter((segment) => segment.startsWith(':')).length;
    this.routes.push({
      method: method.toUpperCase(),
      path,
      regex: new RegExp(`^${pattern}$`),
      isStatic,
      params,
    });
  }

  /** Methods served at this path (any pattern matching it), HEAD implied by GET. */
  allowedMethods(pathname: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.regex.test(pathname)) methods.add(route.method);
    return withHead(methods);
  }

  /**
   * Methods of the most specific patterns matching this path (fewest parameters), or null when
   * none matches. A literal segment wins over a parameter: `GET /v1/works/init` is a `405`, not a
   * lookup of a work called `init`.
   */
  preferredMethods(pathname: string): string[] | null {
    const matching = this.routes.filter((route) => route.regex.test(pathname));
    if (matching.length === 0) return null;
    const fewest = Math.min(...matching.map((route) => route.params));
    return withHead(new Set(matching.filter((r) => r.params === fewest).map((r) => r.method)));
  }

  /** The pattern that serves this method and path (for logs), or null. */
  patternFor(method: string, pathname: string): string | null {
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    const candidates = this.routes.filter((r) => r.method === wanted && r.regex.test(pathname));
    candidates.sort((a, b) => a.params - b.params);
    return candidates[0]?.path ?? null;
  }
}

function withHead(methods: Set<string>): string[] {
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
