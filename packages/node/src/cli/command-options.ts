import type { Network } from '@ats-kit/core';
import { type Command, InvalidArgumentError, Option } from 'commander';

/** The flags `ats register` and `ats update` parse (commander camel-cases them). */
export interface WorkCommandFlags {
  title?: string;
  creator?: string[];
  ipi?: string;
  isni?: string;
  network?: Network;
  baseUrl?: string;
  filename?: string;
  externalUserRef?: string;
  maxPrice?: number;
  yes?: boolean;
  json?: boolean;
}

/** Adds the options every API command shares: `--base-url`, `--network`, `--json`. */
export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--network <network>', 'network (default: ATS_NETWORK, else testnet)').choices([
        'testnet',
        'mainnet',
      ]),
    )
    .option('--base-url <url>', 'API base URL (default: ATS_BASE_URL, else the ATS API)')
    .option('--json', 'print one JSON document on stdout (progress on stderr, on a terminal only)');
}

/**
 * A commander parser for a whole number within bounds; the error names the flag's rule (commander
 * adds the flag) and exits with the usage code.
 *
 * @example
 * command.option('--max-price <credits>', '…', wholeNumber(0));
 */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (
      !/^\d+$/.test(value.trim()) ||
      !Number.isSafeInteger(parsed) ||
      parsed < min ||
      parsed > max
    ) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`must be a whole number ${range}.`);
    }
    return parsed;
  };
}

/** A commander collector for repeated options (`--creator a --creator b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
