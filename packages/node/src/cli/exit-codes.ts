// The `ats` command's exit codes: part of its interface, so scripts can branch on them. They are
// listed once here and printed by `ats --help`; the README repeats the table.

/** Exit codes of the `ats` command. */
export const ExitCode = {
  /** Done (for `ats verify`: the commitment matches). */
  ok: 0,
  /** The API, the network or the transaction failed, or some batch items failed. */
  failure: 1,
  /** The command line is wrong: a bad or missing option, an unreadable file, no --yes without a terminal. */
  usage: 2,
  /** A commitment does not match: `ats verify`, or the server's differed (nothing was paid). */
  mismatch: 3,
  /** The quote was declined (answered no, or above --max-price); nothing was debited. */
  declined: 4,
  /** Interrupted by Ctrl+C (SIGINT). */
  interrupted: 130,
} as const;

/** One of the exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table as `ats --help` prints it. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success (ats verify: the commitment matches)
  1    failure: API or network error, failed transaction, a batch row failed
  2    usage: bad or missing option, unreadable file, no --yes without a terminal
  3    commitment mismatch (ats verify, or the server's: nothing was paid)
  4    quote declined (answered no, or above --max-price): nothing was debited
  130  interrupted with Ctrl+C`;
