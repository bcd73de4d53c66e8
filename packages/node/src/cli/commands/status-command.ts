import type { TransactionResult, TransactionStatus } from '@ats-kit/core';
import { Command } from 'commander';
import { createCliClient } from '../cli-client';
import { CliUsageError } from '../cli-errors';
import { addConnectionOptions } from '../command-options';
import { runCommand } from '../command-runner';
import { ExitCode } from '../exit-codes';
import { formatOutcome, formatStep } from '../registration-format';
import type { CliStreams } from '../terminal';

interface StatusFlags {
  watch?: boolean;
  baseUrl?: string;
  json?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `ats status <transaction_id> [--watch]`: a transaction's step, progress and result. */
export function statusCommand(streams: CliStreams, setExitCode: (code: number) => void): Command {
  const command = new Command('status')
    .summary('show a transaction’s step and result; --watch follows it to the end')
    .description(
      'Shows a transaction’s current step and, once complete, its result. With --watch, follows it ' +
        'until it completes or fails. Exit code 1 when the transaction failed. Needs no API key.',
    )
    .argument('<transaction_id>', 'the transaction id (a UUID) that register or update printed')
    .option('-w, --watch', 'follow the transaction until it completes or fails');
  addConnectionOptions(command);
  command.action(async (transactionId: string, flags: StatusFlags) => {
    setExitCode(
      await runCommand(
        streams,
        { command: 'status', json: flags.json === true },
        async ({ terminal, interrupt, onFailure }) => {
          if (!UUID.test(transactionId)) {
            throw new CliUsageError(
              `<transaction_id>: must be a UUID such as 6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048 (got ${JSON.stringify(transactionId)})`,
            );
          }
          const client = createCliClient(flags, streams.env, { keyOptional: true });
          onFailure(() => ({
            fields: { transaction_id: transactionId },
            hints: interrupt.interrupted
              ? [
                  `The transaction goes on: \`ats status ${transactionId} --watch\` follows it again.`,
                ]
              : [],
          }));

          let status: TransactionStatus = await client.transactions.get(transactionId, {
            signal: interrupt.signal,
          });
          terminal.status(
            `Transaction ${status.id} (${status.transaction_type}${status.network ? `, ${status.network}` : ''}):`,
          );
          const shown = new Set<string>();
          for (const entry of status.steps) {
            shown.add(entry.step);
            if (flags.watch) terminal.status(formatStep(entry));
          }
          if (flags.watch && !status.is_complete) {
            const outcome = await client.transactions.wait(transactionId, {
              signal: interrupt.signal,
              timeoutMs: Number.POSITIVE_INFINITY,
              onUpdate: (progress) => {
                if (shown.has(progress.step)) return;
                shown.add(progress.step);
                terminal.status(formatStep(progress));
              },
            });
            status = outcome.status ?? (await client.transactions.get(transactionId));
          }
          const result: TransactionResult | null = status.result;
          if (!flags.watch) {
            terminal.result(
              `${status.current_step} (${status.progress}%)${status.description ? `: ${status.description}` : ''}`,
            );
          }
          if (status.is_complete && result) {
            if (result.success) {
              terminal.result(
                formatOutcome(
                  { ...result, transaction_id: status.id, network: status.network },
                  status.transaction_type === 'add_version' ? 'Version added' : 'Registered',
                  terminal,
                ).join('\n'),
              );
            } else {
              const reason = result.error
                ? `${result.error.code}: ${result.error.message}`
                : 'no reason given';
              terminal.result(
                terminal.style('red', `Failed (${reason}); the debit was refunded`, 'stdout'),
              );
            }
          } else if (!flags.watch) {
            terminal.result(`Not complete yet: \`ats status ${status.id} --watch\` follows it.`);
          }
          terminal.document({ ok: true, command: 'status', status });
          return status.is_complete && result && !result.success ? ExitCode.failure : ExitCode.ok;
        },
      ),
    );
  });
  return command;
}
