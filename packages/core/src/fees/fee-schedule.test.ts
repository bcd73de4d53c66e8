import { describe, expect, it } from 'vitest';
import { AtsValidationError } from '../errors';
import { assertFeeSchedule, DEFAULT_FEE_SCHEDULE, type FeeSchedule } from './fee-schedule';

describe('DEFAULT_FEE_SCHEDULE', () => {
  it("is the sandbox's schedule from fees.md", () => {
    expect(DEFAULT_FEE_SCHEDULE).toEqual({
      register: { network_fee: 12, base_deposit: 30, version_deposit: 20, service_fee_bps: 4000 },
      update: { network_fee: 12, version_deposit: 20, service_fee_bps: 4000 },
      storage: {
        free_bytes: 10_485_760,
        tiers: [
          { up_to_mib: 50, credits_per_mib: 1 },
          { up_to_mib: 100, credits_per_mib: 2 },
          { up_to_mib: 250, credits_per_mib: 3 },
          { up_to_mib: 500, credits_per_mib: 4 },
        ],
      },
      max_asset_bytes: 500_000_000,
    });
  });

  it('is frozen, down to the tiers', () => {
    expect(Object.isFrozen(DEFAULT_FEE_SCHEDULE.register)).toBe(true);
    expect(Object.isFrozen(DEFAULT_FEE_SCHEDULE.storage.tiers[0])).toBe(true);
  });

  it('passes its own check', () => {
    expect(() => assertFeeSchedule(DEFAULT_FEE_SCHEDULE)).not.toThrow();
  });
});

describe('assertFeeSchedule', () => {
  it('lists every bad field', () => {
    const bad = {
      ...DEFAULT_FEE_SCHEDULE,
      register: { ...DEFAULT_FEE_SCHEDULE.register, network_fee: 1.2 },
      storage: { free_bytes: 0, tiers: [] },
    } as FeeSchedule;
    let error: unknown;
    try {
      assertFeeSchedule(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AtsValidationError);
    expect((error as AtsValidationError).issues.map((i) => i.path)).toEqual([
      'register.network_fee',
      'storage.tiers',
    ]);
  });

  it('refuses a schedule with parts missing', () => {
    expect(() => assertFeeSchedule({} as FeeSchedule)).toThrow(/register\.network_fee/);
  });
});
