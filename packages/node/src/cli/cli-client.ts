import { AtsValidationError, type Network } from '@ats-kit/core';
import { AtsClient } from '../client';
import { CliUsageError } from './cli-errors';

/** The connection flags every API command takes. */
export interface ConnectionFlags {
  baseUrl?: string | undefined;
  network?: Network | undefined;
}

// Transaction routes take no credential (api.md §7): `ats status` works without ATS_API_KEY, so
// the client gets a well-formed stand-in that is never sent (`transactions` calls are anonymous).
const NO_KEY = `afo_sk_live_${'0'.repeat(48)}`;

/**
 * The SDK client of a command: `--base-url` / `--network` first, then `ATS_BASE_URL`,
 * `ATS_NETWORK`; the key only from `ATS_API_KEY` (never a flag: process lists show arguments to
 * other users). Bad settings become a `CliUsageError` listing each one and its fix; the key is
 * never quoted. With `keyOptional`, a missing key is allowed (only anonymous routes are called).
 *
 * @example
 * const client = createCliClient({ network: 'testnet' }, process.env);
 */
export function createCliClient(
  flags: ConnectionFlags,
  env: Record<string, string | undefined>,
  options: { keyOptional?: boolean } = {},
): AtsClient {
  const apiKey = nonEmpty(env.ATS_API_KEY);
  if (apiKey === undefined && !options.keyOptional) {
    throw new CliUsageError(
      'ATS_API_KEY is not set: export ATS_API_KEY=<your organization API key, afo_sk_live_…> (the sandbox prints its demo key when it starts)',
    );
  }
  const fromFlag = {
    baseUrl: flags.baseUrl !== undefined,
    network: flags.network !== undefined,
  };
  try {
    return new AtsClient({
      apiKey: apiKey ?? NO_KEY,
      baseUrl: flags.baseUrl ?? nonEmpty(env.ATS_BASE_URL),
      network: flags.network ?? (nonEmpty(env.ATS_NETWORK) as Network | undefined),
    });
  } catch (error) {
    if (!AtsValidationError.is(error)) throw error;
    const names: Record<string, string> = {
      apiKey: 'ATS_API_KEY',
      baseUrl: fromFlag.baseUrl ? '--base-url' : 'ATS_BASE_URL',
      network: fromFlag.network ? '--network' : 'ATS_NETWORK',
    };
    const lines = error.issues.map(
      (issue) => `  ${names[issue.path] ?? issue.path}: ${issue.message}`,
    );
    throw new CliUsageError(`Invalid configuration:\n${lines.join('\n')}`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
