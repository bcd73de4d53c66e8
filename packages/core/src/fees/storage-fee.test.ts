import { describe, expect, it } from 'vitest';
import { AtsFileTooLargeError, AtsValidationError } from '../errors';
import { DEFAULT_FEE_SCHEDULE, type FeeSchedule } from './fee-schedule';
import { storageFeeCredits } from './storage-fee';

const MiB = 1_048_576;

describe('storageFeeCredits with the sandbox schedule', () => {
  it.each([
    ['an empty file', 0, 0],
    ['exactly 10 MiB', 10 * MiB, 0],
    ['10 MiB + 1 byte (one started MiB)', 10 * MiB + 1, 1],
    ['11 MiB', 11 * MiB, 1],
    ['11 MiB + 1 byte', 11 * MiB + 1, 2],
    ['18 MiB', 18 * MiB, 8],
    ['50 MiB, the end of the first tier', 50 * MiB, 40],
    ['50 MiB + 1 byte, a started MiB in the 2-credit tier', 50 * MiB + 1, 42],
    ['60 MiB', 60 * MiB, 60],
    ['100 MiB', 100 * MiB, 140],
    ['100 MiB + 1 byte', 100 * MiB + 1, 143],
    ['250 MiB', 250 * MiB, 590],
    ['250 MiB + 1 byte', 250 * MiB + 1, 594],
    ['500,000,000 bytes, the largest asset', 500_000_000, 1498],
  ])('charges %s: %i bytes → %i credits', (_label, size, credits) => {
    expect(storageFeeCredits(size)).toBe(credits);
  });

  it('refuses 500,000,001 bytes, naming both sizes', () => {
    expect(() => storageFeeCredits(500_000_001)).toThrow(AtsFileTooLargeError);
    expect(() => storageFeeCredits(500_000_001)).toThrow(/500,000,001 bytes.*500,000,000 bytes/);
  });

  it.each([
    ['a fraction', 1.5],
    ['a negative size', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s as the size', (_label, size) => {
    expect(() => storageFeeCredits(size)).toThrow(AtsValidationError);
    expect(() => storageFeeCredits(size)).toThrow(/sizeBytes: must be a whole, non-negative/);
  });
});

describe('storageFeeCredits with a custom schedule', () => {
  const schedule: FeeSchedule = {
    ...DEFAULT_FEE_SCHEDULE,
    storage: {
      free_bytes: 0,
      tiers: [
        { up_to_mib: 2, credits_per_mib: 10 },
        { up_to_mib: 4, credits_per_mib: 100 },
      ],
    },
    max_asset_bytes: 10 * MiB,
  };

  it('prices every started MiB from the first byte when nothing is free', () => {
    expect(storageFeeCredits(0, schedule)).toBe(0);
    expect(storageFeeCredits(1, schedule)).toBe(10);
    expect(storageFeeCredits(2 * MiB, schedule)).toBe(20);
    expect(storageFeeCredits(2 * MiB + 1, schedule)).toBe(120);
  });

  it('charges sizes past the last tier at its rate', () => {
    expect(storageFeeCredits(6 * MiB, schedule)).toBe(20 + 4 * 100);
  });

  it('applies its own maximum', () => {
    expect(() => storageFeeCredits(10 * MiB + 1, schedule)).toThrow(AtsFileTooLargeError);
  });

  it('handles a free size that is not a whole number of MiB', () => {
    const halfFree: FeeSchedule = {
      ...schedule,
      storage: {
        free_bytes: MiB / 2,
        tiers: [
          { up_to_mib: 1, credits_per_mib: 1 },
          { up_to_mib: 9, credits_per_mib: 5 },
        ],
      },
    };
    // Started MiBs begin at 0.5 (tier ≤ 1) and 1.5 (tier ≤ 9).
    expect(storageFeeCredits(MiB / 2 + 1, halfFree)).toBe(1);
    expect(storageFeeCredits(MiB + MiB / 2 + 1, halfFree)).toBe(6);
  });

  it('refuses an unusable schedule, naming the fields', () => {
    const bad = {
      ...schedule,
      storage: {
        free_bytes: -1,
        tiers: [
          { up_to_mib: 4, credits_per_mib: 1 },
          { up_to_mib: 2, credits_per_mib: 0.5 },
        ],
      },
    };
    expect(() => storageFeeCredits(1, bad)).toThrow(
      /storage\.free_bytes: .*storage\.tiers\.1\.credits_per_mib: .*storage\.tiers\.1\.up_to_mib: must be above the previous tier's 4/,
    );
  });
});
