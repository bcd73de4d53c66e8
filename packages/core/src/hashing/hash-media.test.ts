// Node-only sources: files on disk through streams and Blobs, and Node Readable streams.
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtsAbortError } from '../errors';
import { hashMedia } from './hash-media';

const media = Uint8Array.from({ length: 2 * 1024 * 1024 + 5 }, (_, i) => i % 251);
const expected = {
  mediaHash: createHash('sha256').update(media).digest('hex'),
  sizeBytes: media.length,
};
let dir = '';
let file = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ats-hash-media-'));
  file = join(dir, 'track.bin');
  writeFileSync(file, media);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hashMedia in Node', () => {
  it('hashes a file through fs.createReadStream', async () => {
    await expect(hashMedia(createReadStream(file, { highWaterMark: 256 * 1024 }))).resolves.toEqual(
      expected,
    );
  });

  it('hashes a file-backed Blob from fs.openAsBlob', async () => {
    await expect(hashMedia(await openAsBlob(file))).resolves.toEqual(expected);
  });

  it('hashes a Node Readable and a Buffer', async () => {
    await expect(
      hashMedia(
        Readable.from([Buffer.from(media.subarray(0, 10)), Buffer.from(media.subarray(10))]),
      ),
    ).resolves.toEqual(expected);
    await expect(hashMedia(Buffer.from(media))).resolves.toEqual(expected);
  });

  it('destroys the file stream when aborted', async () => {
    const controller = new AbortController();
    const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
    const hashing = hashMedia(stream, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(hashing).rejects.toSatisfy((e) => AtsAbortError.is(e));
    expect(stream.destroyed).toBe(true);
  });
});
