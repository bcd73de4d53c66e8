import { type Database, readMeta, writeMeta } from '../db/database';

/** What the sandbox's modules read the time from: virtual epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** Persisted state of the virtual clock: where virtual time stood at a wall-clock instant. */
interface ClockAnchor {
  virtual_ms: number;
  wall_ms: number;
  time_scale: number;
  paused: boolean;
}

/** Options of `VirtualClock`. */
export interface VirtualClockOptions {
  /** Persists the anchor here so that a restart continues virtual time. */
  db?: Database | undefined;
  timeScale?: number | undefined;
  paused?: boolean | undefined;
  /** The wall clock; injectable for unit tests. */
  wallNow?: () => number;
}

/**
 * Virtual time (api.md §17): runs `timeScale` times faster than the wall clock, can be paused,
 * and moves forward through `jumpTo` (what `/_sandbox/clock/advance` uses). It never goes
 * backwards. With a database, the anchor is stored, so after a restart virtual time goes on from
 * where it would be had the sandbox kept running.
 *
 * @example
 * const clock = new VirtualClock({ timeScale: 10 });
 * clock.now(); // virtual epoch ms
 * clock.configure({ paused: true });
 */
export class VirtualClock implements Clock {
  private anchor: ClockAnchor;
  private readonly wallNow: () => number;
  private readonly db: Database | undefined;

  constructor(options: VirtualClockOptions = {}) {
    this.wallNow = options.wallNow ?? Date.now;
    this.db = options.db;
    const wall = this.wallNow();
    const stored = this.db ? readMeta<ClockAnchor>(this.db, 'clock') : undefined;
    if (stored) {
      this.anchor = stored;
      // Resume at the stored time scale unless told otherwise, never behind the stored instant.
      this.anchor = { ...stored, virtual_ms: Math.max(stored.virtual_ms, this.compute(wall)) };
      this.anchor.wall_ms = wall;
    } else {
      this.anchor = { virtual_ms: wall, wall_ms: wall, time_scale: 1, paused: false };
    }
    if (options.timeScale !== undefined) this.anchor.time_scale = options.timeScale;
    if (options.paused !== undefined) this.anchor.paused = options.paused;
    this.persist();
  }

  /** Current virtual time in epoch milliseconds (whole). */
  now(): number {
    return this.compute(this.wallNow());
  }

  get timeScale(): number {
    return this.anchor.time_scale;
  }

  get paused(): boolean {
    return this.anchor.paused;
  }

  /**
   * Changes the speed or pauses / resumes, keeping the current virtual instant.
   *
   * @example
   * clock.configure({ timeScale: 100, paused: false });
   */
  configure(change: { timeScale?: number | undefined; paused?: boolean | undefined }): void {
    const wall = this.wallNow();
    this.anchor = {
      virtual_ms: this.compute(wall),
      wall_ms: wall,
      time_scale: change.timeScale ?? this.anchor.time_scale,
      paused: change.paused ?? this.anchor.paused,
    };
    this.persist();
  }

  /**
   * Moves virtual time forward to `virtualMs` (no-op when it is not ahead). Whether paused or
   * running, the clock then continues from there.
   *
   * @example
   * clock.jumpTo(clock.now() + 12_000);
   */
  jumpTo(virtualMs: number): void {
    const wall = this.wallNow();
    const current = this.compute(wall);
    if (virtualMs <= current) return;
    this.anchor = { ...this.anchor, virtual_ms: Math.floor(virtualMs), wall_ms: wall };
    this.persist();
  }

  /** Wall-clock milliseconds until virtual time reaches `virtualMs`; null when paused. */
  wallDelayUntil(virtualMs: number): number | null {
    if (this.anchor.paused || this.anchor.time_scale <= 0) return null;
    return Math.max(0, (virtualMs - this.now()) / this.anchor.time_scale);
  }

  /** Stores the anchor, so that a restart continues from it. */
  persist(): void {
    if (this.db) writeMeta(this.db, 'clock', this.anchor);
  }

  private compute(wall: number): number {
    const a = this.anchor;
    if (a.paused) return a.virtual_ms;
    return a.virtual_ms + Math.floor((wall - a.wall_ms) * a.time_scale);
  }
}
