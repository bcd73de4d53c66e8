import { describe, expect, it } from 'vitest';
import { AtsAbortError } from '../errors';
import {
  BACKOFF_CAP_MS,
  computeBackoffDelayMs,
  retryDelayMs,
  sleepUnlessAborted,
  timerSleep,
} from './backoff';

describe('computeBackoffDelayMs', () => {
  it('doubles from 500 ms per retry, capped at 8 s, scaled by the random draw (full jitter)', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => computeBackoffDelayMs(n, top))).toEqual([
      499, 999, 1999, 3999, 7999, 7999, 7999,
    ]);
    expect(computeBackoffDelayMs(3, () => 0.5)).toBe(1000);
    expect(computeBackoffDelayMs(9, () => 0)).toBe(0);
  });

  it('stays within [0, cap] whatever the random source returns', () => {
    expect(computeBackoffDelayMs(20, () => 7)).toBe(BACKOFF_CAP_MS);
    expect(computeBackoffDelayMs(1, () => -1)).toBe(0);
  });
});

describe('retryDelayMs', () => {
  it('uses Retry-After exactly when given, up to one minute, and refuses longer waits', () => {
    expect(retryDelayMs(1, 2, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 60, () => 0)).toBe(60_000);
    expect(retryDelayMs(1, 61, () => 0)).toBeUndefined();
    expect(retryDelayMs(2, undefined, () => 0.5)).toBe(500);
  });
});

describe('sleepUnlessAborted', () => {
  it('resolves after the sleep', async () => {
    await expect(sleepUnlessAborted(timerSleep, 0, undefined, 'x')).resolves.toBeUndefined();
  });

  it('rejects with AtsAbortError at once when aborted, even if the sleep ignores the signal', async () => {
    const controller = new AbortController();
    const pending = sleepUnlessAborted(
      () => new Promise(() => {}),
      60_000,
      controller.signal,
      'Stopped',
    );
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(AtsAbortError.is(error)).toBe(true);
    expect((error as Error).message).toBe('Stopped');
  });

  it('rejects before sleeping when already aborted', async () => {
    const error = await sleepUnlessAborted(timerSleep, 60_000, AbortSignal.abort(), 'x').catch(
      (e: unknown) => e,
    );
    expect(AtsAbortError.is(error)).toBe(true);
  });
});
