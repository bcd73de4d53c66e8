import type { Network } from '@ats-kit/core';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { type BatchReport, registerMany } from '../../batch';
import { readBatchManifest } from '../batch-manifest';
import { createCliClient } from '../cli-client';
import { CliDeclinedError } from '../cli-errors';
import { describeFailure } from '../cli-failure';
import { addConnectionOptions, wholeNumber } from '../command-options';
import { runCommand } from '../command-runner';
import { askYesNo } from '../confirm-prompt';
import { requireConsent } from '../consent';
import { ExitCode } from '../exit-codes';
import { formatDuration } from '../format-units';
import type { CliStreams } from '../terminal';

/** An item's error as JSON: code, message, request id (an Error itself stringifies to `{}`). */
function errorDocument(error: Error) {
  const failure = describeFailure(error, false);
  return { code: failure.code, message: failure.message, request_id: failure.requestId };
}

const MANIFEST_HELP = `Manifest:
  CSV with a header row; columns file,title,creators and optionally
  network,external_user_ref,filename,key. Paths are relative to the manifest.
  creators: "Name <email> roles [ipi=…] [isni=…]; Name <email> roles"
    file,title,creators,network
    audio/one.wav,"Song, part 1","Ada <ada@example.com> author,composer",testnet
  .jsonl: one JSON object per line with the same fields; creators may also be
  an array of API creators ({ "full_name", "email", "roles": ["author"] }).
  key (default: file|title) identifies a row in the journal.`;

interface BatchFlags {
  concurrency: number;
  journal?: string;
  maxPrice?: number;
  yes?: boolean;
  network?: Network;
  baseUrl?: string;
  json?: boolean;
}

/** `ats batch <manifest>`: registers every work a CSV or JSON Lines file lists. */
export function batchCommand(streams: CliStreams, setExitCode: (code: number) => void): Command {
  const command = new Command('batch')
    .summary('register every work listed in a CSV or JSON Lines file')
    .description(
      'Registers every work a manifest lists, several at a time. Every row is checked before ' +
        'anything is sent. With --journal, a run that was interrupted or partly failed can be ' +
        'started again: rows already registered are skipped. Exit code 1 when any row failed.',
    )
    .addHelpText('after', `\n${MANIFEST_HELP}`)
    .argument('<manifest>', 'a .csv or .jsonl file')
    .option(
      '-c, --concurrency <n>',
      'registrations in flight at once (1-64)',
      wholeNumber(1, 64),
      4,
    )
    .option('--journal <path>', 'record each outcome there and skip rows already registered')
    .option('--max-price <credits>', 'refuse any quote that debits more than this', wholeNumber(0))
    .option('-y, --yes', 'approve every quote without asking (required without a terminal)');
  addConnectionOptions(command);
  command.action(async (manifestPath: string, flags: BatchFlags) => {
    setExitCode(
      await runCommand(
        streams,
        { command: 'batch', json: flags.json === true },
        async ({ terminal, interrupt }) => {
          const items = await readBatchManifest(manifestPath);
          requireConsent(terminal, flags.yes === true);
          const client = createCliClient(flags, streams.env);
          const defaultNetwork = flags.network ?? client.network;
          const networks = new Map<string, number>();
          for (const item of items) {
            const network = item.network ?? defaultNetwork;
            networks.set(network, (networks.get(network) ?? 0) + 1);
          }
          const perNetwork = [...networks]
            .map(([network, count]) => `${count} on ${network}`)
            .join(', ');
          if (!flags.yes) {
            const cap = flags.maxPrice === undefined ? '' : ` up to ${flags.maxPrice} credits`;
            const go = await askYesNo(
              terminal,
              interrupt,
              `Register ${items.length} works (${perNetwork}), approving each quote${cap}?`,
            );
            if (!go) throw new CliDeclinedError('Batch declined; nothing was sent or debited');
          }
          terminal.status(
            `Registering ${items.length} works (${perNetwork}), ${flags.concurrency} at a time${flags.journal ? `, journal ${flags.journal}` : ''}`,
          );

          // On a terminal: one live bar, finished rows' failures logged above it.
          const bars =
            terminal.showsProgress && terminal.drawsBars
              ? new cliProgress.MultiBar(
                  {
                    stream: streams.stderr as NodeJS.WriteStream,
                    format:
                      'Batch {bar} {value}/{total} | {registered} registered, {failed} failed, {skipped} skipped',
                    barsize: 24,
                    hideCursor: true,
                  },
                  cliProgress.Presets.shades_classic,
                )
              : undefined;
          const counts = { registered: 0, failed: 0, skipped: 0 };
          const bar = bars?.create(items.length, 0, counts);
          const sources = new Map(items.map((item) => [item.key, item.source]));
          const line = (text: string) => {
            if (bars) bars.log(`${text}\n`);
            else terminal.status(text);
          };

          let outcome: BatchReport;
          try {
            outcome = await registerMany(
              client,
              items.map(({ source: _source, ...item }) => ({
                ...item,
                network: item.network ?? defaultNetwork,
              })),
              {
                concurrency: flags.concurrency,
                signal: interrupt.signal,
                approve: () => true,
                ...(flags.journal ? { journal: flags.journal } : {}),
                ...(flags.maxPrice !== undefined ? { maxPriceCredits: flags.maxPrice } : {}),
                onItem: (item) => {
                  const source = sources.get(item.key) ?? item.key;
                  // Only the ends are shown: `started`, `uploading`, `confirmed` are progress.
                  if (item.status === 'registered') {
                    counts.registered++;
                    if (!bar) {
                      line(
                        `  ${terminal.style('green', '✓')} ${source}  ats_id ${item.result?.ats_id}${item.result?.network ? ` (${item.result.network})` : ''}`,
                      );
                    }
                  } else if (item.status === 'skipped') {
                    counts.skipped++;
                    if (!bar) line(`  - ${source}  already registered (journal)`);
                  } else if (item.status === 'failed') {
                    counts.failed++;
                    line(
                      `  ${terminal.style('red', '✗')} ${source}  ${item.error?.message ?? 'failed'}`,
                    );
                  } else {
                    return;
                  }
                  bar?.update(counts.registered + counts.failed + counts.skipped, counts);
                },
              },
            );
          } finally {
            bars?.stop();
          }
          const { summary } = outcome;
          const text =
            `${summary.total} works: ${summary.registered} registered, ${summary.failed} failed, ` +
            `${summary.skipped} skipped; ${summary.debitedCredits} credits debited in ${formatDuration(summary.durationMs)}`;
          terminal.result(summary.failed > 0 ? terminal.style('yellow', text, 'stdout') : text);
          terminal.document({
            ok: summary.failed === 0,
            command: 'batch',
            summary,
            results: outcome.results.map(({ error, ...item }) => ({
              ...item,
              source: sources.get(item.key) ?? null,
              ...(error ? { error: errorDocument(error) } : {}),
            })),
          });
          if (interrupt.interrupted) return ExitCode.interrupted;
          return summary.failed > 0 ? ExitCode.failure : ExitCode.ok;
        },
      ),
    );
  });
  return command;
}
