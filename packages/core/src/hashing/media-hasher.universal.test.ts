import { describe, expect, it } from 'vitest';
import { hashMedia } from './hash-media';
import { createMediaHasher } from './media-hasher';

const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7) % 256);

describe('createMediaHasher', () => {
  it('gives the same result as hashMedia when fed the chunks by the caller', async () => {
    const hasher = await createMediaHasher();
    for (let i = 0; i < bytes.length; i += 9_999) hasher.update(bytes.subarray(i, i + 9_999));
    expect(hasher.sizeBytes).toBe(bytes.length);
    expect(hasher.digest()).toEqual(await hashMedia(bytes));
  });

  it('cannot be used again after digest()', async () => {
    const hasher = await createMediaHasher();
    hasher.update(bytes);
    hasher.digest();
    expect(() => hasher.update(bytes)).toThrow(/after digest\(\); create a new hasher/);
    expect(() => hasher.digest()).toThrow(/already called/);
  });

  it('takes bytes only', async () => {
    const hasher = await createMediaHasher();
    expect(() => hasher.update('text' as unknown as Uint8Array)).toThrow(/takes a Uint8Array/);
  });
});
