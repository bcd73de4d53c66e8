import type { PreparedQuote, QuoteExplanation } from '@ats-kit/core';
import type { Terminal } from './terminal';

// How a quote, a transaction step and a registration's outcome read on a terminal. Pure
// functions of their input (plus the terminal's colors), so they are tested as text.

const COMPONENT_LABELS: Record<string, string> = {
  network_fee: 'network fee',
  deposit: 'deposit',
  service_fee: 'service fee',
  storage_fee: 'storage fee',
};

/**
 * The quote as lines: each component, which ones the network waives, the stated total and what
 * confirm will debit, plus a warning when the components do not add up to the total. The
 * server's quote is the authority: shown, never re-priced.
 *
 * @example
 * for (const line of formatQuote(quote, explainQuote(quote, 'testnet'), terminal)) terminal.status(line);
 */
export function formatQuote(
  quote: PreparedQuote,
  explanation: QuoteExplanation,
  terminal: Terminal,
): string[] {
  const width = Math.max(
    ...explanation.components.map((c) => String(c.credits).length),
    String(explanation.statedTotalCredits ?? explanation.computedTotalCredits).length,
    String(explanation.debitCredits).length,
  );
  const amount = (credits: number) => `${String(credits).padStart(width)} credits`;
  const lines = [`Quote (${explanation.network}):`];
  for (const component of explanation.components) {
    const note = component.waived
      ? terminal.style('dim', `  waived on ${explanation.network}`)
      : '';
    lines.push(
      `  ${(COMPONENT_LABELS[component.name] ?? component.name).padEnd(12)} ${amount(component.credits)}${note}`,
    );
  }
  lines.push(
    `  ${'total'.padEnd(12)} ${amount(explanation.statedTotalCredits ?? explanation.computedTotalCredits)}`,
  );
  lines.push(terminal.style('bold', `  ${'debit'.padEnd(12)} ${amount(explanation.debitCredits)}`));
  if (!explanation.addsUp) {
    lines.push(
      terminal.style(
        'yellow',
        `  the stated total (${explanation.statedTotalCredits ?? 'missing'}) is not the sum of the parts (${explanation.computedTotalCredits}); the debit shown is what the server will take`,
      ),
    );
  }
  lines.push(terminal.style('dim', `  commitment   ${quote.commitment}`));
  lines.push(terminal.style('dim', `  valid until  ${quote.expires_at}`));
  return lines;
}

/** One transaction step as the server reports it. */
export interface StepReport {
  step: string;
  progress: number;
  description: string | null;
}

/**
 * One transaction step as a line: `[ 40%] signing  Signing the transaction`.
 *
 * @example
 * formatStep({ step: 'signing', progress: 40, description: 'Signing' }); // '  [ 40%] signing …'
 */
export function formatStep(report: StepReport): string {
  const percent = `${String(Math.round(report.progress)).padStart(3)}%`;
  // 21: the longest standard step, preparing_transaction.
  const description = report.description ? ` ${report.description}` : '';
  return `  [${percent}] ${report.step.padEnd(21)}${description}`.trimEnd();
}

/** What a registration or version ends with (the SDK's `RegistrationResult`, snake_case). */
export interface RegistrationOutcome {
  transaction_id: string;
  job_id?: string | null;
  ats_id: number | null;
  tx_hash: string | null;
  block_number: number | null;
  explorer_url: string | null;
  access_code?: string | null;
  work_id: string | null;
  version?: number | null;
  network?: string | null;
}

/**
 * The outcome as aligned `label  value` lines: the chain facts, the commitment anchored (when
 * known, for `ats verify`), the access code (it lets its holder add versions: the user is told to
 * keep it private).
 *
 * @example
 * terminal.result(formatOutcome(result, 'Registered', terminal).join('\n'));
 */
export function formatOutcome(
  result: RegistrationOutcome,
  verb: string,
  terminal: Terminal,
  extras: { commitment?: string | null | undefined } = {},
): string[] {
  const network = result.network ? ` on ${result.network}` : '';
  const version = result.version ? `, version ${result.version}` : '';
  const lines = [
    terminal.style(
      'green',
      `${verb}${network}: ats_id ${result.ats_id ?? '?'}${version}`,
      'stdout',
    ),
  ];
  const rows: [string, string | number | null | undefined][] = [
    ['tx hash', result.tx_hash],
    ['block', result.block_number],
    ['explorer', result.explorer_url],
    ['access code', result.access_code],
    ['commitment', extras.commitment],
    ['work id', result.work_id],
    ['transaction', result.transaction_id],
  ];
  for (const [label, value] of rows) {
    if (value === null || value === undefined) continue;
    lines.push(`  ${label.padEnd(12)} ${value}`);
  }
  if (result.access_code) {
    lines.push(
      terminal.style(
        'dim',
        '  Keep the access code private: whoever holds it can look the work up and add versions.',
        'stdout',
      ),
    );
  }
  return lines;
}
