import { AtsValidationError, type ValidationIssue } from '../errors';
import { FREE_STORAGE_BYTES, MAX_ASSET_SIZE_BYTES } from '../limits';

/** One storage tier: each started MiB up to `up_to_mib` (absolute size) costs `credits_per_mib`. */
export interface StorageTier {
  readonly up_to_mib: number;
  readonly credits_per_mib: number;
}

/**
 * A fee schedule, as data. Snake_case because it is also the wire field `fees` of the sandbox's
 * `/_sandbox/settings`. All amounts are integer credits; `service_fee_bps` is basis points of the
 * network fee (4000 = 40 %), rounded up.
 */
export interface FeeSchedule {
  readonly register: {
    readonly network_fee: number;
    readonly base_deposit: number;
    readonly version_deposit: number;
    readonly service_fee_bps: number;
  };
  readonly update: {
    readonly network_fee: number;
    readonly version_deposit: number;
    readonly service_fee_bps: number;
  };
  readonly storage: {
    readonly free_bytes: number;
    /** Ascending by `up_to_mib`; sizes past the last tier are charged at its rate. */
    readonly tiers: readonly StorageTier[];
  };
  readonly max_asset_bytes: number;
}

/**
 * The sandbox's schedule (`fees.md`; Allfeat has not published its numbers): network fee 12,
 * deposits 30 + 20, service fee 40 % of the network fee rounded up (5), storage free up to 10 MiB
 * then 1 / 2 / 3 / 4 credits per started MiB up to 50 / 100 / 250 / 500 MiB. Frozen.
 */
export const DEFAULT_FEE_SCHEDULE: FeeSchedule = deepFreeze({
  register: { network_fee: 12, base_deposit: 30, version_deposit: 20, service_fee_bps: 4000 },
  update: { network_fee: 12, version_deposit: 20, service_fee_bps: 4000 },
  storage: {
    free_bytes: FREE_STORAGE_BYTES,
    tiers: [
      { up_to_mib: 50, credits_per_mib: 1 },
      { up_to_mib: 100, credits_per_mib: 2 },
      { up_to_mib: 250, credits_per_mib: 3 },
      { up_to_mib: 500, credits_per_mib: 4 },
    ],
  },
  max_asset_bytes: MAX_ASSET_SIZE_BYTES,
});

/**
 * Throws `AtsValidationError` listing every problem unless `schedule` is usable: whole
 * non-negative amounts, at least one tier, tiers strictly ascending. The pricing functions call it,
 * so a custom schedule read from settings fails with the field to fix instead of pricing wrongly.
 *
 * @example
 * assertFeeSchedule(settings.fees);
 */
export function assertFeeSchedule(schedule: FeeSchedule): void {
  const issues: ValidationIssue[] = [];
  const wholeNumber = (value: unknown, path: string) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      issues.push({
        path,
        code: 'invalid_amount',
        message: `must be a whole, non-negative number (got ${String(value)})`,
      });
    }
  };
  const s = schedule as Partial<FeeSchedule> | undefined;
  for (const [path, value] of [
    ['register.network_fee', s?.register?.network_fee],
    ['register.base_deposit', s?.register?.base_deposit],
    ['register.version_deposit', s?.register?.version_deposit],
    ['register.service_fee_bps', s?.register?.service_fee_bps],
    ['update.network_fee', s?.update?.network_fee],
    ['update.version_deposit', s?.update?.version_deposit],
    ['update.service_fee_bps', s?.update?.service_fee_bps],
    ['storage.free_bytes', s?.storage?.free_bytes],
    ['max_asset_bytes', s?.max_asset_bytes],
  ] as const) {
    wholeNumber(value, path);
  }
  const tiers = s?.storage?.tiers;
  if (!Array.isArray(tiers) || tiers.length === 0) {
    issues.push({
      path: 'storage.tiers',
      code: 'too_small',
      message: 'must hold one tier at least',
    });
  } else {
    let previous = -1;
    tiers.forEach((tier: StorageTier, i) => {
      wholeNumber(tier?.up_to_mib, `storage.tiers.${i}.up_to_mib`);
      wholeNumber(tier?.credits_per_mib, `storage.tiers.${i}.credits_per_mib`);
      if (typeof tier?.up_to_mib === 'number' && tier.up_to_mib <= previous) {
        issues.push({
          path: `storage.tiers.${i}.up_to_mib`,
          code: 'not_ascending',
          message: `must be above the previous tier's ${previous}`,
        });
      }
      if (typeof tier?.up_to_mib === 'number') previous = tier.up_to_mib;
    });
  }
  if (issues.length > 0) throw new AtsValidationError('Invalid fee schedule', { issues });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
