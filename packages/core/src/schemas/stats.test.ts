import { describe, expect, it } from 'vitest';
import { StatsQuerySchema, StatsResponseSchema } from './stats';

describe('GET /v1/stats (§10)', () => {
  it('parses the example of api.md', () => {
    expect(StatsResponseSchema.parse({ total_works: 12, max_audio_size_bytes: 500000000 })).toEqual(
      {
        total_works: 12,
        max_audio_size_bytes: 500000000,
      },
    );
    expect(
      StatsResponseSchema.parse({ total_works: 0, max_audio_size_bytes: 1, x: 1 }),
    ).not.toHaveProperty('x');
    expect(StatsQuerySchema.parse({ network: 'mainnet' })).toEqual({ network: 'mainnet' });
    expect(StatsQuerySchema.safeParse({ network: 'devnet' }).success).toBe(false);
  });
});
