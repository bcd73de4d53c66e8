// Errors only the registration engine raises. Each one says what happened and what to do next.
import { AtsAbortError, AtsError } from '../errors';
import type { TransactionResult } from '../schemas';
import type { StatusKind } from './types';

/** Which parts of a commitment disagreed with the server's prepare answer. */
export type CommitmentPart = 'commitment' | 'media_hash' | 'merkle_root';

/** Options of `AtsCommitmentMismatchError`. */
export interface AtsCommitmentMismatchErrorOptions {
  jobId: string;
  /** `0x…` as computed here, when the whole commitment could be computed. */
  localCommitment: string | null;
  /** `0x…` from the prepare answer. */
  serverCommitment: string;
  mismatched: readonly CommitmentPart[];
}

/**
 * The commitment the server is about to anchor is not the one computed locally from the file, the
 * title and the creators sent. Raised before confirm (nothing is paid) with
 * `verifyCommitment: 'enforce'`. Code `commitment_mismatch`.
 *
 * @example
 * if (AtsCommitmentMismatchError.is(e)) console.error(e.mismatched, e.serverCommitment);
 */
export class AtsCommitmentMismatchError extends AtsError {
  static override readonly kind: string = 'AtsCommitmentMismatchError';

  readonly jobId: string;
  readonly localCommitment: string | null;
  readonly serverCommitment: string;
  readonly mismatched: readonly CommitmentPart[];

  constructor(options: AtsCommitmentMismatchErrorOptions) {
    super(
      `The server's commitment for job ${options.jobId} (${options.serverCommitment}) does not match ` +
        `the one computed locally (${options.localCommitment ?? 'partial check'}; differing: ` +
        `${options.mismatched.join(', ')}); nothing was confirmed. Check that the file, title and ` +
        'creators are the ones you meant to register, then start again',
      { code: 'commitment_mismatch' },
    );
    this.jobId = options.jobId;
    this.localCommitment = options.localCommitment;
    this.serverCommitment = options.serverCommitment;
    this.mismatched = [...options.mismatched];
  }
}

/** Options of `AtsTransactionFailedError`. */
export interface AtsTransactionFailedErrorOptions {
  transactionId: string;
  /** The server's `result.error.code`; `transaction.failed` when it gave none. */
  code?: string | undefined;
  /** The server's `result.error.message`. */
  serverMessage?: string | undefined;
  result: TransactionResult | null;
}

/**
 * The chain transaction ended in `failed` (the debit is refunded). `code` is the result's error
 * code (`transaction.failed` by default); `result` holds what the server reported.
 *
 * @example
 * if (AtsTransactionFailedError.is(e)) console.error(e.code, e.transactionId);
 */
export class AtsTransactionFailedError extends AtsError {
  static override readonly kind: string = 'AtsTransactionFailedError';

  readonly transactionId: string;
  readonly serverMessage: string | undefined;
  readonly result: TransactionResult | null;

  constructor(options: AtsTransactionFailedErrorOptions) {
    const said = options.serverMessage ? `: ${options.serverMessage}` : '';
    super(
      `Transaction ${options.transactionId} failed${said}; the debit is refunded and nothing was recorded`,
      { code: options.code ?? 'transaction.failed' },
    );
    this.transactionId = options.transactionId;
    this.serverMessage = options.serverMessage;
    this.result = options.result;
  }
}

/** Options of `AtsConfirmOutcomeUnknownError`. */
export interface AtsConfirmOutcomeUnknownErrorOptions {
  jobId: string;
  /** Why the answer is unknown, for the message. */
  reason: string;
  cause?: unknown;
  requestId?: string | undefined;
}

/**
 * A confirm request was sent but its answer was lost (network error, timeout, `5xx`), so the
 * registration may or may not have been submitted. Confirm has no idempotency key and is never
 * retried blindly: look for the work in the listing or wait for the webhook, or call
 * `resume({ jobId, stage: 'confirm' })`, which confirms only a job that is still unconfirmed.
 * Code `confirm_outcome_unknown`.
 *
 * @example
 * if (AtsConfirmOutcomeUnknownError.is(e)) await reconcileLater(e.jobId);
 */
export class AtsConfirmOutcomeUnknownError extends AtsError {
  static override readonly kind: string = 'AtsConfirmOutcomeUnknownError';

  readonly jobId: string;

  constructor(options: AtsConfirmOutcomeUnknownErrorOptions) {
    super(
      `The confirm of job ${options.jobId} may have been accepted: ${options.reason}. Do not ` +
        'register again: check the works listing or the webhook for this job, or call ' +
        `resume({ jobId: '${options.jobId}', stage: 'confirm' }), which only confirms a job that is still unconfirmed`,
      { code: 'confirm_outcome_unknown', cause: options.cause, requestId: options.requestId },
    );
    this.jobId = options.jobId;
  }
}

/** Options of `AtsRegistrationAbortedError`. */
export interface AtsRegistrationAbortedErrorOptions {
  /** The state the run was in. */
  at: StatusKind;
  jobId: string | null;
  /** Set when a confirm had been accepted: the registration goes on on the server. */
  transactionId: string | null;
  /** A confirm was sent and not answered: the registration may exist. */
  confirmMayHaveSucceeded: boolean;
  cause?: unknown;
}

/**
 * A registration run was aborted (`abort()`, the `signal`). It says what the server may be left
 * with, so that a retry never doubles a registration: with `transactionId`, the confirm was
 * accepted and the registration goes on (follow it with `track({ transactionId })`, do not
 * register again); with `confirmMayHaveSucceeded`, a confirm was unanswered (call
 * `resume({ jobId, stage: 'confirm' })`, which never confirms twice); otherwise nothing was
 * confirmed and registering again is safe. A subclass of `AtsAbortError`, code `aborted`.
 *
 * @example
 * if (AtsRegistrationAbortedError.is(e) && e.transactionId) await engine.track({ transactionId: e.transactionId });
 */
export class AtsRegistrationAbortedError extends AtsAbortError {
  static override readonly kind: string = 'AtsRegistrationAbortedError';

  readonly at: StatusKind;
  readonly jobId: string | null;
  readonly transactionId: string | null;
  readonly confirmMayHaveSucceeded: boolean;

  constructor(options: AtsRegistrationAbortedErrorOptions) {
    super(abortMessage(options), { cause: options.cause });
    this.at = options.at;
    this.jobId = options.jobId;
    this.transactionId = options.transactionId;
    this.confirmMayHaveSucceeded = options.confirmMayHaveSucceeded;
  }
}

function abortMessage(options: AtsRegistrationAbortedErrorOptions): string {
  if (options.transactionId !== null) {
    return (
      `Aborted while following transaction ${options.transactionId}: the registration was ` +
      'confirmed and goes on on the server. Do not register again: follow it with ' +
      `track({ transactionId: '${options.transactionId}' }) or wait for the webhook`
    );
  }
  if (options.confirmMayHaveSucceeded) {
    return (
      `Aborted while the confirm of job ${options.jobId} was unanswered: the registration may ` +
      'have been submitted. Do not register again: check the works listing or the webhook, or ' +
      `call resume({ jobId: '${options.jobId}', stage: 'confirm' }), which never confirms twice`
    );
  }
  return 'The registration was aborted; nothing was confirmed, so registering again is safe';
}

/** Why a quote was not accepted. */
export type QuoteDeclineReason = 'declined' | 'over_max_price';

/** Options of `AtsQuoteDeclinedError`. */
export interface AtsQuoteDeclinedErrorOptions {
  reason: QuoteDeclineReason;
  jobId: string;
  /** What confirm would have debited. */
  debitCredits: number;
  maxPriceCredits?: number | undefined;
}

/**
 * The quote was refused, so nothing was confirmed or debited: by the `approve` hook
 * (`reason: 'declined'`) or because it was above `maxPriceCredits` (`'over_max_price'`). A
 * subclass of `AtsAbortError` (`isAbortError` is true: the caller chose to stop), with its own
 * code `quote_declined`.
 *
 * @example
 * if (AtsQuoteDeclinedError.is(e) && e.reason === 'over_max_price') raiseBudget();
 */
export class AtsQuoteDeclinedError extends AtsAbortError {
  static override readonly kind: string = 'AtsQuoteDeclinedError';

  declare readonly code: 'quote_declined';
  readonly reason: QuoteDeclineReason;
  readonly jobId: string;
  readonly debitCredits: number;
  readonly maxPriceCredits: number | undefined;

  constructor(options: AtsQuoteDeclinedErrorOptions) {
    super(
      options.reason === 'over_max_price'
        ? `The quote for job ${options.jobId} debits ${options.debitCredits} credits, over maxPriceCredits (${options.maxPriceCredits}); nothing was confirmed. Raise maxPriceCredits to accept it`
        : `The quote for job ${options.jobId} (${options.debitCredits} credits) was declined; nothing was confirmed`,
    );
    // AtsAbortError fixes its code to `aborted`; a declined quote gets its own, to branch on.
    (this as { code: string }).code = 'quote_declined';
    this.reason = options.reason;
    this.jobId = options.jobId;
    this.debitCredits = options.debitCredits;
    this.maxPriceCredits = options.maxPriceCredits;
  }
}
