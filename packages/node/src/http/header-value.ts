/**
 * Request headers in the shapes servers hand them over: a Web `Headers`, Node's
 * `IncomingHttpHeaders` (lowercased names, `string | string[]`), or a plain object in any case.
 */
export type RequestHeaders =
  | Headers
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined | null>>;

/**
 * One header's value, looked up case-insensitively; a repeated header comes back as its list.
 * `undefined` when absent.
 */
export function headerValue(
  headers: RequestHeaders | null | undefined,
  name: string,
): string | readonly string[] | undefined {
  if (headers === null || headers === undefined) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  const wanted = name.toLowerCase();
  // Node lowercases names; a hand-built object may not, so fall back to a scan.
  const value =
    record[wanted] ??
    Object.entries(record).find(([key]) => key.toLowerCase() === wanted)?.[1] ??
    undefined;
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}

/** The first value of a header, for headers that are meaningful once (`Origin`, delivery id). */
export function singleHeaderValue(
  headers: RequestHeaders | null | undefined,
  name: string,
): string | undefined {
  const value = headerValue(headers, name);
  return typeof value === 'string' ? value : value?.[0];
}
