import type { UploadProgress } from './types';

/** Fewest milliseconds between two reports: ~20 a second keeps a progress bar smooth and cheap. */
export const PROGRESS_INTERVAL_MS = 50;
// Rate samples shorter than this are too noisy (a socket may take megabytes in one write).
const RATE_SAMPLE_MS = 100;
// Time constant of the exponential smoothing: the rate follows a change within a few seconds.
const RATE_SMOOTHING_MS = 2_000;

/**
 * Turns the engines' byte counts into throttled progress reports with a smoothed rate: at most one
 * report per `PROGRESS_INTERVAL_MS`, and always a final `bytes === total` one on `finish()`, so a
 * 500 MB upload does not fire thousands of callbacks (or re-renders).
 *
 * @example
 * const reporter = new UploadProgressReporter(file.size, (p) => bar.update(p.bytes / p.total));
 * reporter.update(65_536); // ... then reporter.finish();
 */
export class UploadProgressReporter {
  private readonly total: number;
  private readonly listener: ((progress: UploadProgress) => void) | undefined;
  private readonly now: () => number;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private lastReportedBytes = -1;
  private sampleAt: number;
  private sampleBytes = 0;
  private hasRate = false;
  private rate = 0;

  constructor(
    total: number,
    listener: ((progress: UploadProgress) => void) | undefined,
    now: () => number = () => performance.now(),
  ) {
    this.total = total;
    this.listener = listener;
    this.now = now;
    this.sampleAt = now();
  }

  /** A new attempt starts from byte 0; the rate so far is kept as the best guess. */
  restart(): void {
    this.sampleAt = this.now();
    this.sampleBytes = 0;
    this.lastReportedBytes = -1;
  }

  /** The current attempt has `bytes` accepted; reports if the last report is old enough. */
  update(bytes: number): void {
    const at = this.now();
    this.sampleRate(bytes, at);
    if (at - this.lastReportAt >= PROGRESS_INTERVAL_MS) this.report(bytes, at);
  }

  /** The store accepted the upload: the final report, unless it was already made. */
  finish(): void {
    const at = this.now();
    this.sampleRate(this.total, at);
    if (this.lastReportedBytes !== this.total) this.report(this.total, at);
  }

  private sampleRate(bytes: number, at: number): void {
    const elapsed = at - this.sampleAt;
    if (elapsed < RATE_SAMPLE_MS || bytes < this.sampleBytes) return;
    const instant = ((bytes - this.sampleBytes) * 1000) / elapsed;
    const weight = this.hasRate ? 1 - Math.exp(-elapsed / RATE_SMOOTHING_MS) : 1;
    this.rate += weight * (instant - this.rate);
    this.hasRate = true;
    this.sampleAt = at;
    this.sampleBytes = bytes;
  }

  private report(bytes: number, at: number): void {
    this.lastReportAt = at;
    this.lastReportedBytes = bytes;
    this.listener?.({ bytes, total: this.total, rate: Math.round(this.rate) });
  }
}
