import { InitWorkInputSchema } from '@ats-kit/core';
import { Command } from 'commander';
import { createCliClient } from '../cli-client';
import { CliUsageError } from '../cli-errors';
import {
  addConnectionOptions,
  collect,
  type WorkCommandFlags,
  wholeNumber,
} from '../command-options';
import { runCommand } from '../command-runner';
import { requireConsent } from '../consent';
import { formatBytes } from '../format-units';
import { runWithRegistrationView } from '../run-with-view';
import type { CliStreams } from '../terminal';
import { checkMediaFile, checkRequestFields, creatorsFromFlags } from '../work-input';

/** `ats register <file>`: registers a new work (init → upload → prepare → confirm → track). */
export function registerCommand(streams: CliStreams, setExitCode: (code: number) => void): Command {
  const command = new Command('register')
    .summary('register a new work: upload, quote, confirm, follow the transaction')
    .description(
      'Registers an audio file as a new work: uploads it (hashing it in the same pass), shows ' +
        'the quote, asks for confirmation (or --yes), then follows the transaction until it is final.',
    )
    .argument('<file>', 'the audio file (at most 500 MB)')
    .option('--title <title>', "the work's title (required)")
    .option(
      '--creator <spec>',
      'a creator, "Full Name <email> roles [ipi=…] [isni=…]", roles among author,composer,arranger,adapter; repeat for each (required)',
      collect,
    )
    .option('--ipi <digits>', 'IPI of the only --creator (with several, write ipi=… inside each)')
    .option('--isni <id>', 'ISNI of the only --creator (with several, write isni=… inside each)')
    .option('--filename <name>', 'the file name shown to users (default: the file’s own name)')
    .option('--external-user-ref <ref>', 'your user’s reference (no access code is issued then)')
    .option('--max-price <credits>', 'refuse a quote that debits more than this', wholeNumber(0))
    .option('-y, --yes', 'approve the quote without asking (required without a terminal)');
  addConnectionOptions(command);
  command.action(async (file: string, flags: WorkCommandFlags) => {
    setExitCode(
      await runCommand(
        streams,
        { command: 'register', json: flags.json === true },
        async (scope) => {
          const { terminal } = scope;
          // Everything local first: a mistake costs no request, upload or credit.
          const title = flags.title;
          if (title === undefined || title.trim() === '') {
            throw new CliUsageError(
              '--title is required: the work’s title, e.g. --title "My song"',
            );
          }
          const creators = creatorsFromFlags(flags.creator, { ipi: flags.ipi, isni: flags.isni });
          const media = await checkMediaFile(file, '<file>');
          const filename = flags.filename ?? media.basename;
          checkRequestFields(InitWorkInputSchema, {
            network: flags.network ?? 'testnet',
            title,
            filename,
            creators,
            ...(flags.externalUserRef !== undefined
              ? { external_user_ref: flags.externalUserRef }
              : {}),
          });
          requireConsent(terminal, flags.yes === true);
          const client = createCliClient(flags, streams.env);
          const network = flags.network ?? client.network;

          return runWithRegistrationView(
            scope,
            {
              command: 'register',
              outcomeLabel: 'Registered',
              announcement: `Registering "${title.trim()}" on ${network}: ${filename}, ${formatBytes(media.sizeBytes)}, ${creators.length} creator${creators.length === 1 ? '' : 's'}`,
              assumeYes: flags.yes === true,
              ...(flags.maxPrice !== undefined ? { maxPriceCredits: flags.maxPrice } : {}),
            },
            (sdkOptions) =>
              client.works.register(
                {
                  title,
                  creators,
                  file: media.path,
                  filename,
                  network,
                  ...(flags.externalUserRef !== undefined
                    ? { externalUserRef: flags.externalUserRef }
                    : {}),
                },
                sdkOptions,
              ),
          );
        },
      ),
    );
  });
  return command;
}
