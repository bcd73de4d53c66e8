import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ScheduledSource, Scheduler } from './scheduler';
import { VirtualClock } from './virtual-clock';

function queue(name: string, times: number[], log: string[], sync = true): ScheduledSource {
  const pending = [...times];
  return {
    name,
    sync,
    nextDueAt: () => pending[0] ?? null,
    runDue: (at) => {
      while (pending[0] !== undefined && pending[0] <= at) log.push(`${name}@${pending.shift()}`);
    },
  };
}

describe('Scheduler', () => {
  it('runs everything due in an advance in time order, then leaves the clock at the end', async () => {
    const clock = new VirtualClock({ paused: true, wallNow: () => 0 });
    const t0 = clock.now();
    const log: string[] = [];
    const scheduler = new Scheduler(clock, [
      queue('steps', [t0 + 500, t0 + 1500], log),
      queue('blocks', [t0 + 1000, t0 + 1500, t0 + 9000], log),
    ]);
    await scheduler.advance(2000);
    expect(log).toEqual([
      `steps@${t0 + 500}`,
      `blocks@${t0 + 1000}`,
      `steps@${t0 + 1500}`,
      `blocks@${t0 + 1500}`,
    ]);
    expect(clock.now()).toBe(t0 + 2000);
  });

  it('catches up synchronous sources only', () => {
    const clock = new VirtualClock({ paused: true, wallNow: () => 0 });
    const t0 = clock.now();
    const log: string[] = [];
    const scheduler = new Scheduler(clock, [
      queue('sync', [t0], log),
      queue('io', [t0], log, false),
    ]);
    scheduler.catchUp();
    expect(log).toEqual([`sync@${t0}`]);
  });

  describe('with the wall-clock driver', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('lets an advance wait for a delivery the driver started, then run what it scheduled', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const clock = new VirtualClock({ wallNow: () => 0 }); // running, but the wall stands still
      const t0 = clock.now();
      const log: string[] = [];
      let due: number | null = t0;
      let answer: () => void = () => {};
      // A webhook-like source: the first attempt hangs until answered, then schedules a retry.
      const deliveries: ScheduledSource = {
        name: 'webhooks',
        sync: false,
        nextDueAt: () => due,
        runDue: async (at) => {
          const attempt = due;
          due = null;
          log.push(`attempt@${attempt} (now ${at})`);
          if (attempt === t0) {
            await new Promise<void>((resolve) => {
              answer = resolve;
            });
            due = clock.now() + 1_000;
            log.push('answered');
          }
        },
      };
      const scheduler = new Scheduler(clock, [deliveries]);
      scheduler.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(log).toEqual([`attempt@${t0} (now ${t0})`]);

      let advanced = false;
      const advancing = scheduler.advance(5_000).then(() => {
        advanced = true;
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(advanced).toBe(false);
      answer();
      await advancing;
      expect(log).toEqual([
        `attempt@${t0} (now ${t0})`,
        'answered',
        `attempt@${t0 + 1_000} (now ${t0 + 1_000})`,
      ]);
      expect(clock.now()).toBe(t0 + 5_000);
      await scheduler.stop();
    });
  });
});
