import { InitVersionInputSchema, InitVersionUploadInputSchema } from '@ats-kit/core';
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
import {
  checkMediaFile,
  checkRequestFields,
  creatorsFromFlags,
  type MediaFile,
} from '../work-input';

/** `ats update <ats_id> [file]`: adds a version (new creators, optionally a new file). */
export function updateCommand(streams: CliStreams, setExitCode: (code: number) => void): Command {
  const command = new Command('update')
    .summary('add a version to a work: new creators, optionally a new file')
    .description(
      'Adds a version to one of your works: new creators and, when <file> is given, a new file ' +
        '(without it the current file is kept). The title never changes; the ats_id stays.',
    )
    .argument('<ats_id>', 'the work’s ats_id on the chosen network')
    .argument('[file]', 'a new audio file (at most 500 MB); omit it to keep the current file')
    .option(
      '--creator <spec>',
      'a creator of the new version, "Full Name <email> roles [ipi=…] [isni=…]"; repeat for each (required)',
      collect,
    )
    .option(
      '--title <title>',
      'the work’s title (it never changes): with it the whole commitment is checked locally',
    )
    .option('--ipi <digits>', 'IPI of the only --creator')
    .option('--isni <id>', 'ISNI of the only --creator')
    .option('--filename <name>', 'the new file’s name shown to users (default: its own name)')
    .option('--external-user-ref <ref>', 'the work’s user reference, when it has one')
    .option('--max-price <credits>', 'refuse a quote that debits more than this', wholeNumber(0))
    .option('-y, --yes', 'approve the quote without asking (required without a terminal)');
  addConnectionOptions(command);
  command.action(async (atsIdText: string, file: string | undefined, flags: WorkCommandFlags) => {
    setExitCode(
      await runCommand(streams, { command: 'update', json: flags.json === true }, async (scope) => {
        const { terminal } = scope;
        const atsId = Number(atsIdText);
        if (!/^\d+$/.test(atsIdText) || !Number.isSafeInteger(atsId) || atsId < 1) {
          throw new CliUsageError(
            `<ats_id>: must be a positive whole number, the work's id on its network (got ${JSON.stringify(atsIdText)})`,
          );
        }
        const creators = creatorsFromFlags(flags.creator, { ipi: flags.ipi, isni: flags.isni });
        if (file === undefined && flags.filename !== undefined) {
          throw new CliUsageError('--filename names a new file: give the [file] argument too');
        }
        const media: MediaFile | undefined =
          file === undefined ? undefined : await checkMediaFile(file, '[file]');
        const filename = media ? (flags.filename ?? media.basename) : undefined;
        const refField =
          flags.externalUserRef !== undefined ? { external_user_ref: flags.externalUserRef } : {};
        checkRequestFields(media ? InitVersionUploadInputSchema : InitVersionInputSchema, {
          network: flags.network ?? 'testnet',
          creators,
          ...(filename !== undefined ? { filename } : {}),
          ...refField,
        });
        requireConsent(terminal, flags.yes === true);
        const client = createCliClient(flags, streams.env);
        const network = flags.network ?? client.network;

        return runWithRegistrationView(
          scope,
          {
            command: 'update',
            outcomeLabel: 'Version added',
            announcement: `Adding a version to ats_id ${atsId} on ${network}: ${creators.length} creator${creators.length === 1 ? '' : 's'}, ${media ? `new file ${filename}, ${formatBytes(media.sizeBytes)}` : 'same file'}`,
            assumeYes: flags.yes === true,
            ...(flags.maxPrice !== undefined ? { maxPriceCredits: flags.maxPrice } : {}),
          },
          (sdkOptions) =>
            client.works.updateVersion(
              atsId,
              {
                creators,
                network,
                ...(media ? { file: media.path, filename } : {}),
                ...(flags.title !== undefined ? { title: flags.title } : {}),
                ...(flags.externalUserRef !== undefined
                  ? { externalUserRef: flags.externalUserRef }
                  : {}),
              },
              sdkOptions,
            ),
        );
      }),
    );
  });
  return command;
}
