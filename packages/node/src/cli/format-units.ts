// Sizes, rates and durations as people read them. Decimal units (1 MB = 1,000,000 bytes), the
// units of the platform's own limit (500 MB).

const UNITS = ['B', 'kB', 'MB', 'GB'] as const;

/**
 * A byte count in decimal units with three significant digits.
 *
 * @example
 * formatBytes(4_312_000); // '4.31 MB'
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/**
 * A throughput in bytes per second.
 *
 * @example
 * formatRate(183_400_000); // '183 MB/s'
 */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.max(0, bytesPerSecond))}/s`;
}

/**
 * A duration: milliseconds below a second, else seconds with one decimal.
 *
 * @example
 * formatDuration(2_340); // '2.3 s'
 */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
