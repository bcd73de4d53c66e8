import { CliUsageError } from './cli-errors';
import type { Terminal } from './terminal';

/**
 * Checks, before anything is sent, that a quote can be approved: with `--yes`, or by asking on a
 * terminal. Without a terminal and without `--yes` the command refuses (exit 2) rather than pay
 * silently or hang on a prompt nobody sees.
 *
 * @example
 * requireConsent(terminal, opts.yes === true);
 */
export function requireConsent(terminal: Terminal, assumeYes: boolean): void {
  if (assumeYes || terminal.interactive) return;
  throw new CliUsageError(
    'no terminal to confirm the quote on: pass --yes to approve it without asking (add --max-price <credits> to cap the debit)',
  );
}
