import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Md5Stream, openMd5Stream } from './md5-worker';

const md5Of = (...parts: Uint8Array[]) => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/** Copies `bytes` into a fresh slab of `capacity` bytes (the rest is filler the hash must skip). */
const slabOf = (bytes: Uint8Array, capacity = bytes.length + 7) => {
  const slab = new SharedArrayBuffer(capacity);
  new Uint8Array(slab).fill(0xee).set(bytes);
  return slab;
};

const failOnError = (error: Error) => {
  throw error;
};

const digestOf = (md5: Md5Stream) => new Promise<string>((resolve) => md5.digest(resolve));

describe('openMd5Stream', () => {
  it('hashes the first `length` bytes of each slab, in order, off the main thread', async () => {
    const parts = [randomBytes(1000), randomBytes(65_536), randomBytes(3)];
    const md5 = openMd5Stream(failOnError);
    for (const part of parts) md5.update(slabOf(part), part.length, () => {});
    expect(await digestOf(md5)).toBe(md5Of(...parts));
  });

  it('tells when each slab is hashed, in the order given, leaving it unchanged', async () => {
    const parts = [randomBytes(10), randomBytes(20), randomBytes(30)];
    const md5 = openMd5Stream(failOnError);
    const hashed: number[] = [];
    const slabs = parts.map((part, i) => {
      const slab = slabOf(part);
      md5.update(slab, part.length, () => hashed.push(i));
      return slab;
    });
    await digestOf(md5);
    expect(hashed).toEqual([0, 1, 2]);
    slabs.forEach((slab, i) => {
      expect(Buffer.from(slab, 0, parts[i]!.length)).toEqual(parts[i]);
    });
  });

  it('keeps concurrent streams apart', async () => {
    const [a1, a2, b1, b2] = [
      randomBytes(500),
      randomBytes(700),
      randomBytes(900),
      randomBytes(11),
    ];
    const a = openMd5Stream(failOnError);
    const b = openMd5Stream(failOnError);
    a.update(slabOf(a1), a1.length, () => {});
    b.update(slabOf(b1), b1.length, () => {});
    a.update(slabOf(a2), a2.length, () => {});
    b.update(slabOf(b2), b2.length, () => {});
    expect(await Promise.all([digestOf(a), digestOf(b)])).toEqual([md5Of(a1, a2), md5Of(b1, b2)]);
  });

  it('digests a stream without bytes as the MD5 of nothing', async () => {
    expect(await digestOf(openMd5Stream(failOnError))).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('never calls back a cancelled stream', async () => {
    const calls: string[] = [];
    const cancelled = openMd5Stream(failOnError);
    cancelled.update(slabOf(randomBytes(100)), 100, () => calls.push('hashed'));
    cancelled.digest(() => calls.push('digest'));
    cancelled.cancel();
    // The thread answers in order: once a later stream is digested, the cancelled one was seen.
    await digestOf(openMd5Stream(failOnError));
    expect(calls).toEqual([]);
  });
});
