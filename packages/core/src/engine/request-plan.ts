// Turns a request into the plan the engine runs: validated and normalised wire bodies (trimmed,
// roles as flags), the routes of its family, and what the commitment check needs. Everything here
// is synchronous and happens before any network call.
import type * as z from 'zod';
import { normalizeAccessCode } from '../access-code';
import { AtsValidationError, type ValidationIssue } from '../errors';
import type { Network } from '../networks';
import {
  AccessInitVersionInputSchema,
  AccessInitVersionUploadInputSchema,
  AtsIdSchema,
  type Creator,
  CreatorsInputSchema,
  InitVersionInputSchema,
  InitVersionUploadInputSchema,
  InitWorkInputSchema,
  JobIdSchema,
  NetworkSchema,
  PrepareVersionResponseSchema,
  PrepareWorkResponseSchema,
  TitleSchema,
  toFieldErrors,
  UuidSchema,
} from '../schemas';
import type { UploadSource } from '../upload';
import type { PreparedQuote, RegistrationOperation, RegistrationRequest } from './types';

/** The routes of one job, in the family the request belongs to. */
export interface JobRoutes {
  init: string;
  prepare: string;
  confirm: string;
  prepareSchema: z.ZodType<PreparedQuote>;
}

/** A validated request, ready to run. */
export interface RequestPlan {
  operation: RegistrationOperation;
  network: Network | null;
  /** `register` or `add_version`, for the result; null when tracking only. */
  transactionType: 'register' | 'add_version' | null;
  routes: JobRoutes | null;
  /** The wire body of init; null for resume and track. */
  initBody: Record<string, unknown> | null;
  /** Whether init returns an upload URL (register, `versions/init-upload`). */
  uploads: boolean;
  media: UploadSource | undefined;
  contentType: string | undefined;
  idempotencyKey: string | undefined;
  /** Trimmed title (for the commitment), when known. */
  title: string | null;
  /** Normalised creators (for the commitment), when known. */
  creators: Creator[] | null;
  /** Resume: the job and where to start. */
  jobId: string | null;
  stage: 'prepare' | 'confirm' | null;
  /** Track: the transaction. */
  transactionId: string | null;
}

/** Route options shared by every request. */
export interface RouteOptions {
  organizationId: string | undefined;
}

/**
 * Validates a request and builds its plan. Throws `AtsValidationError` naming every bad field
 * (request names: `externalUserRef`, `atsId`, `creators[0].email`, …).
 */
export function planRequest(request: RegistrationRequest, options: RouteOptions): RequestPlan {
  if (typeof request !== 'object' || request === null) {
    throw invalid('Invalid request', [
      { path: '', code: 'invalid_type', message: 'must be an object with an operation' },
    ]);
  }
  switch (request.operation) {
    case 'register':
      return planRegister(request, options);
    case 'updateVersion':
      return planUpdate(request, options);
    case 'resume':
      return planResume(request, options);
    case 'track':
      return planTrack(request);
    default:
      throw invalid('Invalid request', [
        {
          path: 'operation',
          code: 'invalid_value',
          message: 'must be "register", "updateVersion", "resume" or "track"',
        },
      ]);
  }
}

function planRegister(
  request: Extract<RegistrationRequest, { operation: 'register' }>,
  options: RouteOptions,
): RequestPlan {
  const issues: ValidationIssue[] = [];
  const body = parseInto(
    InitWorkInputSchema,
    withoutUndefined({
      network: request.network,
      title: request.title,
      filename: request.filename,
      creators: request.creators,
      external_user_ref: request.externalUserRef ?? undefined,
    }),
    issues,
  );
  checkMediaPresent(request.media, issues);
  throwIfIssues('Invalid register input', issues);
  const wire = body as z.output<typeof InitWorkInputSchema>;
  return {
    ...emptyPlan('register'),
    network: wire.network,
    transactionType: 'register',
    routes: registerRoutes(options),
    initBody: withoutNullish({ ...wire }),
    uploads: true,
    media: request.media,
    contentType: request.contentType,
    idempotencyKey: request.idempotencyKey,
    title: wire.title,
    creators: wire.creators,
  };
}

function planUpdate(
  request: Extract<RegistrationRequest, { operation: 'updateVersion' }>,
  options: RouteOptions,
): RequestPlan {
  const issues: ValidationIssue[] = [];
  const target = parseTarget(request, issues, true);
  const uploads = request.media !== undefined && request.media !== null;
  const viaAccessCode = target?.accessCode !== undefined;
  const fields = withoutUndefined({
    network: request.network,
    creators: request.creators,
    ...(uploads ? { filename: request.filename } : {}),
    ...(viaAccessCode ? {} : { external_user_ref: request.externalUserRef ?? undefined }),
  });
  const schema = viaAccessCode
    ? uploads
      ? AccessInitVersionUploadInputSchema
      : AccessInitVersionInputSchema
    : uploads
      ? InitVersionUploadInputSchema
      : InitVersionInputSchema;
  const body = parseInto(schema as z.ZodType<Record<string, unknown>>, fields, issues);
  if (viaAccessCode && request.network === undefined) {
    issues.push({
      path: 'network',
      code: 'required',
      message: 'is required: the work’s network ("testnet" or "mainnet"), to read its quote',
    });
  }
  if (viaAccessCode && request.externalUserRef != null) {
    issues.push({
      path: 'externalUserRef',
      code: 'invalid_value',
      message: 'is not used with an access code (works with a reference have no access code)',
    });
  }
  if (!uploads && request.filename !== undefined) {
    issues.push({
      path: 'filename',
      code: 'invalid_value',
      message: 'only goes with media; leave it out to keep the current file',
    });
  }
  const title = parseOptionalTitle(request.title, issues);
  throwIfIssues('Invalid updateVersion input', issues);
  const wire = body as { network: Network; creators: Creator[] };
  return {
    ...emptyPlan('updateVersion'),
    network: wire.network,
    transactionType: 'add_version',
    routes: versionRoutes(target as ParsedTarget, options, uploads),
    initBody: withoutNullish({ ...(body as Record<string, unknown>) }),
    uploads,
    media: uploads ? request.media : undefined,
    contentType: request.contentType,
    idempotencyKey: request.idempotencyKey,
    title,
    creators: wire.creators,
  };
}

function planResume(
  request: Extract<RegistrationRequest, { operation: 'resume' }>,
  options: RouteOptions,
): RequestPlan {
  const issues: ValidationIssue[] = [];
  const target = parseTarget(request, issues, false);
  const jobId = parseField(JobIdSchema, request.jobId, 'jobId', issues);
  const network = parseField(NetworkSchema, request.network, 'network', issues);
  if (request.stage !== 'prepare' && request.stage !== 'confirm') {
    issues.push({
      path: 'stage',
      code: 'invalid_value',
      message:
        'must be "prepare" (the file is uploaded) or "confirm" (the quote was approved already)',
    });
  }
  const creators =
    request.creators === undefined
      ? null
      : (parseField(CreatorsInputSchema, request.creators, 'creators', issues) ?? null);
  const title = parseOptionalTitle(request.title, issues);
  throwIfIssues('Invalid resume input', issues);
  const routes = target ? versionRoutes(target, options, false) : registerRoutes(options);
  return {
    ...emptyPlan('resume'),
    network: network as Network,
    transactionType: target ? 'add_version' : 'register',
    routes,
    media: request.media,
    title,
    creators,
    jobId: jobId as string,
    stage: request.stage,
  };
}

function planTrack(request: Extract<RegistrationRequest, { operation: 'track' }>): RequestPlan {
  const issues: ValidationIssue[] = [];
  const transactionId = parseField(UuidSchema, request.transactionId, 'transactionId', issues);
  const network =
    request.network === undefined
      ? null
      : parseField(NetworkSchema, request.network, 'network', issues);
  throwIfIssues('Invalid track input', issues);
  return {
    ...emptyPlan('track'),
    network: network ?? null,
    transactionId: transactionId as string,
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

type ParsedTarget = { atsId: number; accessCode?: undefined } | { accessCode: string };

function worksBase(options: RouteOptions): string {
  return options.organizationId === undefined
    ? '/v1/works'
    : `/v1/organizations/${encodeURIComponent(options.organizationId)}/works`;
}

function registerRoutes(options: RouteOptions): JobRoutes {
  const base = worksBase(options);
  return {
    init: `${base}/init`,
    prepare: `${base}/prepare`,
    confirm: `${base}/confirm`,
    prepareSchema: PrepareWorkResponseSchema,
  };
}

function versionRoutes(target: ParsedTarget, options: RouteOptions, uploads: boolean): JobRoutes {
  // Access-code routes have no legacy form (api.md §1).
  const base =
    target.accessCode !== undefined
      ? `/v1/access/${target.accessCode}/versions`
      : `${worksBase(options)}/${target.atsId}/versions`;
  return {
    init: `${base}/${uploads ? 'init-upload' : 'init'}`,
    prepare: `${base}/prepare`,
    confirm: `${base}/confirm`,
    prepareSchema: PrepareVersionResponseSchema,
  };
}

// ---------------------------------------------------------------------------------------------
// Field parsing

function parseTarget(
  request: { atsId?: unknown; accessCode?: unknown },
  issues: ValidationIssue[],
  required: boolean,
): ParsedTarget | undefined {
  const hasAtsId = request.atsId !== undefined && request.atsId !== null;
  const hasCode = request.accessCode !== undefined && request.accessCode !== null;
  if (hasAtsId && hasCode) {
    issues.push({
      path: 'accessCode',
      code: 'invalid_value',
      message: 'give either atsId or accessCode, not both',
    });
    return undefined;
  }
  if (hasCode) {
    try {
      return { accessCode: normalizeAccessCode(request.accessCode as string, 'accessCode') };
    } catch (error) {
      if (AtsValidationError.is(error)) issues.push(...error.issues);
      else throw error;
      return undefined;
    }
  }
  if (hasAtsId) {
    const atsId = parseField(AtsIdSchema, request.atsId, 'atsId', issues);
    return atsId === undefined ? undefined : { atsId };
  }
  if (required) {
    issues.push({
      path: 'atsId',
      code: 'required',
      message: 'is required: the work’s ats_id, or pass accessCode instead',
    });
  }
  return undefined;
}

function parseOptionalTitle(title: unknown, issues: ValidationIssue[]): string | null {
  if (title === undefined || title === null) return null;
  return parseField(TitleSchema, title, 'title', issues) ?? null;
}

function checkMediaPresent(media: unknown, issues: ValidationIssue[]): void {
  if (media === undefined || media === null) {
    issues.push({
      path: 'media',
      code: 'required',
      message: 'is required: a file path (Node), bytes, a Blob/File or { stream, size }',
    });
  }
}

// Request names for the wire names a caller does not write.
const REQUEST_PATH_NAMES: Record<string, string> = { external_user_ref: 'externalUserRef' };

function toIssues(error: z.ZodError, input: unknown, prefix = ''): ValidationIssue[] {
  return toFieldErrors(error, input).map((field) => {
    const [head = '', ...rest] = field.path.split('.');
    const renamed = [REQUEST_PATH_NAMES[head] ?? head, ...rest].join('.');
    const path = prefix === '' ? renamed : renamed === '' ? prefix : joinPath(prefix, renamed);
    // toFieldErrors starts messages with the path; the error message adds it again.
    const message = field.message.startsWith(`${field.path}: `)
      ? field.message.slice(field.path.length + 2)
      : field.message;
    return { path, code: field.code, message };
  });
}

function joinPath(prefix: string, path: string): string {
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function parseInto<T>(schema: z.ZodType<T>, value: unknown, issues: ValidationIssue[]): T | null {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...toIssues(result.error, value));
  return null;
}

function parseField<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...toIssues(result.error, value, path));
  return undefined;
}

function throwIfIssues(message: string, issues: ValidationIssue[]): void {
  if (issues.length > 0) throw invalid(message, issues);
}

function invalid(message: string, issues: ValidationIssue[]): AtsValidationError {
  return new AtsValidationError(message, { issues });
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function withoutNullish(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined && value !== null),
  );
}

function emptyPlan(operation: RegistrationOperation): RequestPlan {
  return {
    operation,
    network: null,
    transactionType: null,
    routes: null,
    initBody: null,
    uploads: false,
    media: undefined,
    contentType: undefined,
    idempotencyKey: undefined,
    title: null,
    creators: null,
    jobId: null,
    stage: null,
    transactionId: null,
  };
}
