import { AtsError } from './ats-error';

/** One problem with an input: where (`path`, dotted), a stable `code`, and a human `message`. */
export interface ValidationIssue {
  path: string;
  code: string;
  message: string;
}

/** Options of `AtsValidationError`. */
export interface AtsValidationErrorOptions {
  issues: ValidationIssue[];
  cause?: unknown;
}

// Lets subclasses set their own code and full message without widening the public options.
const SUBCLASS_OVERRIDES = Symbol('AtsValidationError.subclassOverrides');
interface SubclassOverrides {
  [SUBCLASS_OVERRIDES]?: { code: string; verbatimMessage: boolean };
}

/**
 * An input was refused locally, before any request: the `issues` say which fields and why, and the
 * message lists them. Code `validation_failed`.
 *
 * @example
 * throw new AtsValidationError('Invalid register input', {
 *   issues: [{ path: 'title', code: 'too_small', message: 'must not be empty' }],
 * });
 * // message: 'Invalid register input: title: must not be empty'
 */
export class AtsValidationError extends AtsError {
  static override readonly kind: string = 'AtsValidationError';

  readonly issues: ValidationIssue[];

  constructor(message: string, options: AtsValidationErrorOptions) {
    const overrides = (options as SubclassOverrides)[SUBCLASS_OVERRIDES];
    super(overrides?.verbatimMessage ? message : formatValidationMessage(message, options.issues), {
      code: overrides?.code ?? 'validation_failed',
      cause: options.cause,
    });
    this.issues = options.issues.map((issue) => ({ ...issue }));
  }
}

function formatValidationMessage(message: string, issues: readonly ValidationIssue[]): string {
  if (issues.length === 0) return message;
  const list = issues.map((i) => `${i.path === '' ? '(input)' : i.path}: ${i.message}`);
  return `${message}: ${list.join('; ')}`;
}

/**
 * Where a file-size limit comes from: the ATS maximum for any asset, or a lower
 * `max_file_size_bytes` on an API key, a widget site or a widget session. Free text is accepted for
 * other origins and shown as is.
 */
export type FileSizeLimitSource = 'platform' | 'api_key' | 'site' | 'session' | (string & {});

const SOURCE_DESCRIPTIONS: Record<string, string> = {
  platform: 'the ATS maximum asset size',
  api_key: "the API key's max_file_size_bytes",
  site: "the widget site's max_file_size_bytes",
  session: "the widget session's max_file_size_bytes",
};

/** Options of `AtsFileTooLargeError`. */
export interface AtsFileTooLargeErrorOptions {
  sizeBytes: number;
  maxBytes: number;
  /** Origin of the limit; defaults to `platform`. */
  source?: FileSizeLimitSource | undefined;
  /** Field that holds the file, for the issue path; defaults to `file`. */
  path?: string | undefined;
  cause?: unknown;
}

/**
 * A file is over the size limit and was refused before any byte was uploaded. Code
 * `file_too_large`; the message names both sizes and where the limit comes from. A subclass of
 * `AtsValidationError`.
 *
 * @example
 * throw new AtsFileTooLargeError({ sizeBytes: 612_000_000, maxBytes: 500_000_000 });
 */
export class AtsFileTooLargeError extends AtsValidationError {
  static override readonly kind: string = 'AtsFileTooLargeError';

  readonly sizeBytes: number;
  readonly maxBytes: number;
  readonly source: FileSizeLimitSource;

  constructor(options: AtsFileTooLargeErrorOptions) {
    const source = options.source ?? 'platform';
    const origin = SOURCE_DESCRIPTIONS[source] ?? source;
    const message =
      `The file is ${formatBytes(options.sizeBytes)}, over the limit of ` +
      `${formatBytes(options.maxBytes)} set by ${origin}; choose a smaller file`;
    const overrides: SubclassOverrides = {
      [SUBCLASS_OVERRIDES]: { code: 'file_too_large', verbatimMessage: true },
    };
    super(message, {
      issues: [{ path: options.path ?? 'file', code: 'file_too_large', message }],
      cause: options.cause,
      ...overrides,
    });
    this.sizeBytes = options.sizeBytes;
    this.maxBytes = options.maxBytes;
    this.source = source;
  }
}

/** `612,000,000 bytes (583.7 MiB)`: exact bytes for comparison, MiB for reading. */
function formatBytes(bytes: number): string {
  const mib = (bytes / 1_048_576).toFixed(1);
  // Grouped by hand: toLocaleString depends on the runtime's ICU data.
  const grouped = String(bytes).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped} bytes (${mib} MiB)`;
}
