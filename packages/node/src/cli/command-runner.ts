import { describeFailure } from './cli-failure';
import { ExitCode } from './exit-codes';
import { Interrupt } from './interrupt';
import { type CliStreams, Terminal } from './terminal';

/** What a failed run adds to its error report: JSON fields and hints for people. */
export interface FailureContext {
  fields: Record<string, unknown>;
  hints: string[];
}

/** What a command's body gets. */
export interface CommandScope {
  terminal: Terminal;
  interrupt: Interrupt;
  /** Called if the body throws: what the report should add (job id, transaction, next step). */
  onFailure(describe: (error: unknown) => FailureContext): void;
}

/**
 * Runs one command's body with a terminal and Ctrl+C handling, and turns whatever it throws into
 * an exit code, an `error:` line on stderr and, with `--json`, the one JSON document on stdout
 * (`{ ok: false, command, exit_code, error: { code, message, request_id, details }, … }`).
 *
 * @example
 * const code = await runCommand(streams, { command: 'status', json }, async ({ terminal }) => {
 *   terminal.result('ok');
 *   return ExitCode.ok;
 * });
 */
export async function runCommand(
  streams: CliStreams,
  options: { command: string; json: boolean },
  body: (scope: CommandScope) => Promise<number>,
): Promise<number> {
  const terminal = new Terminal(streams, { json: options.json });
  const interrupt = Interrupt.install(terminal);
  let describeContext: ((error: unknown) => FailureContext) | undefined;
  try {
    return await body({
      terminal,
      interrupt,
      onFailure: (describe) => {
        describeContext = describe;
      },
    });
  } catch (error) {
    const failure = describeFailure(error, interrupt.interrupted);
    const context = describeContext?.(error) ?? { fields: {}, hints: [] };
    if (failure.exitCode === ExitCode.interrupted) terminal.error('interrupted with Ctrl+C');
    else terminal.error(failure.message);
    for (const hint of context.hints) streams.stderr.write(`  ${hint}\n`);
    terminal.document({
      ok: false,
      command: options.command,
      exit_code: failure.exitCode,
      error: {
        code: failure.code,
        message: failure.message,
        request_id: failure.requestId,
        details: failure.details,
      },
      ...context.fields,
    });
    return failure.exitCode;
  } finally {
    interrupt.uninstall();
  }
}
