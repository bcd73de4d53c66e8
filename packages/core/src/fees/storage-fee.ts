import { AtsFileTooLargeError } from '../errors';
import { BYTES_PER_MIB } from '../limits';
import { assertByteCount } from '../limits/byte-count';
import { assertFeeSchedule, DEFAULT_FEE_SCHEDULE, type FeeSchedule } from './fee-schedule';

/**
 * Storage fee in credits for a file of `sizeBytes`: 0 up to the free size; above it, every
 * **started** MiB is charged at the rate of the tier it falls in (a MiB that starts at 50 MiB is in
 * the (50, 100] tier). Throws `AtsFileTooLargeError` over `max_asset_bytes` and
 * `AtsValidationError` for a size that is not a whole, non-negative number of bytes.
 *
 * @example
 * storageFeeCredits(18 * 1024 * 1024); // 8
 * storageFeeCredits(60 * 1024 * 1024); // 40 + 20 = 60
 */
export function storageFeeCredits(
  sizeBytes: number,
  schedule: FeeSchedule = DEFAULT_FEE_SCHEDULE,
): number {
  assertByteCount(sizeBytes, 'sizeBytes');
  assertFeeSchedule(schedule);
  if (sizeBytes > schedule.max_asset_bytes) {
    throw new AtsFileTooLargeError({
      sizeBytes,
      maxBytes: schedule.max_asset_bytes,
      source: 'platform',
    });
  }
  const { free_bytes: freeBytes, tiers } = schedule.storage;
  if (sizeBytes <= freeBytes) return 0;

  // Started MiB number k (0-based) begins at freeBytes + k MiB. It belongs to the tier whose
  // range (previous up_to, up_to] holds that start, i.e. the first tier with start < up_to.
  const startedMib = Math.ceil((sizeBytes - freeBytes) / BYTES_PER_MIB);
  let credits = 0;
  let k = 0;
  for (let t = 0; t < tiers.length && k < startedMib; t++) {
    const tier = tiers[t]!;
    const isLast = t === tiers.length - 1;
    // First k whose start is at or past this tier's upper edge: k >= up_to - free (in MiB).
    const end = isLast
      ? startedMib
      : Math.min(
          startedMib,
          Math.max(k, Math.ceil((tier.up_to_mib * BYTES_PER_MIB - freeBytes) / BYTES_PER_MIB)),
        );
    credits += (end - k) * tier.credits_per_mib;
    k = end;
  }
  return credits;
}
