import * as z from 'zod';
import { CreditsSchema, knownOrString, NetworkSchema, nullWhenAbsent } from './common';
import { REQUIRED_MESSAGE } from './messages';

// The error envelope (api.md §2.2), error codes (§16) and field errors (§4).

/**
 * Every error code the spec names (§16, transaction results, and codes seen in Allfeat's widget
 * material). Clients branch on these but must accept codes not listed here.
 */
export const KNOWN_ERROR_CODES = [
  'common.bad_request',
  'common.unauthorized',
  'common.forbidden',
  'common.not_found',
  'common.method_not_allowed',
  'common.idempotency_conflict',
  'common.idempotency_in_progress',
  'common.payload_too_large',
  'common.validation_failed',
  'common.quota_exceeded',
  'common.rate_limited',
  'common.internal_error',
  'common.service_unavailable',
  'common.auth.missing_token',
  'common.auth.invalid_token',
  'common.auth.expired',
  'common.auth.invalid_api_key',
  'common.auth.jwks_unavailable',
  'common.auth.backend_unavailable',
  'api_key.invalid_format',
  'api_key.not_found',
  'api_key.revoked',
  'api_key.org_mismatch',
  'api_key.scope_denied',
  'api_key.org_inactive',
  'api_key.invalid_name',
  'api_key.scopes_required',
  'api_key.unknown_scope',
  'api_key.webhook_url_invalid',
  'api_key.limit_reached',
  'session.invalid_token',
  'session.invalid_secret_key',
  'session.scope_denied',
  'session.origin_not_allowed',
  'session.key_inactive',
  'session.widget_not_enabled',
  'session.invalid_action_type',
  'session.invalid_network',
  'session.invalid_external_user_ref',
  'session.rate_limited',
  'organization.inactive',
  'organization.not_found',
  'organization.no_integration',
  'registration.upload_session_forbidden',
  'registration.prepared_forbidden',
  'registration.upload_session_not_found',
  'registration.prepared_not_found',
  'registration.audio_too_large',
  'registration.title_required',
  'registration.filename_required',
  'registration.creators_required',
  'registration.audio_empty',
  'registration.dry_run_failed',
  'registration.commitment_invalid',
  'registration.duplicate_title',
  'registration.invalid_audio_format',
  'registration.insufficient_credits',
  'work.access_forbidden',
  'work.not_found',
  'work.no_asset',
  'work.certificate_unavailable',
  'work.already_registered',
  'work.not_owned_by_user',
  'access_code.not_found',
  'access_code.format_invalid',
  'transaction.not_found',
  'transaction.store_unavailable',
  'transaction.failed',
  'transaction.already_confirmed',
  'transaction.expired',
  'version.already_in_progress',
  'external_user.not_found',
] as const;
export type KnownErrorCode = (typeof KNOWN_ERROR_CODES)[number];

/** An error code: a known one or any other string (unknown codes are accepted). */
export const ErrorCodeSchema = knownOrString(KNOWN_ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The field codes of `common.validation_failed` (§4). */
export const FIELD_ERROR_CODES = [
  'required',
  'invalid_type',
  'invalid_value',
  'too_short',
  'too_long',
  'too_few',
  'too_many',
  'invalid_format',
] as const;
export type KnownFieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** One entry of `details.fields`: `{ path, code, message }`, e.g. path `creators[2].isni`. */
export const FieldErrorSchema = z.object({
  path: z.string(),
  code: knownOrString(FIELD_ERROR_CODES),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** `error` of the envelope. `details` and `request_id` parse to `null` when absent. */
export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: nullWhenAbsent(z.record(z.string(), z.unknown())),
  request_id: nullWhenAbsent(z.string()),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type ErrorBodyWire = z.input<typeof ErrorBodySchema>;

/** Every non-2xx JSON answer of `/v1/...` and `/_sandbox/...`: `{ error: { code, message, … } }`. */
export const ErrorEnvelopeSchema = z.object({ error: ErrorBodySchema });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
export type ErrorEnvelopeWire = z.input<typeof ErrorEnvelopeSchema>;

// `details` of the codes that define it (§16). Read them only for those codes.

/** `common.validation_failed` details. */
export const ValidationFailedDetailsSchema = z.object({ fields: z.array(FieldErrorSchema) });
export type ValidationFailedDetails = z.infer<typeof ValidationFailedDetailsSchema>;

/** `common.bad_request` details. */
export const BadRequestDetailsSchema = z.object({
  reason: nullWhenAbsent(z.string()),
  header: nullWhenAbsent(z.string()),
  parameter: nullWhenAbsent(z.string()),
});

/** `registration.audio_too_large` details. */
export const AudioTooLargeDetailsSchema = z.object({
  size_bytes: z.number().int(),
  max_bytes: z.number().int(),
});

/** `common.payload_too_large` details. */
export const PayloadTooLargeDetailsSchema = z.object({ max_bytes: z.number().int() });

/** `common.forbidden` details (`reason`; with `insufficient_credits`: network and amounts). */
export const ForbiddenDetailsSchema = z.object({
  reason: z.string(),
  network: nullWhenAbsent(NetworkSchema),
  required: nullWhenAbsent(CreditsSchema),
  available: nullWhenAbsent(CreditsSchema),
});

/** `common.quota_exceeded` details. */
export const QuotaExceededDetailsSchema = z.object({
  limit: z.number().int(),
  used: z.number().int(),
  resets_at: z.string(),
});

/** `session.scope_denied` details: the violated claim. */
export const SessionScopeDeniedDetailsSchema = z.object({
  claim: z.string(),
  expected: z.unknown(),
  actual: z.unknown(),
});

/** `api_key.scope_denied` details: the scope the route needs. */
export const ApiKeyScopeDeniedDetailsSchema = z.object({ required: z.unknown() });

/** `common.not_found` details (e.g. `resource: "version"`). */
export const NotFoundDetailsSchema = z.object({ resource: nullWhenAbsent(z.string()) });

// ---------------------------------------------------------------------------------------------
// ZodError → API field list

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/**
 * Formats a Zod issue path the way the API prints field paths: `creators[2].isni`.
 *
 * Numbers become `[n]`; identifier-like keys are joined with dots; other keys are quoted in
 * brackets. The empty path formats as `''` (the body itself).
 *
 * @example
 * formatIssuePath(['creators', 2, 'isni']); // 'creators[2].isni'
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'symbol') out += `[${String(key)}]`;
    else if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

type Issue = z.core.$ZodIssue;

const RECEIVED_ABSENT = /received (undefined|null)$/;

function isAbsentIssue(issue: Issue): boolean {
  if (issue.message === REQUIRED_MESSAGE) return true;
  if ('input' in issue && (issue.input === undefined || issue.input === null)) {
    return issue.code === 'invalid_type' || issue.code === 'invalid_value';
  }
  if (issue.code === 'invalid_type') return RECEIVED_ABSENT.test(issue.message);
  if (issue.code === 'invalid_union') {
    return issue.errors.length > 0 && issue.errors.every((branch) => branch.some(isAbsentIssue));
  }
  return false;
}

function isFieldErrorCode(value: unknown): value is KnownFieldErrorCode {
  return typeof value === 'string' && (FIELD_ERROR_CODES as readonly string[]).includes(value);
}

function fieldCodeOf(issue: Issue): KnownFieldErrorCode {
  if (isAbsentIssue(issue)) return 'required';
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_union':
      return 'invalid_type';
    case 'too_small':
      if (issue.origin === 'string') return 'too_short';
      return issue.origin === 'array' || issue.origin === 'set' ? 'too_few' : 'invalid_value';
    case 'too_big':
      if (issue.origin === 'string') return 'too_long';
      return issue.origin === 'array' || issue.origin === 'set' ? 'too_many' : 'invalid_value';
    case 'invalid_format':
      return 'invalid_format';
    case 'custom': {
      const code = issue.params?.field_code;
      return isFieldErrorCode(code) ? code : 'invalid_value';
    }
    default:
      return 'invalid_value';
  }
}

const EXPECTED_WORDS: Record<string, string> = {
  int: 'an integer',
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

// Fix phrases for issues that carry Zod's default (capitalised) message.
function defaultFixMessage(issue: Issue, code: KnownFieldErrorCode): string {
  if (code === 'required') return REQUIRED_MESSAGE;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${EXPECTED_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (code === 'too_short')
        return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (code === 'too_few') return `must have at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (code === 'too_long') return `must be at most ${max} characters`;
      if (code === 'too_many') return `must have at most ${max} ${max === 1 ? 'entry' : 'entries'}`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'invalid_value':
      return issue.values.length > 0
        ? `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`
        : 'has a value that is not allowed';
    case 'invalid_format':
      if (issue.format === 'regex') return 'has an invalid format';
      if (issue.format === 'datetime') return 'must be an ISO 8601 timestamp';
      return `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'invalid_union':
      return 'has an unexpected shape';
    default:
      return 'has a value that is not allowed';
  }
}

/**
 * Picks the union branch that explains a failure: the only one that got past the type check.
 * Returns null when no single branch stands out (the value matched no option's type).
 */
function explainingBranch(issue: z.core.$ZodIssueInvalidUnion): Issue[] | null {
  const candidates = issue.errors.filter(
    (branch) =>
      !(branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0),
  );
  return candidates.length === 1 ? (candidates[0] ?? null) : null;
}

// Our enum messages already name the options ("must be \"testnet\" or \"mainnet\""); Zod's
// default one does not say a string is expected.
function wrongTypeFix(issue: z.core.$ZodIssueInvalidValue): string {
  if (/^[a-z]/.test(issue.message)) return issue.message;
  return `must be a string, one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
}

function pushField(
  out: FieldError[],
  path: readonly PropertyKey[],
  code: KnownFieldErrorCode,
  fix: string,
): void {
  const formatted = formatIssuePath(path);
  out.push({ path: formatted, code, message: formatted === '' ? fix : `${formatted}: ${fix}` });
}

/** The value at `path` in `root`, or undefined when the path leaves the data. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * A string enum given a present value of another type (`network: 7`) is a wrong type, not a wrong
 * value (api.md §4): Zod checks the option list first and reports `invalid_value`. Zod drops the
 * input from finished issues unless asked (`reportInput`), so the value comes from the issue when
 * it has one, else from the parsed input.
 */
function isWrongTypeForStringEnum(
  issue: Issue,
  path: readonly PropertyKey[],
  input: unknown,
): issue is z.core.$ZodIssueInvalidValue {
  if (issue.code !== 'invalid_value') return false;
  if (issue.values.length === 0 || !issue.values.every((known) => typeof known === 'string')) {
    return false;
  }
  const value = 'input' in issue ? issue.input : valueAt(input, path);
  return value !== undefined && value !== null && typeof value !== 'string';
}

function collect(
  issue: Issue,
  prefix: readonly PropertyKey[],
  out: FieldError[],
  input: unknown,
): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      pushField(out, [...path, key], 'invalid_value', 'is not a known field; remove it');
    }
    return;
  }
  if (issue.code === 'invalid_union' && !isAbsentIssue(issue)) {
    const branch = explainingBranch(issue);
    if (branch) {
      for (const inner of branch) collect(inner, path, out, input);
      return;
    }
  }
  if (
    (issue.code === 'invalid_key' || issue.code === 'invalid_element') &&
    issue.issues.length > 0
  ) {
    for (const inner of issue.issues) collect(inner, path, out, input);
    return;
  }
  if (isWrongTypeForStringEnum(issue, path, input)) {
    pushField(out, path, 'invalid_type', wrongTypeFix(issue));
    return;
  }
  const code = fieldCodeOf(issue);
  // Our own messages are lowercase fix phrases; Zod's defaults are capitalised and get rewritten.
  const fix = /^[a-z]/.test(issue.message) ? issue.message : defaultFixMessage(issue, code);
  pushField(out, path, code, fix);
}

/**
 * Turns a ZodError into the API's field list (`details.fields` of `422 common.validation_failed`):
 * one `{ path, code, message }` per problem, with the §4 field codes and a message that names the
 * path and the fix.
 *
 * Unions are reported through the branch that explains the failure; unknown keys of strict
 * schemas give one `invalid_value` entry each. Pass the parsed `input` too: a string enum given a
 * value of another type (`network: 7`) is then `invalid_type`, as for every other field, where
 * Zod alone reports `invalid_value` (its finished issues do not keep the input unless parsed
 * with `reportInput`, which works as well).
 *
 * @example
 * const result = InitWorkRequestSchema.safeParse(body);
 * if (!result.success) toFieldErrors(result.error, body);
 * // [{ path: 'creators[2].isni', code: 'invalid_format',
 * //    message: 'creators[2].isni: must be 16 characters 0-9 or X' }]
 */
export function toFieldErrors(error: z.ZodError, input?: unknown): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) collect(issue, [], out, input);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The "own code" rule of §4

/** The codes that replace `common.validation_failed` for an empty or missing field (§4). */
export const OWN_FIELD_CODES = {
  title: 'registration.title_required',
  filename: 'registration.filename_required',
  creators: 'registration.creators_required',
} as const;
export type OwnFieldCode = (typeof OWN_FIELD_CODES)[keyof typeof OWN_FIELD_CODES];

/**
 * Which init route a body belongs to: `register` (`/v1/works/init`: title, filename, creators),
 * `version_upload` (`…/versions/init-upload`: filename, creators) or `version`
 * (`…/versions/init`: creators only). Access-code forms map to the version kinds.
 */
export type InitBodyKind = 'register' | 'version' | 'version_upload';

/**
 * Applies the "own code" rule of §4: an empty or missing `title` (after trimming), `filename` or
 * `creators` list answers its own code alone, checked in that order. Returns that code, or null
 * when the body must go through the schema (and `common.validation_failed`).
 *
 * `null` counts as missing; a value of the wrong type (e.g. a number title) does not: the schema
 * reports it as `invalid_type`. A body that is not an object returns null.
 *
 * @example
 * ownCodeForInitBody({ network: 'testnet', title: '  ', filename: '' }); // 'registration.title_required'
 * ownCodeForInitBody({ creators: [] }, 'version'); // 'registration.creators_required'
 */
export function ownCodeForInitBody(
  body: unknown,
  kind: InitBodyKind = 'register',
): OwnFieldCode | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const fields = body as Record<string, unknown>;
  const { title, filename, creators } = fields;
  if (kind === 'register') {
    if (
      title === undefined ||
      title === null ||
      (typeof title === 'string' && title.trim() === '')
    ) {
      return OWN_FIELD_CODES.title;
    }
  }
  if (kind !== 'version') {
    if (filename === undefined || filename === null || filename === '')
      return OWN_FIELD_CODES.filename;
  }
  if (
    creators === undefined ||
    creators === null ||
    (Array.isArray(creators) && creators.length === 0)
  ) {
    return OWN_FIELD_CODES.creators;
  }
  return null;
}
