import { createHash } from 'node:crypto';
import type { Network } from '@ats-kit/core';

// Deterministic chain hashes (api.md §15, sandbox choice), so tests can predict them.

/**
 * `0x` + SHA-256 hex of `tx:<network>:<transaction_id>`.
 *
 * @example
 * txHashFor('testnet', '6f1c9a0e-2b47-4d8e-a3f5-91c7e6b2d048');
 */
export function txHashFor(network: Network, transactionId: string): string {
  return `0x${createHash('sha256').update(`tx:${network}:${transactionId}`).digest('hex')}`;
}

/**
 * `0x` + SHA-256 hex of `block:<network>:<height>`.
 *
 * @example
 * blockHashFor('mainnet', 1843);
 */
export function blockHashFor(network: Network, height: number): string {
  return `0x${createHash('sha256').update(`block:${network}:${height}`).digest('hex')}`;
}
