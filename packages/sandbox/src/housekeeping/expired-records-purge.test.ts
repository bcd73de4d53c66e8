import { describe, expect, it } from 'vitest';
import { Scheduler } from '../clock/scheduler';
import { VirtualClock } from '../clock/virtual-clock';
import { openDatabase } from '../db/database';
import { IDEMPOTENCY_TTL_MS } from '../idempotency/idempotency';
import { TokenBindingStore } from '../sessions';
import { EXPIRED_RECORD_GRACE_MS, ExpiredRecordsPurge } from './expired-records-purge';

function setUp() {
  const db = openDatabase({ memory: true });
  const clock = new VirtualClock({ paused: true, wallNow: () => 0 });
  const bindings = new TokenBindingStore(db);
  const purge = new ExpiredRecordsPurge(db, bindings);
  const scheduler = new Scheduler(clock, [purge]);
  const t0 = clock.now();
  const storeKey = (key: string, createdAt: number) =>
    db
      .prepare(
        `INSERT INTO idempotency_keys (partition_key, idempotency_key, fingerprint, state, created_at, expires_at)
         VALUES ('key-1', ?, 'f', 'done', ?, ?)`,
      )
      .run(key, createdAt, createdAt + IDEMPOTENCY_TTL_MS);
  const keys = () =>
    (
      db.prepare('SELECT idempotency_key AS k FROM idempotency_keys ORDER BY k').all() as {
        k: string;
      }[]
    ).map((row) => row.k);
  return { db, clock, bindings, purge, scheduler, t0, storeKey, keys };
}

describe('ExpiredRecordsPurge', () => {
  it('is idle with nothing stored', () => {
    const { purge } = setUp();
    expect(purge.nextDueAt()).toBeNull();
  });

  it('removes idempotency rows once their 24 h (and the grace period) have passed', async () => {
    const { scheduler, purge, t0, storeKey, keys } = setUp();
    storeKey('early', t0);
    storeKey('late', t0 + 60 * 60 * 1000);
    expect(purge.nextDueAt()).toBe(t0 + IDEMPOTENCY_TTL_MS + EXPIRED_RECORD_GRACE_MS);

    await scheduler.advance(IDEMPOTENCY_TTL_MS + EXPIRED_RECORD_GRACE_MS - 1);
    expect(keys()).toEqual(['early', 'late']);
    await scheduler.advance(1);
    expect(keys()).toEqual(['late']);
    await scheduler.advance(60 * 60 * 1000);
    expect(keys()).toEqual([]);
    expect(purge.nextDueAt()).toBeNull();
  });

  it('removes token bindings after the token expired, never before', async () => {
    const { scheduler, bindings, t0 } = setUp();
    bindings.bind({ jti: 'a', jobId: 'job-a', now: t0, expiresAt: t0 + 300_000 });
    bindings.bind({ jti: 'b', jobId: 'job-b', now: t0, expiresAt: t0 + 600_000 });
    expect(bindings.earliestExpiry()).toBe(t0 + 300_000);

    await scheduler.advance(300_000);
    expect(bindings.get('a')).toBe('job-a');
    await scheduler.advance(EXPIRED_RECORD_GRACE_MS);
    expect(bindings.get('a')).toBeNull();
    expect(bindings.get('b')).toBe('job-b');
    await scheduler.advance(300_000);
    expect(bindings.get('b')).toBeNull();
  });

  it('catches up on a request path too, without an advance', () => {
    const { db, scheduler, clock, storeKey, keys, t0 } = setUp();
    storeKey('old', t0 - IDEMPOTENCY_TTL_MS - EXPIRED_RECORD_GRACE_MS);
    scheduler.catchUp();
    expect(keys()).toEqual([]);
    expect(clock.now()).toBe(t0);
    db.close();
  });
});
