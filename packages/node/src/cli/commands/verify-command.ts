import { createReadStream } from 'node:fs';
import { computeCommitment, isHash32, normalizeHash } from '@ats-kit/core';
import { Command } from 'commander';
import { CliUsageError } from '../cli-errors';
import { collect } from '../command-options';
import { runCommand } from '../command-runner';
import { ExitCode } from '../exit-codes';
import type { CliStreams } from '../terminal';
import { UploadProgressBar } from '../upload-progress-bar';
import { checkMediaFile, creatorsFromFlags } from '../work-input';

interface VerifyFlags {
  title?: string;
  creator?: string[];
  ipi?: string;
  isni?: string;
  commitment?: string;
  json?: boolean;
}

/** `ats verify <file>`: recomputes a commitment offline and compares it. */
export function verifyCommand(streams: CliStreams, setExitCode: (code: number) => void): Command {
  const command = new Command('verify')
    .summary(
      'recompute a commitment offline from the file, title and creators (exit 3 on mismatch)',
    )
    .description(
      'Recomputes the protocol v1 commitment of a file, a title and its creators, offline (no API ' +
        'key, no network), and compares it with --commitment, e.g. from a certificate or the ' +
        'register output. Exit code 0 when they match, 3 when they do not. Give the creators in ' +
        'the same order as when registering.',
    )
    .argument('<file>', 'the audio file')
    .option('--title <title>', 'the work’s title (required)')
    .option(
      '--creator <spec>',
      'a creator, "Full Name <email> roles [ipi=…] [isni=…]"; repeat, in order (required)',
      collect,
    )
    .option('--ipi <digits>', 'IPI of the only --creator')
    .option('--isni <id>', 'ISNI of the only --creator')
    .option('--commitment <hex>', 'the expected commitment, 0x + 64 hex digits (required)')
    .option('--json', 'print one JSON document on stdout');
  command.action(async (file: string, flags: VerifyFlags) => {
    setExitCode(
      await runCommand(
        streams,
        { command: 'verify', json: flags.json === true },
        async ({ terminal, interrupt }) => {
          const title = flags.title?.trim();
          if (!title) {
            throw new CliUsageError('--title is required: the title the work was registered with');
          }
          const creators = creatorsFromFlags(flags.creator, { ipi: flags.ipi, isni: flags.isni });
          if (flags.commitment === undefined) {
            throw new CliUsageError(
              '--commitment is required: the expected commitment, 0x + 64 hex digits',
            );
          }
          const given = flags.commitment;
          // isHash32 narrows its argument: measure the bad value before asking.
          const length = given.length;
          if (!isHash32(given)) {
            throw new CliUsageError(
              `--commitment: must be 64 hex digits, with or without 0x (got ${length} characters)`,
            );
          }
          const expected = `0x${normalizeHash(given)}`;
          const media = await checkMediaFile(file, '<file>');

          const bar = new UploadProgressBar(terminal, 'Hashing  ');
          let computed: Awaited<ReturnType<typeof computeCommitment>>;
          try {
            computed = await computeCommitment(
              { title, creators: creators.map(commitmentCreator) },
              createReadStream(media.path, { highWaterMark: 1 << 20 }),
              {
                signal: interrupt.signal,
                onProgress: ({ bytes }) => bar.update({ bytes, total: media.sizeBytes, rate: 0 }),
              },
            );
          } finally {
            bar.stop(false);
          }
          const actual = `0x${computed.commitment}`;
          const matches = actual === expected;
          terminal.result(
            matches
              ? terminal.style('green', `✓ The commitment matches: ${actual}`, 'stdout')
              : terminal.style('red', '✗ The commitment does not match', 'stdout'),
          );
          if (!matches) {
            terminal.result(`  expected     ${expected}\n  computed     ${actual}`);
          }
          terminal.result(
            `  media hash   0x${computed.mediaHash}\n  merkle root  0x${computed.merkleRoot}\n  size         ${media.sizeBytes} bytes`,
          );
          terminal.document({
            ok: true,
            command: 'verify',
            match: matches,
            expected,
            commitment: actual,
            media_hash: `0x${computed.mediaHash}`,
            merkle_root: `0x${computed.merkleRoot}`,
            creator_leaves: computed.creatorLeaves.map((leaf) => `0x${leaf}`),
            size_bytes: media.sizeBytes,
            protocol_version: computed.protocolVersion,
          });
          return matches ? ExitCode.ok : ExitCode.mismatch;
        },
      ),
    );
  });
  return command;
}

/** The commitment's creator shape from a parsed `--creator` (roles as names, absent ids null). */
function commitmentCreator(creator: ReturnType<typeof creatorsFromFlags>[number]) {
  return {
    full_name: creator.full_name,
    email: creator.email,
    roles: creator.roles as readonly ('author' | 'composer' | 'arranger' | 'adapter')[],
    ipi: creator.ipi ?? null,
    isni: creator.isni ?? null,
  };
}
