import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { FaultStore, globMatches } from './faults';
import { SeededRandom } from './seeded-random';

describe('fault injection', () => {
  it('matches globs segment by segment', () => {
    expect(globMatches('/v1/works/*', '/v1/works/init')).toBe(true);
    expect(globMatches('/v1/works/*', '/v1/works/1/versions/init')).toBe(false);
    expect(globMatches('/v1/**', '/v1/works/1/versions/init')).toBe(true);
  });

  it('repeats the same draws for the same seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(
      Array.from({ length: 5 }, () => b.next()),
    );
  });

  it('consumes rules with times and resets to the start values', () => {
    const db = openDatabase({ memory: true });
    const faults = new FaultStore(db, { chain_failure_rate: 1 }, 3);
    faults.replace({
      rules: [{ method: 'GET', path: '/v1/stats', status: 503, code: 'x', times: 2 }],
    });
    expect(faults.current.chain_failure_rate).toBe(0);
    expect(faults.takeRule('GET', '/v1/stats')?.code).toBe('x');
    expect(faults.takeRule('GET', '/v1/stats')?.code).toBe('x');
    expect(faults.takeRule('GET', '/v1/stats')).toBeNull();
    faults.reset();
    expect(faults.current).toMatchObject({ chain_failure_rate: 1, seed: 3 });
    db.close();
  });
});
