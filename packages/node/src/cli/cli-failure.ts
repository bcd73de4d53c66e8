import {
  AtsAbortError,
  AtsApiError,
  AtsCommitmentMismatchError,
  AtsError,
  AtsQuoteDeclinedError,
  AtsValidationError,
} from '@ats-kit/core';
import { CliDeclinedError, CliUsageError } from './cli-errors';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { flagForField } from './work-input';

/** A failure as a command reports it: on stderr for people, in the JSON document for scripts. */
export interface CliFailure {
  exitCode: ExitCodeValue;
  /** Stable: the SDK's error code, or `usage`, `interrupted`, `internal`. */
  code: string;
  message: string;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

/**
 * Classifies what a command threw: usage mistakes (2), commitment mismatches (3), declined quotes
 * (4), Ctrl+C (130), everything else (1). SDK messages are already free of secrets.
 *
 * @example
 * const failure = describeFailure(error, interrupt.interrupted);
 * process.exitCode = failure.exitCode;
 */
export function describeFailure(error: unknown, interrupted: boolean): CliFailure {
  const base = { requestId: null, details: null };
  if (error instanceof CliUsageError) {
    return { ...base, exitCode: ExitCode.usage, code: 'usage', message: error.message };
  }
  if (error instanceof CliDeclinedError) {
    return { ...base, exitCode: ExitCode.declined, code: 'declined', message: error.message };
  }
  if (AtsQuoteDeclinedError.is(error)) {
    return {
      ...base,
      exitCode: ExitCode.declined,
      code: error.code,
      message:
        error.reason === 'over_max_price'
          ? `The quote debits ${error.debitCredits} credits, over --max-price ${error.maxPriceCredits}; nothing was confirmed or debited`
          : 'Quote declined; nothing was confirmed or debited',
      details: {
        reason: error.reason,
        job_id: error.jobId,
        debit_credits: error.debitCredits,
        max_price_credits: error.maxPriceCredits ?? null,
      },
    };
  }
  if (AtsCommitmentMismatchError.is(error)) {
    return {
      ...base,
      exitCode: ExitCode.mismatch,
      code: error.code,
      message: error.message,
      details: {
        job_id: error.jobId,
        local_commitment: error.localCommitment,
        server_commitment: error.serverCommitment,
        mismatched: error.mismatched,
      },
    };
  }
  if (AtsAbortError.is(error) && interrupted) {
    return { ...base, exitCode: ExitCode.interrupted, code: 'interrupted', message: 'Interrupted' };
  }
  if (AtsValidationError.is(error)) {
    // Local checks the SDK made before any request: still a command-line mistake.
    const lines = error.issues.map((issue) => `  ${flagForField(issue.path)}: ${issue.message}`);
    return {
      ...base,
      exitCode: ExitCode.usage,
      code: error.code,
      message: lines.length > 0 ? `${error.message}:\n${lines.join('\n')}` : error.message,
    };
  }
  if (AtsError.is(error)) {
    const details = AtsApiError.is(error) ? (error.details as Record<string, unknown>) : null;
    return {
      exitCode: ExitCode.failure,
      code: error.code,
      message: error.message,
      requestId: error.requestId ?? null,
      details: details ?? null,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, exitCode: ExitCode.failure, code: 'internal', message };
}
