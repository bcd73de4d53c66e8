import { describe, expect, it } from 'vitest';
import { SHA256_ENGINE } from '.';

describe('SHA256_ENGINE in a browser', () => {
  it('is wasm: the `browser` condition of #sha256 was chosen', () => {
    expect(SHA256_ENGINE).toBe('wasm');
  });
});
