import { describe, expect, it } from 'vitest';
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
});
