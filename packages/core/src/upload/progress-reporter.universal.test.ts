import { describe, expect, it } from 'vitest';
import { UploadProgressReporter } from './progress-reporter';
import type { UploadProgress } from './types';

function reporterWithClock(total: number) {
  let clock = 0;
  const reports: UploadProgress[] = [];
  const reporter = new UploadProgressReporter(
    total,
    (p) => reports.push(p),
    () => clock,
  );
  return {
    reporter,
    reports,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('UploadProgressReporter', () => {
  it('reports at most once per 50 ms', () => {
    const { reporter, reports, advance } = reporterWithClock(10_000);
    for (let bytes = 100; bytes <= 5_000; bytes += 100) {
      advance(10);
      reporter.update(bytes);
    }
    // 500 ms of updates every 10 ms: one report per 50 ms window.
    expect(reports.length).toBe(10);
    expect(reports.map((r) => r.bytes)).toEqual([
      100, 600, 1100, 1600, 2100, 2600, 3100, 3600, 4100, 4600,
    ]);
  });

  it('always makes the final report, once', () => {
    const { reporter, reports, advance } = reporterWithClock(1_000);
    reporter.update(10);
    advance(1);
    reporter.update(1_000);
    reporter.finish();
    reporter.finish();
    expect(reports.at(-1)).toMatchObject({ bytes: 1_000, total: 1_000 });
    expect(reports.filter((r) => r.bytes === 1_000)).toHaveLength(1);
  });

  it('smooths the rate: a steady pace gives that pace, a change moves it gradually', () => {
    const { reporter, reports, advance } = reporterWithClock(100_000_000);
    let bytes = 0;
    for (let i = 0; i < 20; i++) {
      advance(100);
      bytes += 100_000; // 1 MB/s
      reporter.update(bytes);
    }
    expect(reports.at(-1)?.rate).toBe(1_000_000);
    advance(100);
    bytes += 1_000_000; // one burst at 10 MB/s
    reporter.update(bytes);
    const rate = reports.at(-1)?.rate ?? 0;
    expect(rate).toBeGreaterThan(1_000_000);
    expect(rate).toBeLessThan(2_000_000);
  });

  it('goes back to 0 bytes when an attempt restarts', () => {
    const { reporter, reports, advance } = reporterWithClock(1_000);
    advance(100);
    reporter.update(800);
    reporter.restart();
    advance(100);
    reporter.update(50);
    expect(reports.map((r) => r.bytes)).toEqual([800, 50]);
    reporter.finish();
    expect(reports.at(-1)?.bytes).toBe(1_000);
  });
});
