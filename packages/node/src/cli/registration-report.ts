import {
  AtsConfirmOutcomeUnknownError,
  AtsQuoteDeclinedError,
  AtsRegistrationAbortedError,
} from '@ats-kit/core';
import type { FailureContext } from './command-runner';
import type { RegistrationOutcome } from './registration-format';
import type { RegistrationView } from './registration-view';

/**
 * The `--json` document of a finished registration or version:
 * `{ ok: true, command, result, quote, commitment_check, warnings }`. `result` is the SDK's
 * `RegistrationResult` (snake_case, as the API sends it); `quote` is the prepare answer plus
 * `debit_credits` (what confirm took).
 *
 * @example
 * terminal.document(registrationDocument('register', result, view));
 */
export function registrationDocument(
  command: string,
  result: RegistrationOutcome,
  view: RegistrationView,
): Record<string, unknown> {
  return {
    ok: true,
    command,
    result,
    quote: view.quote
      ? { ...view.quote, debit_credits: view.explanation?.debitCredits ?? null }
      : null,
    commitment_check: view.snapshot?.commitment?.status ?? null,
    warnings: view.warnings.map(({ code, message }) => ({ code, message })),
  };
}

/**
 * What an interrupted or failed registration adds to its error report: the job and transaction
 * ids, whether a confirm may have gone through, and what to do next, so nobody pays twice.
 *
 * @example
 * onFailure((error) => registrationFailureContext(view, error, interrupt.interrupted));
 */
export function registrationFailureContext(
  view: RegistrationView,
  error: unknown,
  interrupted: boolean,
): FailureContext {
  const snapshot = view.snapshot;
  const aborted = AtsRegistrationAbortedError.is(error) ? error : null;
  const jobId =
    aborted?.jobId ??
    (AtsConfirmOutcomeUnknownError.is(error) ? error.jobId : null) ??
    snapshot?.jobId ??
    null;
  const transactionId = aborted ? aborted.transactionId : (snapshot?.transactionId ?? null);
  const confirmMayHaveSucceeded =
    aborted?.confirmMayHaveSucceeded ??
    (AtsConfirmOutcomeUnknownError.is(error) || snapshot?.confirmMayHaveSucceeded === true);
  const hints: string[] = [];
  if (transactionId && (aborted || interrupted)) {
    hints.push(
      `The registration was confirmed and goes on without this command: follow transaction ${transactionId} with \`ats status ${transactionId} --watch\`. Do not register again.`,
    );
  } else if (confirmMayHaveSucceeded) {
    hints.push(
      `The confirm of job ${jobId} was sent but its answer never came: the work may be registered. Do not register it again blindly; look for it in your works or wait for the webhook.`,
    );
  } else if (!transactionId && !AtsQuoteDeclinedError.is(error)) {
    hints.push('Nothing was confirmed and nothing was debited.');
  }
  return {
    fields: {
      job_id: jobId,
      transaction_id: transactionId,
      confirm_may_have_succeeded: confirmMayHaveSucceeded,
    },
    hints,
  };
}
