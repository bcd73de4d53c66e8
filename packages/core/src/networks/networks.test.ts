import { describe, expect, it } from 'vitest';
import { AtsValidationError } from '../errors';
import {
  assertNetwork,
  BLOCK_TIME_MS,
  DEFAULT_API_BASE_URL,
  DEFAULT_SESSIONS_BASE_URL,
  explorerTxUrl,
  isNetwork,
  NETWORKS,
} from './networks';

const HASH = `0x${'ab'.repeat(32)}`;

describe('networks', () => {
  it('are testnet and mainnet, with 12 s and 6 s blocks', () => {
    expect(NETWORKS).toEqual(['testnet', 'mainnet']);
    expect(BLOCK_TIME_MS).toEqual({ testnet: 12_000, mainnet: 6_000 });
  });

  it('have default API hosts', () => {
    expect(DEFAULT_API_BASE_URL).toBe('https://ats.api.allfeat.org');
    expect(DEFAULT_SESSIONS_BASE_URL).toBe('https://organizations.api.allfeat.org');
  });

  it('are recognised by name only', () => {
    expect(isNetwork('testnet')).toBe(true);
    expect(isNetwork('Mainnet')).toBe(false);
    expect(() => assertNetwork('devnet')).toThrow(AtsValidationError);
    expect(() => assertNetwork('devnet', 'options.network')).toThrow(
      /options\.network: must be 'testnet' or 'mainnet' \(got "devnet"\)/,
    );
  });
});

describe('explorerTxUrl', () => {
  it('links a mainnet transaction', () => {
    expect(explorerTxUrl(HASH, 'mainnet')).toBe(`https://explorer.allfeat.org/tx/${HASH}`);
  });

  it('adds ?network=testnet for testnet', () => {
    expect(explorerTxUrl(HASH, 'testnet')).toBe(
      `https://explorer.allfeat.org/tx/${HASH}?network=testnet`,
    );
  });

  it('normalises the hash to 0x + lowercase', () => {
    expect(explorerTxUrl(`0X${'AB'.repeat(32)}`, 'mainnet')).toBe(
      `https://explorer.allfeat.org/tx/${HASH}`,
    );
    expect(explorerTxUrl('ab'.repeat(32), 'mainnet')).toBe(
      `https://explorer.allfeat.org/tx/${HASH}`,
    );
  });

  it('refuses something that is not a transaction hash', () => {
    expect(() => explorerTxUrl('0x1234', 'mainnet')).toThrow(/txHash: must be 0x followed by 64/);
    expect(() => explorerTxUrl(HASH, 'devnet' as never)).toThrow(AtsValidationError);
  });
});
