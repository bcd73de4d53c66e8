import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { VirtualClock } from './virtual-clock';

function wall(start = 1_000_000) {
  let now = start;
  return { now: () => now, move: (ms: number) => (now += ms) };
}

describe('VirtualClock', () => {
  it('runs time_scale times faster than the wall clock', () => {
    const w = wall();
    const clock = new VirtualClock({ wallNow: w.now, timeScale: 10 });
    const start = clock.now();
    w.move(1_000);
    expect(clock.now() - start).toBe(10_000);
  });

  it('stands still when paused, except through jumpTo, and never goes back', () => {
    const w = wall();
    const clock = new VirtualClock({ wallNow: w.now, paused: true });
    const start = clock.now();
    w.move(5_000);
    expect(clock.now()).toBe(start);
    clock.jumpTo(start + 12_000);
    expect(clock.now()).toBe(start + 12_000);
    clock.jumpTo(start);
    expect(clock.now()).toBe(start + 12_000);
  });

  it('continues from its persisted anchor after a restart', () => {
    const db = openDatabase({ memory: true });
    const w = wall();
    const first = new VirtualClock({ db, wallNow: w.now, paused: true });
    first.jumpTo(first.now() + 60_000);
    const second = new VirtualClock({ db, wallNow: w.now });
    expect(second.now()).toBe(first.now());
    expect(second.paused).toBe(true);
    db.close();
  });

  it('tells the wall delay until a virtual instant', () => {
    const clock = new VirtualClock({ wallNow: wall().now, timeScale: 4 });
    expect(clock.wallDelayUntil(clock.now() + 12_000)).toBe(3_000);
    clock.configure({ paused: true });
    expect(clock.wallDelayUntil(clock.now() + 1)).toBeNull();
  });
});
