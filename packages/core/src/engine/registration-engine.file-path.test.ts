// In Node a file path is read once per upload attempt: the same pass uploads it and computes its
// media hash, and the commitment check uses that hash instead of reading the file again.
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Harness, media, registerInput, startHarness } from './test-fixtures/engine-harness';

const opened = vi.hoisted(() => ({ paths: [] as string[] }));

// Every way core opens a file for reading: streams (hashing) and fs.open (the Node upload engine).
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    createReadStream: (path: string, options?: Parameters<typeof fs.createReadStream>[1]) => {
      opened.paths.push(String(path));
      return fs.createReadStream(path, options);
    },
    open: (...args: Parameters<typeof fs.open>) => {
      opened.paths.push(String(args[0]));
      return (fs.open as (...a: unknown[]) => void)(...args);
    },
  };
});

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  opened.paths.length = 0;
});
afterEach(async () => {
  await h.close();
});

describe('a file path', () => {
  it('is read once: uploaded and hashed in the same pass, and the commitment matches', async () => {
    const path = join(tmpdir(), `ats-engine-${process.pid}-${Date.now()}.wav`);
    await writeFile(path, media(900_000, 3));
    const result = await h.engine.run(registerInput({ media: path }));
    expect(result.ats_id).toBe(1);
    expect(opened.paths.filter((p) => p === path)).toHaveLength(1);
    expect(h.engine.getSnapshot().commitment).toMatchObject({ status: 'match', mode: 'enforce' });
  });
});
