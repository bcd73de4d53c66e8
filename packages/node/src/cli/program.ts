import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json';
import { batchCommand } from './commands/batch-command';
import { registerCommand } from './commands/register-command';
import { statusCommand } from './commands/status-command';
import { updateCommand } from './commands/update-command';
import { verifyCommand } from './commands/verify-command';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes';
import { type CliStreams, processStreams } from './terminal';

const ENVIRONMENT_HELP = `Environment:
  ATS_API_KEY   your organization's API key, afo_sk_live_… (never printed, and
                never a flag: process lists show arguments)
  ATS_BASE_URL  API base URL, e.g. http://127.0.0.1:4010 for a local sandbox
  ATS_NETWORK   testnet (default) or mainnet; --network overrides it
  NO_COLOR      no colors`;

const EXAMPLES = `Examples:
  ats register song.wav --title "Song" \\
    --creator "Ada Lovelace <ada@example.com> author,composer ipi=00052210040"
  ats update 42 --creator "Ada Lovelace <ada@example.com> author" --yes
  ats batch works.csv --concurrency 8 --journal works.journal --yes
  ats status 6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048 --watch
  ats verify song.wav --title "Song" \\
    --creator "Ada Lovelace <ada@example.com> author,composer ipi=00052210040" \\
    --commitment 0x…`;

/**
 * Runs the `ats` command line and resolves with its exit code (see `ExitCode`): commander parses
 * the arguments (its own usage errors exit 2), each command validates its input locally before
 * any request, and failures are reported on stderr (and as JSON with `--json`).
 *
 * @example
 * process.exitCode = await runCli(process.argv);
 */
export async function runCli(
  argv: readonly string[],
  streams: CliStreams = processStreams(),
): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const json = argv.includes('--json');
  const program = new Command('ats')
    .description(
      'Register audio works on Allfeat ATS (Allfeat Time Stamp) from the command line: ' +
        'anchor a file and its creators on chain, add versions, follow transactions and verify ' +
        'commitments offline.',
    )
    .version(packageJson.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${ENVIRONMENT_HELP}\n\n${EXIT_CODES_HELP}\n\n${EXAMPLES}`)
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .exitOverride();
  for (const make of [registerCommand, updateCommand, batchCommand, statusCommand, verifyCommand]) {
    const command = make(streams, setExitCode);
    command
      .showHelpAfterError(`(run \`ats ${command.name()} --help\` for usage)`)
      .addHelpText('after', `\n${EXIT_CODES_HELP}`)
      .exitOverride()
      .configureOutput({
        writeOut: (text) => streams.stdout.write(text),
        writeErr: (text) => streams.stderr.write(text),
      });
    program.addCommand(command);
  }

  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Asked-for help and version are successes; every other commander error (help shown because
    // no command was given included) is a usage mistake.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return ExitCode.ok;
    }
    if (json) {
      const message = error.message.replace(/^error: /, '');
      streams.stdout.write(
        `${JSON.stringify({ ok: false, exit_code: ExitCode.usage, error: { code: 'usage', message, request_id: null, details: null } }, null, 2)}\n`,
      );
    }
    return ExitCode.usage;
  }
  return exitCode;
}
