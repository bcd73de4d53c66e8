import { styleText } from 'node:util';

/** The streams a command uses; the process's by default, replaceable in tests. */
export interface CliStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
}

type Style = 'bold' | 'dim' | 'green' | 'red' | 'yellow' | 'cyan';

/**
 * Where a command writes. stdout carries the result only: human text, or with `--json` exactly
 * one JSON document. Progress, the quote, steps and prompts go to stderr; with `--json` only when
 * stderr is a terminal, so a script's captured output stays clean. Colors only on a terminal and
 * without `NO_COLOR`.
 *
 * @example
 * const terminal = new Terminal(processStreams(), { json: false });
 * terminal.status('Uploading…');
 * terminal.result('Registered: ats_id 42');
 */
export class Terminal {
  readonly json: boolean;
  readonly streams: CliStreams;

  constructor(streams: CliStreams, options: { json: boolean }) {
    this.streams = streams;
    this.json = options.json;
  }

  /** Whether a question can be asked: both stdin and stderr are terminals. */
  get interactive(): boolean {
    return this.streams.stdin.isTTY === true && this.streams.stderr.isTTY === true;
  }

  /** Whether progress (bars, steps) is shown: always for people, on a terminal only with --json. */
  get showsProgress(): boolean {
    return !this.json || this.streams.stderr.isTTY === true;
  }

  /** Whether a live progress bar can be drawn (stderr is a terminal). */
  get drawsBars(): boolean {
    return this.streams.stderr.isTTY === true;
  }

  /** A progress or status line on stderr (dropped when progress is not shown). */
  status(line: string): void {
    if (this.showsProgress) this.streams.stderr.write(`${line}\n`);
  }

  /** A warning on stderr, shown in every mode. */
  warn(line: string): void {
    this.streams.stderr.write(`${this.style('yellow', 'warning:')} ${line}\n`);
  }

  /** An error on stderr, shown in every mode. */
  error(line: string): void {
    this.streams.stderr.write(`${this.style('red', 'error:')} ${line}\n`);
  }

  /** Human result text on stdout (nothing with --json: use `document`). */
  result(text: string): void {
    if (!this.json) this.streams.stdout.write(`${text}\n`);
  }

  /** The one JSON document of a --json run, on stdout. */
  document(value: unknown): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** `text` in a color or weight when `on` (default stderr) is a terminal and NO_COLOR is unset. */
  style(style: Style, text: string, on: 'stdout' | 'stderr' = 'stderr'): string {
    const colors = this.streams[on].isTTY === true && !this.streams.env.NO_COLOR;
    return colors ? styleText(style, text) : text;
  }
}

/** The process's own streams and environment. */
export function processStreams(): CliStreams {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}
