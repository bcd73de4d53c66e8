import cliProgress from 'cli-progress';
import { formatBytes, formatDuration, formatRate } from './format-units';
import type { Terminal } from './terminal';

/** One upload progress report, as the SDK's `onProgress` gives it. */
export interface UploadTick {
  bytes: number;
  total: number;
  /** Bytes per second, smoothed. */
  rate: number;
}

/**
 * The upload's progress on stderr: a live bar (bytes, rate, ETA) on a terminal, else one line when
 * the upload ends. Created when the upload starts, `stop()`ped when the run leaves it.
 *
 * @example
 * const bar = new UploadProgressBar(terminal, 'Uploading');
 * onProgress: (tick) => bar.update(tick), then bar.stop();
 */
export class UploadProgressBar {
  readonly #terminal: Terminal;
  readonly #label: string;
  #bar: cliProgress.SingleBar | undefined;
  #last: UploadTick | undefined;
  #startedAt: number | undefined;
  #stopped = false;

  constructor(terminal: Terminal, label: string) {
    this.#terminal = terminal;
    this.#label = label;
  }

  update(tick: UploadTick): void {
    if (this.#stopped) return;
    this.#startedAt ??= performance.now();
    this.#last = tick;
    if (!this.#terminal.showsProgress || !this.#terminal.drawsBars) return;
    const payload = {
      done: formatBytes(tick.bytes),
      size: formatBytes(tick.total),
      speed: formatRate(tick.rate),
    };
    if (!this.#bar) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: this.#terminal.streams.stderr as NodeJS.WriteStream,
          format: `${this.#label} {bar} {percentage}% | {done} / {size} | {speed} | ETA {eta_formatted}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(tick.total, tick.bytes, payload);
    } else {
      this.#bar.update(tick.bytes, payload);
    }
  }

  /** Ends the bar; with `done`, prints how much was sent, how fast. */
  stop(done: boolean): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#bar?.stop();
    const last = this.#last;
    if (!done || !last || this.#startedAt === undefined) return;
    const ms = performance.now() - this.#startedAt;
    const rate = ms > 0 ? (last.total / ms) * 1000 : last.rate;
    this.#terminal.status(
      `${this.#terminal.style('green', '✓')} Uploaded ${formatBytes(last.total)} in ${formatDuration(ms)} (${formatRate(rate)})`,
    );
  }
}
