import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttemptChunks, iteratedChunks, readFileChunks } from './attempt-chunks';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ats-chunks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Byte i is i mod 251. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

async function fileOf(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Takes every chunk, copying it, releasing each at once (as a socket that keeps up would). */
async function drain(chunks: AttemptChunks): Promise<{ bytes: Buffer; sizes: number[] }> {
  const copies: Buffer[] = [];
  for (let chunk = await chunks.next(); chunk; chunk = await chunks.next()) {
    copies.push(Buffer.from(chunk));
    chunks.release();
  }
  return { bytes: Buffer.concat(copies), sizes: copies.map((c) => c.length) };
}

/** Settles within a few turns of the event loop, or reports that it is still pending. */
async function settlesSoon<T>(promise: Promise<T>): Promise<T | 'pending'> {
  let outcome: T | 'pending' = 'pending';
  void promise.then((value) => {
    outcome = value;
  });
  for (let turn = 0; turn < 20 && outcome === 'pending'; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return outcome;
}

describe('readFileChunks', () => {
  it('gives the file in chunks of the chosen size, in order', async () => {
    const bytes = pattern(10_000);
    const path = await fileOf('ten.bin', bytes);
    const { bytes: read, sizes } = await drain(
      readFileChunks(path, bytes.length, new AbortController().signal, 4096, 3),
    );
    expect(read.equals(bytes)).toBe(true);
    expect(sizes).toEqual([4096, 4096, 1808]);
  });

  it('reads into at most `bufferCount` buffers, whatever the file size', async () => {
    const bytes = pattern(64 * 1024);
    const path = await fileOf('reuse.bin', bytes);
    const chunks = readFileChunks(path, bytes.length, new AbortController().signal, 1024, 3);
    const memories = new Set<ArrayBufferLike>();
    for (let chunk = await chunks.next(); chunk; chunk = await chunks.next()) {
      memories.add(chunk.buffer);
      chunks.release();
    }
    expect(memories.size).toBeLessThanOrEqual(3);
  });

  it('does not overwrite a chunk before it is released', async () => {
    const bytes = pattern(8 * 1024);
    const path = await fileOf('held.bin', bytes);
    const chunks = readFileChunks(path, bytes.length, new AbortController().signal, 1024, 2);
    const first = await chunks.next();
    const second = await chunks.next();
    // Both buffers are held: the third chunk waits for a release.
    const third = chunks.next();
    expect(await settlesSoon(third)).toBe('pending');
    expect(Buffer.from(first as Uint8Array).equals(bytes.subarray(0, 1024))).toBe(true);
    chunks.release();
    expect(Buffer.from((await third) as Uint8Array).equals(bytes.subarray(2048, 3072))).toBe(true);
    expect(Buffer.from(second as Uint8Array).equals(bytes.subarray(1024, 2048))).toBe(true);
  });

  it('gives an empty file as no chunk', async () => {
    const path = await fileOf('empty.bin', new Uint8Array(0));
    const chunks = readFileChunks(path, 0, new AbortController().signal, 1024, 4);
    expect(await chunks.next()).toBeUndefined();
  });

  it('gives a byte past the size when the file grew, and stops short when it shrank', async () => {
    const path = await fileOf('grew.bin', pattern(3000));
    const grew = await drain(readFileChunks(path, 2000, new AbortController().signal, 1024, 2));
    expect(grew.sizes).toEqual([1024, 976, 1]);

    await truncate(path, 1500);
    const shrank = await drain(readFileChunks(path, 2000, new AbortController().signal, 1024, 2));
    expect(shrank.sizes).toEqual([1024, 476]);
  });

  it('rejects with the read error (a missing file)', async () => {
    const chunks = readFileChunks(join(dir, 'nope.bin'), 10, new AbortController().signal, 1024, 2);
    await expect(chunks.next()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects a pending read with the abort reason', async () => {
    const path = await fileOf('abort.bin', pattern(4096));
    const controller = new AbortController();
    const chunks = readFileChunks(path, 4096, controller.signal, 1024, 1);
    await chunks.next();
    const waiting = chunks.next(); // the only buffer is held
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(chunks.next()).rejects.toThrow('stop');
  });
});

describe('iteratedChunks', () => {
  async function* counted(pulls: number[]): AsyncGenerator<Uint8Array, void, undefined> {
    for (let i = 0; i < 3; i++) {
      pulls.push(i);
      yield new Uint8Array([i]);
    }
  }

  it('asks a source that reuses memory for the next chunk only once the last one is released', async () => {
    const pulls: number[] = [];
    const chunks = iteratedChunks(counted(pulls), new AbortController().signal, true);
    await chunks.next();
    const second = chunks.next();
    expect(await settlesSoon(second)).toBe('pending');
    expect(pulls).toEqual([0]);
    chunks.release();
    expect(await second).toEqual(new Uint8Array([1]));
  });

  it('lets bytes already in memory flow without waiting for releases', async () => {
    const pulls: number[] = [];
    const chunks = iteratedChunks(counted(pulls), new AbortController().signal, false);
    const got = [
      await chunks.next(),
      await chunks.next(),
      await chunks.next(),
      await chunks.next(),
    ];
    expect(got).toEqual([new Uint8Array([0]), new Uint8Array([1]), new Uint8Array([2]), undefined]);
  });

  it('stops waiting for a release when aborted', async () => {
    const controller = new AbortController();
    const chunks = iteratedChunks(counted([]), controller.signal, true);
    await chunks.next();
    const waiting = chunks.next();
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
