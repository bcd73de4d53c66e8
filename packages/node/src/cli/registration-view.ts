import type {
  PreparedQuote,
  QuoteExplanation,
  RegistrationSnapshot,
  RegistrationWarning,
} from '@ats-kit/core';
import { askYesNo } from './confirm-prompt';
import type { Interrupt } from './interrupt';
import { formatQuote, formatStep, type StepReport } from './registration-format';
import type { Terminal } from './terminal';
import { UploadProgressBar, type UploadTick } from './upload-progress-bar';

const PHASES: Record<string, string> = {
  initializing: 'Starting the registration…',
  preparing: 'Preparing: the server hashes the file, computes the commitment and prices it…',
  confirming: 'Confirming: paying the quote and submitting the transaction…',
};

/**
 * Shows one `works.register` / `works.updateVersion` run: the SDK's callbacks drive an upload
 * bar, the quote, the commitment check, the confirmation prompt and the transaction's steps. It
 * also keeps what the JSON document and the error report need (quote, job, transaction).
 *
 * @example
 * const view = new RegistrationView(terminal, interrupt, { assumeYes: true });
 * const result = await client.works.register(input, { signal: interrupt.signal, ...view.callbacks() });
 */
export class RegistrationView {
  readonly #terminal: Terminal;
  readonly #interrupt: Interrupt;
  readonly #assumeYes: boolean;
  #bar: UploadProgressBar | undefined;
  #lastKind = 'idle';
  #commitmentShown = false;
  quote: PreparedQuote | null = null;
  explanation: QuoteExplanation | null = null;
  snapshot: RegistrationSnapshot | null = null;
  readonly warnings: RegistrationWarning[] = [];

  constructor(terminal: Terminal, interrupt: Interrupt, options: { assumeYes: boolean }) {
    this.#terminal = terminal;
    this.#interrupt = interrupt;
    this.#assumeYes = options.assumeYes;
    interrupt.signal.addEventListener('abort', () => this.close(), { once: true });
  }

  /** The SDK options that feed this view. */
  callbacks() {
    return {
      onProgress: (tick: UploadTick) => this.#onProgress(tick),
      onQuote: (quote: PreparedQuote, explanation: QuoteExplanation) =>
        this.#onQuote(quote, explanation),
      onStep: (step: StepReport) => this.#terminal.status(formatStep(step)),
      onState: (snapshot: RegistrationSnapshot) => this.#onState(snapshot),
      onWarning: (warning: RegistrationWarning) => {
        this.warnings.push(warning);
        if (this.#terminal.showsProgress) this.#terminal.warn(warning.message);
      },
      approve: (quote: PreparedQuote, explanation: QuoteExplanation) =>
        this.#approve(quote, explanation),
    };
  }

  /** Stops the progress bar (call when the run ends, however it ends). */
  close(): void {
    this.#bar?.stop(false);
  }

  /** A blank line on stderr between the progress and the result, for people. */
  separate(): void {
    this.#terminal.status('');
  }

  #onProgress(tick: UploadTick): void {
    this.#bar ??= new UploadProgressBar(this.#terminal, 'Uploading');
    this.#bar.update(tick);
  }

  #onQuote(quote: PreparedQuote, explanation: QuoteExplanation): void {
    this.quote = quote;
    this.explanation = explanation;
    for (const line of formatQuote(quote, explanation, this.#terminal)) this.#terminal.status(line);
  }

  #onState(snapshot: RegistrationSnapshot): void {
    this.snapshot = snapshot;
    const kind = snapshot.status.kind;
    if (kind === this.#lastKind) return;
    const previous = this.#lastKind;
    this.#lastKind = kind;
    if (previous === 'uploading') this.#bar?.stop(kind !== 'failed' && kind !== 'aborted');
    if (kind === 'awaiting-approval' || kind === 'confirming') this.#showCommitment(snapshot);
    const phase = PHASES[kind];
    if (phase) this.#terminal.status(this.#terminal.style('dim', phase));
    if (kind === 'tracking' && snapshot.transactionId) {
      this.#terminal.status(`Transaction ${snapshot.transactionId}:`);
    }
  }

  #showCommitment(snapshot: RegistrationSnapshot): void {
    const check = snapshot.commitment;
    if (this.#commitmentShown || !check || check.status === 'pending') return;
    this.#commitmentShown = true;
    const ok = this.#terminal.style('green', '✓');
    const messages: Record<string, string> = {
      match: `${ok} Commitment computed locally from the file, title and creators: it matches the server's`,
      partial: `${ok} Media hash and creators' Merkle root match the server's (the title is not checked for a version)`,
      unverified: 'The commitment could not be checked locally',
      off: 'The commitment was not checked locally',
    };
    const message = messages[check.status];
    if (message) this.#terminal.status(message);
  }

  async #approve(quote: PreparedQuote, explanation: QuoteExplanation): Promise<boolean> {
    if (this.#assumeYes) return true;
    if (this.snapshot) this.#showCommitment(this.snapshot);
    const answer = await askYesNo(
      this.#terminal,
      this.#interrupt,
      `Confirm and pay ${explanation.debitCredits} credits on ${explanation.network} (job ${quote.job_id})?`,
    );
    return answer;
  }
}
