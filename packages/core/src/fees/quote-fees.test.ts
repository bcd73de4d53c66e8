import { describe, expect, it } from 'vitest';
import { AtsFileTooLargeError, AtsValidationError } from '../errors';
import { DEFAULT_FEE_SCHEDULE, type FeeSchedule } from './fee-schedule';
import { debitForNetwork, quoteFees } from './quote-fees';

const MiB = 1_048_576;

describe('quoteFees: the fees.md examples', () => {
  it('prices an 18 MiB registration on mainnet at 12 + 50 + 5 + 8 = 75', () => {
    expect(quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 18 * MiB })).toEqual({
      network_fee_credits: 12,
      total_deposit_credits: 50,
      service_fee_credits: 5,
      storage_fee_credits: 8,
      total_price_credits: 75,
    });
  });

  it('prices an 18 MiB version on mainnet at 12 + 20 + 5 + 8 = 45', () => {
    expect(quoteFees({ operation: 'update', network: 'mainnet', sizeBytes: 18 * MiB })).toEqual({
      network_fee_credits: 12,
      version_deposit_credits: 20,
      service_fee_credits: 5,
      storage_fee_credits: 8,
      total_price_credits: 45,
    });
  });

  it('quotes the same registration on testnet at 0 + 0 + 0 + 8 = 8', () => {
    expect(quoteFees({ operation: 'register', network: 'testnet', sizeBytes: 18 * MiB })).toEqual({
      network_fee_credits: 0,
      total_deposit_credits: 0,
      service_fee_credits: 0,
      storage_fee_credits: 8,
      total_price_credits: 8,
    });
  });

  it('makes any testnet file up to 10 MiB free', () => {
    const q = quoteFees({ operation: 'register', network: 'testnet', sizeBytes: 10 * MiB });
    expect(q.total_price_credits).toBe(0);
  });

  it('quotes testnet gross when the sandbox is set to', () => {
    const q = quoteFees({
      operation: 'register',
      network: 'testnet',
      sizeBytes: 18 * MiB,
      testnetQuote: 'gross',
    });
    expect(q.total_price_credits).toBe(75);
    expect(debitForNetwork(q, 'testnet')).toBe(8);
  });
});

describe('quoteFees: options', () => {
  it('gives a version that keeps its file no storage fee', () => {
    expect(quoteFees({ operation: 'update', network: 'mainnet', keepFile: true })).toEqual({
      network_fee_credits: 12,
      version_deposit_credits: 20,
      service_fee_credits: 5,
      storage_fee_credits: 0,
      total_price_credits: 37,
    });
    const withSize = quoteFees({
      operation: 'update',
      network: 'mainnet',
      keepFile: true,
      sizeBytes: 300 * MiB,
    });
    expect(withSize.storage_fee_credits).toBe(0);
  });

  it('prices with a custom schedule, rounding the service fee up', () => {
    const schedule: FeeSchedule = {
      ...DEFAULT_FEE_SCHEDULE,
      register: { network_fee: 7, base_deposit: 100, version_deposit: 1, service_fee_bps: 150 },
      update: { network_fee: 3, version_deposit: 2, service_fee_bps: 10_000 },
    };
    // ceil(7 × 150 / 10000) = ceil(0.105) = 1
    expect(
      quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 0, schedule }),
    ).toEqual({
      network_fee_credits: 7,
      total_deposit_credits: 101,
      service_fee_credits: 1,
      storage_fee_credits: 0,
      total_price_credits: 109,
    });
    const update = quoteFees({ operation: 'update', network: 'mainnet', sizeBytes: 0, schedule });
    expect(update.service_fee_credits).toBe(3);
    expect(update.total_price_credits).toBe(8);
  });

  it('charges no service fee when the basis points are 0', () => {
    const schedule: FeeSchedule = {
      ...DEFAULT_FEE_SCHEDULE,
      register: { ...DEFAULT_FEE_SCHEDULE.register, service_fee_bps: 0 },
    };
    const q = quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 1, schedule });
    expect(q.service_fee_credits).toBe(0);
  });
});

describe('quoteFees: bad input', () => {
  it('refuses a file over the maximum, naming both sizes', () => {
    expect(() =>
      quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 500_000_001 }),
    ).toThrow(AtsFileTooLargeError);
  });

  it('refuses sizes that are not whole bytes', () => {
    expect(() => quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 2.5 })).toThrow(
      /sizeBytes/,
    );
    expect(() => quoteFees({ operation: 'update', network: 'mainnet', sizeBytes: -3 })).toThrow(
      AtsValidationError,
    );
  });

  it('requires a size unless the file is kept', () => {
    expect(() => quoteFees({ operation: 'update', network: 'mainnet' } as never)).toThrow(
      /sizeBytes: is required unless the version keeps its current file/,
    );
  });

  it('refuses keepFile on a registration', () => {
    expect(() =>
      quoteFees({ operation: 'register', network: 'mainnet', keepFile: true } as never),
    ).toThrow(/keepFile: applies to a version update only/);
  });

  it('refuses an unknown network, operation or testnet mode', () => {
    expect(() =>
      quoteFees({ operation: 'register', network: 'devnet' as never, sizeBytes: 0 }),
    ).toThrow(/network: must be 'testnet' or 'mainnet'/);
    expect(() =>
      quoteFees({ operation: 'delete' as never, network: 'mainnet', sizeBytes: 0 }),
    ).toThrow(/operation/);
    expect(() =>
      quoteFees({
        operation: 'register',
        network: 'testnet',
        sizeBytes: 0,
        testnetQuote: 'net' as never,
      }),
    ).toThrow(/testnetQuote/);
  });
});

describe('debitForNetwork', () => {
  const quote = quoteFees({ operation: 'register', network: 'mainnet', sizeBytes: 18 * MiB });

  it('is the total on mainnet', () => {
    expect(debitForNetwork(quote, 'mainnet')).toBe(75);
  });

  it('is the storage fee only on testnet', () => {
    expect(debitForNetwork(quote, 'testnet')).toBe(8);
  });
});
