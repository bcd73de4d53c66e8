import type { CommandScope } from './command-runner';
import { ExitCode } from './exit-codes';
import { formatOutcome } from './registration-format';
import { registrationDocument, registrationFailureContext } from './registration-report';
import { RegistrationView } from './registration-view';

type ViewCallbacks = ReturnType<RegistrationView['callbacks']>;
type RegistrationOutcome = Parameters<typeof registrationDocument>[1];

/** What `runWithRegistrationView` needs to know about the command it serves. */
export interface RegistrationRunOptions {
  /** The command name in the JSON document (`register`, `update`). */
  command: string;
  /** First word of the outcome for people, e.g. `Registered`, `Version added`. */
  outcomeLabel: string;
  /** The line announcing what is about to happen. */
  announcement: string;
  assumeYes: boolean;
  maxPriceCredits?: number;
}

/**
 * The part `ats register` and `ats update` share once their input is checked: a view that shows
 * upload progress, the quote (and asks for approval), the transaction steps, then the outcome for
 * people and the JSON document; and, if the run fails or is interrupted, the job and transaction
 * ids in the error report so nobody pays twice.
 *
 * @example
 * return runWithRegistrationView(scope, { command: 'register', outcomeLabel: 'Registered', … },
 *   (sdkOptions) => client.works.register(input, sdkOptions));
 */
export async function runWithRegistrationView(
  { terminal, interrupt, onFailure }: CommandScope,
  options: RegistrationRunOptions,
  run: (
    sdkOptions: ViewCallbacks & { signal: AbortSignal; maxPriceCredits?: number },
  ) => Promise<RegistrationOutcome>,
): Promise<number> {
  const view = new RegistrationView(terminal, interrupt, { assumeYes: options.assumeYes });
  onFailure((error) => registrationFailureContext(view, error, interrupt.interrupted));
  terminal.status(options.announcement);
  try {
    const result = await run({
      signal: interrupt.signal,
      ...(options.maxPriceCredits !== undefined
        ? { maxPriceCredits: options.maxPriceCredits }
        : {}),
      ...view.callbacks(),
    });
    view.close();
    view.separate();
    terminal.result(
      formatOutcome(result, options.outcomeLabel, terminal, {
        commitment: view.quote?.commitment,
      }).join('\n'),
    );
    terminal.document(registrationDocument(options.command, result, view));
    return ExitCode.ok;
  } finally {
    view.close();
  }
}
