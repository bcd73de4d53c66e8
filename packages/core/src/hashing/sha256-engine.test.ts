import { describe, expect, it } from 'vitest';
import { SHA256_ENGINE } from '.';

describe('SHA256_ENGINE in Node', () => {
  it('is node:crypto: the `node` condition of #sha256 was chosen', () => {
    expect(SHA256_ENGINE).toBe('node:crypto');
  });
});
