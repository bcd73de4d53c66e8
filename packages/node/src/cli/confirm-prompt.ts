import { createInterface } from 'node:readline/promises';
import type { Interrupt } from './interrupt';
import type { Terminal } from './terminal';

/**
 * Asks a yes/no question on the terminal (stderr), `no` unless the answer starts with y. Ctrl+C
 * while asking goes to `interrupt` (the run stops, exit 130); an aborted `signal` closes the
 * question and resolves `false`.
 *
 * @example
 * if (await askYesNo(terminal, interrupt, 'Confirm and pay 8 credits?')) confirm();
 */
export async function askYesNo(
  terminal: Terminal,
  interrupt: Interrupt,
  question: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const rl = createInterface({
    input: terminal.streams.stdin,
    output: terminal.streams.stderr,
    terminal: true,
  });
  // In raw mode the key reaches readline, not the process: forward it.
  rl.on('SIGINT', () => interrupt.trigger());
  const stop = AbortSignal.any([interrupt.signal, ...(signal ? [signal] : [])]);
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: stop });
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch (error) {
    if (stop.aborted) return false;
    throw error;
  } finally {
    rl.close();
  }
}
