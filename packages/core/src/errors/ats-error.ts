import { redactSecrets } from './redact-secrets';

/**
 * Global-registry symbol: identical in every realm (iframes, workers' copies) and every copy of
 * this package (ESM + CJS, duplicated bundles), unlike `instanceof`.
 */
export const ATS_ERROR_BRAND: unique symbol = Symbol.for('@ats-kit/core/error') as never;

/** Options shared by every ATS error. */
export interface AtsErrorOptions {
  /** Stable, machine-readable code to branch on. */
  code: string;
  /** `req_…` id of the request, when known. */
  requestId?: string | undefined;
  cause?: unknown;
}

/** A class of this hierarchy, as seen by the `is` guard: its `kind` and its instance type. */
interface BrandedClass<T> {
  readonly kind: string;
  readonly prototype: T;
}

/**
 * Base of every error thrown by ats-kit. It carries a stable `code`, the `requestId` when one is
 * known, and the `cause`. Recognise it with `AtsError.is(value)` (works across realms and bundle
 * copies); each subclass has the same guard, e.g. `AtsApiError.is(value)`.
 *
 * @example
 * try { await client.works.register(input); } catch (e) {
 *   if (AtsError.is(e)) console.error(e.code, e.requestId);
 * }
 */
export class AtsError extends Error {
  /** Brand name of this class; subclasses override it. */
  static readonly kind: string = 'AtsError';

  readonly code: string;
  readonly requestId: string | undefined;

  constructor(message: string, options: AtsErrorOptions) {
    super(
      redactSecrets(message),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = options.code;
    this.requestId = options.requestId;
    this.name = (new.target as unknown as BrandedClass<AtsError>).kind;
    Object.defineProperty(this, ATS_ERROR_BRAND, {
      value: Object.freeze(brandKinds(new.target)),
      enumerable: false,
    });
  }

  /**
   * True when `value` is an error of this class (or a subclass), even if it was created by another
   * copy of @ats-kit/core or in another realm. Call it on the class (`RateLimitError.is(e)`); to
   * pass it as a callback, wrap it: `errors.filter((e) => RateLimitError.is(e))`.
   *
   * @example
   * if (RateLimitError.is(e)) await wait((e.retryAfterSeconds ?? 1) * 1000);
   */
  static is<T>(this: BrandedClass<T>, value: unknown): value is T {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as { [ATS_ERROR_BRAND]?: unknown })[ATS_ERROR_BRAND];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class the guard was called on.
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** The `kind` of the class and of each ancestor that declares its own. */
function brandKinds(ctor: unknown): string[] {
  const kinds: string[] = [];
  let current = ctor;
  while (typeof current === 'function') {
    if (Object.hasOwn(current, 'kind')) {
      const kind = (current as unknown as { kind: unknown }).kind;
      if (typeof kind === 'string') kinds.push(kind);
    }
    current = Object.getPrototypeOf(current);
  }
  return kinds;
}

/**
 * True when `value` is any ats-kit error, from any copy of the package or any realm. Same as
 * `AtsError.is(value)`.
 *
 * @example
 * if (isAtsError(e)) report(e.code);
 */
export function isAtsError(value: unknown): value is AtsError {
  return AtsError.is(value);
}
