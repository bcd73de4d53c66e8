import { AtsValidationError } from '../errors';

/** The ATS networks: `testnet` for development and tests, `mainnet` for production. */
export const NETWORKS = ['testnet', 'mainnet'] as const;

/** An ATS network name, as on the wire. */
export type Network = (typeof NETWORKS)[number];

/** Block interval of each network's chain, in milliseconds. */
export const BLOCK_TIME_MS: Readonly<Record<Network, number>> = Object.freeze({
  testnet: 12_000,
  mainnet: 6_000,
});

/** Host of the ATS API (`/v1/works*`, `/v1/access/*`, `/v1/transactions/*`, ...). */
export const DEFAULT_API_BASE_URL = 'https://ats.api.allfeat.org';

/** Host of the widget sessions route (`POST /v1/sessions`). */
export const DEFAULT_SESSIONS_BASE_URL = 'https://organizations.api.allfeat.org';

/** Base of the block explorer's transaction pages. */
export const EXPLORER_BASE_URL = 'https://explorer.allfeat.org';

/**
 * True when `value` is one of `NETWORKS`.
 *
 * @example
 * isNetwork('mainnet'); // true
 */
export function isNetwork(value: unknown): value is Network {
  return value === 'testnet' || value === 'mainnet';
}

/**
 * Throws `AtsValidationError` naming the field unless `value` is a network name.
 *
 * @example
 * assertNetwork(options.network, 'network');
 */
export function assertNetwork(value: unknown, field = 'network'): asserts value is Network {
  if (isNetwork(value)) return;
  throw new AtsValidationError(`Invalid ${field}`, {
    issues: [
      {
        path: field,
        code: 'invalid_network',
        message: `must be 'testnet' or 'mainnet' (got ${JSON.stringify(value) ?? String(value)})`,
      },
    ],
  });
}

/**
 * The explorer page of a transaction. The hash is normalised to `0x` + lowercase hex; testnet
 * pages add `?network=testnet`.
 *
 * @example
 * explorerTxUrl('0xAB…', 'testnet'); // 'https://explorer.allfeat.org/tx/0xab…?network=testnet'
 */
export function explorerTxUrl(txHash: string, network: Network): string {
  assertNetwork(network);
  const hex = typeof txHash === 'string' ? txHash.trim().replace(/^0x/i, '') : '';
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new AtsValidationError('Invalid txHash', {
      issues: [
        {
          path: 'txHash',
          code: 'invalid_hash',
          message: 'must be 0x followed by 64 hex characters (a transaction hash)',
        },
      ],
    });
  }
  const url = `${EXPLORER_BASE_URL}/tx/0x${hex.toLowerCase()}`;
  return network === 'testnet' ? `${url}?network=testnet` : url;
}
