// The CLI's own errors, besides the SDK's: each maps to one exit code (see cli-failure.ts).

/**
 * A mistake on the command line (exit code 2): a bad or missing option, an unreadable file, a
 * prompt that cannot be shown. The message names the flag and the fix; no request was sent.
 *
 * @example
 * throw new CliUsageError('--title is required: the work’s title, e.g. --title "My song"');
 */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * The user answered no to a confirmation the CLI asked itself (exit code 4, like a declined
 * quote): nothing was sent or debited.
 *
 * @example
 * if (!(await askYesNo(terminal, interrupt, 'Register 12 works?'))) throw new CliDeclinedError('Batch declined');
 */
export class CliDeclinedError extends Error {
  override readonly name = 'CliDeclinedError';
}
