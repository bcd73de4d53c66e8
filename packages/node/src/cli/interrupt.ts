import type { Terminal } from './terminal';

/**
 * Ctrl+C for one command run: the first SIGINT aborts the run's signal, so the SDK stops cleanly
 * (uploads torn down, nothing confirmed after it, the transaction left to the server) and the
 * command exits 130 with what the user needs to know; a second one exits at once.
 *
 * @example
 * const interrupt = Interrupt.install(terminal);
 * try { await client.works.register(input, { signal: interrupt.signal }); }
 * finally { interrupt.uninstall(); }
 */
export class Interrupt {
  readonly #controller = new AbortController();
  readonly #terminal: Terminal;
  readonly #onSignal = () => this.trigger();

  private constructor(terminal: Terminal) {
    this.#terminal = terminal;
  }

  /** Listens for SIGINT until `uninstall()`. */
  static install(terminal: Terminal): Interrupt {
    const interrupt = new Interrupt(terminal);
    process.on('SIGINT', interrupt.#onSignal);
    return interrupt;
  }

  /** Fires on the first Ctrl+C. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether Ctrl+C was pressed. */
  get interrupted(): boolean {
    return this.#controller.signal.aborted;
  }

  /** What a Ctrl+C does; also called by a prompt that caught the key itself. */
  trigger(): void {
    if (this.interrupted) {
      process.exit(130);
    }
    // Abort first: listeners (progress bars) clear their lines before the message is written.
    this.#controller.abort(new Error('Interrupted with Ctrl+C'));
    this.#terminal.streams.stderr.write('\nStopping… (Ctrl+C again to quit at once)\n');
  }

  uninstall(): void {
    process.off('SIGINT', this.#onSignal);
  }
}
