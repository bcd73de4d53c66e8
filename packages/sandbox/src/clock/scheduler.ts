import type { VirtualClock } from './virtual-clock';

/**
 * Something with work due at virtual instants: chain blocks, transaction steps, webhook attempts.
 * `sync` sources run inside a request's synchronous path (DB work only); the others (webhook
 * deliveries) do I/O and are only run by the driver and by `advance`.
 */
export interface ScheduledSource {
  readonly name: string;
  readonly sync: boolean;
  /** Earliest virtual instant with work due, or null when idle. */
  nextDueAt(): number | null;
  /** Runs the work due at or before `at` (the earliest batch at least). */
  runDue(at: number): void | Promise<void>;
}

/** Safety net against a source that never stops reporting due work. */
const MAX_STEPS_PER_RUN = 100_000;

/**
 * Runs everything that falls due on the virtual clock, in order of due time (ties: in the order
 * the sources were given). Real timers only drive it: with time scale N, a wait of `d` virtual ms
 * sleeps `d / N` wall ms. Requests call `catchUp()` first so that they observe every transition
 * due by their virtual instant, whatever the timer's lag.
 *
 * @example
 * const scheduler = new Scheduler(clock, [txSteps, chain, webhooks]);
 * scheduler.start();
 * await scheduler.advance(12_000);
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  private chain: Promise<void> = Promise.resolve();
  /** Async runs started by the wall-clock driver, by source name, until they settle. */
  private asyncInFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly sources: readonly ScheduledSource[],
    private readonly onError: (error: unknown, source: string) => void = () => {},
  ) {}

  /** Starts the wall-clock driver. */
  start(): void {
    this.stopped = false;
    this.poke();
  }

  /** Stops the driver; pending work stays due and runs after the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => {});
  }

  /**
   * Runs every synchronous source's work due by now. Called at the start of each request and
   * after state changes; never awaits, so it fits inside a request's synchronous path.
   */
  catchUp(): void {
    if (this.running) return;
    this.running = true;
    try {
      for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
        const now = this.clock.now();
        const next = this.earliest(now, true);
        if (!next) break;
        this.runSync(next.source, next.at);
      }
    } finally {
      this.running = false;
    }
  }

  /** Re-arms the timer for the earliest due work (call after scheduling something new). */
  poke(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let earliest: number | null = null;
    for (const source of this.sources) {
      if (!source.sync && this.asyncInFlight.has(source.name)) continue;
      const due = source.nextDueAt();
      if (due !== null && (earliest === null || due < earliest)) earliest = due;
    }
    if (earliest === null) return;
    const delay = this.clock.wallDelayUntil(earliest);
    if (delay === null) return;
    // Cap so that a changed clock setting is picked up even without a poke.
    this.timer = setTimeout(() => this.tick(), Math.min(Math.ceil(delay), 60_000));
    this.timer.unref();
  }

  /**
   * Moves virtual time forward by `ms`, running everything due in that span in order (webhook
   * attempts awaited), then leaves the clock at the end of the span.
   *
   * @example
   * await scheduler.advance(25_500); // a testnet registration reaches finality
   */
  advance(ms: number): Promise<void> {
    return this.exclusive(async () => {
      const target = this.clock.now() + ms;
      for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
        // A delivery the driver started must settle first: its outcome (and any retry it
        // schedules inside the span) is part of "everything due in that span", and it must
        // record its retry time against the instant it ran at, before the clock jumps.
        await this.settleAsyncInFlight();
        const next = this.earliest(target, false);
        if (!next) break;
        this.clock.jumpTo(next.at);
        if (next.source.sync) this.runSync(next.source, next.at);
        else await this.runAsync(next.source, next.at);
      }
      this.clock.jumpTo(target);
      this.catchUp();
      this.poke();
    });
  }

  /**
   * Resolves once every async run the driver started has ended (their errors go to `onError`).
   * `advance` calls it; tests and shutdown may too.
   */
  async settleAsyncInFlight(): Promise<void> {
    while (this.asyncInFlight.size > 0) {
      await Promise.all(this.asyncInFlight.values());
    }
  }

  private tick(): void {
    this.timer = undefined;
    void this.exclusive(async () => {
      this.catchUp();
      const now = this.clock.now();
      for (const source of this.sources) {
        if (source.sync || this.asyncInFlight.has(source.name)) continue;
        const due = source.nextDueAt();
        if (due === null || due > now) continue;
        // Deliveries may take up to 30 s of wall time: run them beside the chain, not before it.
        const run = this.runAsync(source, now).finally(() => {
          this.asyncInFlight.delete(source.name);
          this.poke();
        });
        this.asyncInFlight.set(source.name, run);
      }
    }).then(
      () => this.poke(),
      () => this.retryLater(),
    );
  }

  // A source that keeps failing must not spin the driver: try again in a second of wall time.
  private retryLater(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 1_000);
    this.timer.unref();
  }

  private earliest(
    limit: number,
    syncOnly: boolean,
  ): { source: ScheduledSource; at: number } | null {
    let best: { source: ScheduledSource; at: number } | null = null;
    for (const source of this.sources) {
      if (syncOnly && !source.sync) continue;
      if (!source.sync && this.asyncInFlight.has(source.name)) continue;
      const due = source.nextDueAt();
      if (due === null || due > limit) continue;
      if (!best || due < best.at) best = { source, at: due };
    }
    return best;
  }

  private runSync(source: ScheduledSource, at: number): void {
    try {
      source.runDue(at);
    } catch (error) {
      this.onError(error, source.name);
      throw error;
    }
  }

  private async runAsync(source: ScheduledSource, at: number): Promise<void> {
    try {
      await source.runDue(at);
    } catch (error) {
      this.onError(error, source.name);
    }
  }

  private exclusive(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }
}
