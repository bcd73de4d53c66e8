import { AtsValidationError, NETWORKS, type Network } from '@ats-kit/core';

// Checks of the values that go into route paths and queries, so a bad argument is refused before
// any request, with an error naming the argument and the fix.

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An `ats_id`: a positive integer, counted per network. */
export function checkAtsId(value: unknown, field = 'atsId'): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw invalidArgument(
    field,
    'invalid_value',
    'must be a positive integer, the ats_id of a work on its network (e.g. 7)',
  );
}

/** A version number: a positive integer. */
export function checkVersion(value: unknown, field = 'version'): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw invalidArgument(field, 'invalid_value', 'must be a version number: an integer from 1');
}

/** A UUID (work id, transaction id), returned lowercase. */
export function checkUuid(value: unknown, field: string, what: string): string {
  if (typeof value === 'string' && UUID_PATTERN.test(value.trim())) {
    return value.trim().toLowerCase();
  }
  throw invalidArgument(field, 'invalid_format', `must be ${what}, a UUID (8-4-4-4-12 hex digits)`);
}

/** A job id: opaque, non-empty. */
export function checkJobId(value: unknown, field = 'jobId'): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw invalidArgument(field, 'required', 'must be the job_id that init returned');
}

/**
 * The `network` query of a read: the call's own choice, the client's default when the call says
 * nothing, or no filter when the call passes `null`.
 */
export function networkQuery(
  value: Network | null | undefined,
  fallback: Network,
  field = 'network',
): Network | undefined {
  if (value === null) return undefined;
  if (value === undefined) return fallback;
  if ((NETWORKS as readonly unknown[]).includes(value)) return value;
  throw invalidArgument(field, 'invalid_value', 'must be "testnet" or "mainnet", or null for both');
}

/** A path segment, percent-encoded. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

function invalidArgument(path: string, code: string, message: string): AtsValidationError {
  return new AtsValidationError(`Invalid ${path}`, { issues: [{ path, code, message }] });
}
