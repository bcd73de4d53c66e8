import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AtsAbortError, AtsFileTooLargeError, AtsUploadError, AtsValidationError } from '../errors';
import {
  type FakePresignedStore,
  startFakePresignedStore,
} from './test-fixtures/fake-presigned-store';
import type { UploadOptions, UploadProgress } from './types';
import { uploadToPresignedUrl } from './upload-to-presigned-url';

// Counts file opens, to check that each attempt reads the file exactly once (hash included).
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, open: vi.fn(actual.open) };
});

/** How many times the upload opened `path` for reading. */
function opensOf(path: string): number {
  return vi.mocked(fs.open).mock.calls.filter(([opened]) => opened === path).length;
}

const MIB = 1024 * 1024;

let store: FakePresignedStore;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ats-upload-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  store = await startFakePresignedStore();
  vi.mocked(fs.open).mockClear();
});
afterEach(async () => {
  await store.close();
});

/** Deterministic bytes: byte i is (i * 31 + seed) mod 251. */
function pattern(size: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function fileOf(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Options with recorded, instant backoff waits. */
function instantRetries(extra: UploadOptions = {}) {
  const sleeps: number[] = [];
  const options: UploadOptions = {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  };
  return { options, sleeps };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('uploadToPresignedUrl (Node engine): success', () => {
  it('PUTs a file with Content-Length and returns the ETag, the size and the media hash', async () => {
    const bytes = pattern(3 * MIB + 123);
    const path = await fileOf('song.wav', bytes);
    const result = await uploadToPresignedUrl(store.uploadUrl('job-a'), path, {
      hash: true,
      contentType: 'audio/wav',
    });
    const md5 = createHash('md5').update(bytes).digest('hex');
    expect(result).toEqual({
      etag: `"${md5}"`,
      sizeBytes: bytes.length,
      mediaHash: sha256Hex(bytes),
    });
    expect(store.puts).toHaveLength(1);
    expect(store.puts[0]).toMatchObject({
      key: 'job-a',
      contentType: 'audio/wav',
      contentLength: bytes.length,
      bytesReceived: bytes.length,
      sha256: sha256Hex(bytes),
      complete: true,
    });
    expect(opensOf(path)).toBe(1);
  });

  it('leaves the hash out unless asked, and defaults the content type', async () => {
    const path = await fileOf('a.bin', pattern(1000));
    const result = await uploadToPresignedUrl(store.uploadUrl(), path);
    expect(result.mediaHash).toBeUndefined();
    const viaUrl = await uploadToPresignedUrl(store.uploadUrl(), pathToFileURL(path));
    expect(viaUrl.sizeBytes).toBe(1000);
    expect(store.puts.map((p) => p.contentType)).toEqual([
      'application/octet-stream',
      'application/octet-stream',
    ]);
  });

  it('streams a 64 MiB file without holding it, reporting throttled progress ending at the total', async () => {
    const size = 64 * MIB;
    const path = join(dir, 'big.bin');
    const block = pattern(MIB, 3);
    await pipeline(
      Readable.from(Array.from({ length: 64 }, () => block)),
      fs.createWriteStream(path),
    );
    const expected = createHash('sha256');
    for (let i = 0; i < 64; i++) expected.update(block);
    const expectedHash = expected.digest('hex');

    const progress: UploadProgress[] = [];
    const started = performance.now();
    const result = await uploadToPresignedUrl(store.uploadUrl(), path, {
      hash: true,
      onProgress: (p) => progress.push(p),
    });
    const elapsed = performance.now() - started;

    expect(result.sizeBytes).toBe(size);
    expect(result.mediaHash).toBe(expectedHash);
    expect(store.puts[0]).toMatchObject({
      bytesReceived: size,
      sha256: expectedHash,
      complete: true,
    });
    expect(progress.at(-1)).toMatchObject({ bytes: size, total: size });
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.bytes).toBeGreaterThanOrEqual(progress[i - 1]?.bytes ?? 0);
    }
    expect(progress.every((p) => Number.isFinite(p.rate) && p.rate >= 0)).toBe(true);
    expect(opensOf(path)).toBe(1);
  });

  it('uploads bytes, a Blob, and a sized stream', async () => {
    const bytes = pattern(600 * 1024);
    await uploadToPresignedUrl(store.uploadUrl(), bytes);
    await uploadToPresignedUrl(store.uploadUrl(), new Uint8Array(bytes).buffer);
    await uploadToPresignedUrl(
      store.uploadUrl(),
      new Blob([bytes as BlobPart], { type: 'audio/flac' }),
    );
    await uploadToPresignedUrl(store.uploadUrl(), {
      stream: Readable.from([bytes]),
      size: bytes.length,
    });
    await uploadToPresignedUrl(store.uploadUrl(), {
      stream: () => new Blob([bytes as BlobPart]).stream(),
      size: bytes.length,
    });
    expect(store.puts.map((p) => p.sha256)).toEqual(Array(5).fill(sha256Hex(bytes)));
    expect(store.puts[2]?.contentType).toBe('audio/flac');
  });

  it('sends a large Blob intact although its stream reuses one read buffer', async () => {
    // Node reads a Blob through a BYOB reader into one reused buffer: a chunk must have left for
    // the socket before the next read overwrites it. A slow store keeps writes pending.
    const bytes = pattern(9 * MIB + 5);
    store.script({ kind: 'accept', bytesPerSecond: 64 * MIB });
    const result = await uploadToPresignedUrl(store.uploadUrl(), new Blob([bytes as BlobPart]), {
      hash: true,
    });
    expect(result.mediaHash).toBe(sha256Hex(bytes));
    expect(store.puts[0]).toMatchObject({ sha256: sha256Hex(bytes), complete: true });
  });

  it('sends a stream whose chunks include empty ones', async () => {
    const bytes = pattern(1000);
    const empty = new Uint8Array(0);
    await uploadToPresignedUrl(store.uploadUrl(), {
      stream: Readable.from([empty, bytes.subarray(0, 400), empty, bytes.subarray(400)]),
      size: bytes.length,
    });
    expect(store.puts[0]).toMatchObject({ sha256: sha256Hex(bytes), complete: true });
  });

  it('uploads an empty file', async () => {
    const path = await fileOf('empty.bin', new Uint8Array(0));
    const result = await uploadToPresignedUrl(store.uploadUrl(), path, { hash: true });
    expect(result.sizeBytes).toBe(0);
    expect(result.mediaHash).toBe(sha256Hex(new Uint8Array(0)));
  });
});

describe('uploadToPresignedUrl (Node engine): retries', () => {
  it('retries a 503 SlowDown partway, re-reading the file once per attempt with a fresh hash', async () => {
    const bytes = pattern(2 * MIB);
    const path = await fileOf('retry.bin', bytes);
    store.script({ kind: 'fail', status: 503, code: 'SlowDown', afterBytes: 512 * 1024 });
    const { options, sleeps } = instantRetries({ hash: true });
    const result = await uploadToPresignedUrl(store.uploadUrl(), path, options);
    expect(result.mediaHash).toBe(sha256Hex(bytes));
    expect(store.puts).toHaveLength(2);
    expect(store.puts[1]).toMatchObject({ bytesReceived: bytes.length, complete: true });
    expect(opensOf(path)).toBe(2);
    expect(sleeps).toEqual([250]);
  });

  it('waits the Retry-After seconds a store sends with its 503', async () => {
    store.script({ kind: 'fail', status: 503, code: 'SlowDown', retryAfterSeconds: 2 });
    const { options, sleeps } = instantRetries();
    await uploadToPresignedUrl(store.uploadUrl(), pattern(1000), options);
    expect(sleeps).toEqual([2000]);
  });

  it('ends with upload_failed, carrying the S3 code and RequestId, when the retries run out', async () => {
    const fail = {
      kind: 'fail',
      status: 503,
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
    } as const;
    store.script(fail, fail, fail);
    const { options, sleeps } = instantRetries({ maxRetries: 2 });
    const error = await caught(uploadToPresignedUrl(store.uploadUrl(), pattern(1000), options));
    expect(AtsUploadError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'upload_failed',
      status: 503,
      s3Code: 'SlowDown',
      requestId: 'REQ000003',
      retryable: true,
    });
    expect(store.puts).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  it('reports an expired URL as upload_expired, without retrying', async () => {
    store.script({ kind: 'expired' });
    const { options, sleeps } = instantRetries();
    const error = await caught(uploadToPresignedUrl(store.uploadUrl(), pattern(4096), options));
    expect(AtsUploadError.is(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'upload_expired',
      status: 403,
      s3Code: 'AccessDenied',
      retryable: false,
    });
    expect(String(error)).toMatch(/init/);
    expect(store.puts).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    [400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'],
    [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match'],
    [403, 'AccessDenied', 'Access Denied'],
  ])(
    'reports %i %s as upload_rejected with the S3 code, without retrying',
    async (status, code, message) => {
      store.script({ kind: 'fail', status, code, message });
      const { options } = instantRetries();
      const error = await caught(uploadToPresignedUrl(store.uploadUrl(), pattern(4096), options));
      expect(error).toMatchObject({
        code: 'upload_rejected',
        status,
        s3Code: code,
        requestId: 'REQ000001',
      });
      expect(String(error)).toContain(code);
      expect(store.puts).toHaveLength(1);
    },
  );

  it('aborts a stalled attempt and retries it', async () => {
    const bytes = pattern(32 * MIB);
    store.script({ kind: 'stall', afterBytes: MIB });
    const { options } = instantRetries({ stallTimeoutMs: 200, hash: true });
    const result = await uploadToPresignedUrl(store.uploadUrl(), bytes, options);
    expect(result.mediaHash).toBe(sha256Hex(bytes));
    expect(store.puts.map((p) => p.complete)).toEqual([false, true]);
    expect(store.puts[0]?.bytesReceived).toBeLessThan(bytes.length);
  });

  it('ends with upload_stalled when every attempt stalls', async () => {
    store.script({ kind: 'stall', afterBytes: MIB }, { kind: 'hold' });
    const { options } = instantRetries({ stallTimeoutMs: 200, maxRetries: 1 });
    const error = await caught(uploadToPresignedUrl(store.uploadUrl(), pattern(32 * MIB), options));
    expect(AtsUploadError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'upload_stalled', retryable: true });
    expect(store.puts).toHaveLength(2);
  });

  it('does not retry a one-shot stream once read, and says how to allow it', async () => {
    store.script({ kind: 'fail', status: 503, code: 'SlowDown', afterBytes: 1 });
    const bytes = pattern(300 * 1024);
    const { options } = instantRetries();
    const error = await caught(
      uploadToPresignedUrl(
        store.uploadUrl(),
        { stream: Readable.from([bytes]), size: bytes.length },
        options,
      ),
    );
    expect(error).toMatchObject({ code: 'upload_failed', status: 503 });
    expect(String(error)).toContain('stream: () =>');
    expect(store.puts).toHaveLength(1);
  });
});

describe('uploadToPresignedUrl (Node engine): refusals and aborts', () => {
  it('refuses a file over maxBytes before sending a byte, naming both sizes', async () => {
    const path = await fileOf('big.wav', pattern(2000));
    const error = await caught(
      uploadToPresignedUrl(store.uploadUrl(), path, { maxBytes: 1500, maxBytesSource: 'session' }),
    );
    expect(AtsFileTooLargeError.is(error)).toBe(true);
    expect(error).toMatchObject({ sizeBytes: 2000, maxBytes: 1500, source: 'session' });
    expect(String(error)).toContain('2,000 bytes');
    expect(String(error)).toContain('1,500 bytes');
    expect(store.puts).toHaveLength(0);
    expect(opensOf(path)).toBe(0);
  });

  it('tears the request down when aborted mid-upload', async () => {
    // A store that keeps reading (slowly), so it sees the connection close.
    store.script({ kind: 'accept', bytesPerSecond: 8 * MIB });
    const controller = new AbortController();
    const pending = uploadToPresignedUrl(store.uploadUrl(), pattern(32 * MIB), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes > 0) controller.abort();
      },
    });
    const error = await caught(pending);
    expect(AtsAbortError.is(error)).toBe(true);
    await store.clientClosures(1);
    expect(store.puts[0]?.complete).toBe(false);
  });

  it('ends at once when aborted during the backoff wait', async () => {
    store.script({ kind: 'fail', status: 503, code: 'SlowDown' });
    const controller = new AbortController();
    const error = await caught(
      uploadToPresignedUrl(store.uploadUrl(), pattern(1000), {
        signal: controller.signal,
        sleep: () => {
          controller.abort();
          return new Promise(() => {});
        },
      }),
    );
    expect(AtsAbortError.is(error)).toBe(true);
    expect(store.puts).toHaveLength(1);
  });

  it('refuses a missing file, a bad stream size and a stream that gives other than its size', async () => {
    const missing = await caught(uploadToPresignedUrl(store.uploadUrl(), join(dir, 'nope.wav')));
    expect(AtsValidationError.is(missing)).toBe(true);
    expect(String(missing)).toContain('nope.wav');

    const badSize = await caught(
      uploadToPresignedUrl(store.uploadUrl(), { stream: Readable.from([]), size: -1 }),
    );
    expect(String(badSize)).toContain('source.size');

    const short = await caught(
      uploadToPresignedUrl(store.uploadUrl(), { stream: Readable.from([pattern(10)]), size: 20 }),
    );
    expect(AtsValidationError.is(short)).toBe(true);
    expect(String(short)).toMatch(/gave 10 bytes but its size is 20/);
    expect(store.puts.every((p) => !p.complete)).toBe(true);
  });

  it('refuses an invalid URL without quoting it (the URL is a credential)', async () => {
    const error = await caught(
      uploadToPresignedUrl('ftp://x/?X-Amz-Signature=deadbeef', pattern(1)),
    );
    expect(AtsValidationError.is(error)).toBe(true);
    expect(String(error)).not.toContain('deadbeef');
  });

  it('never quotes the presigned URL in an upload error', async () => {
    store.script({ kind: 'fail', status: 403, code: 'SignatureDoesNotMatch' });
    const url = store.uploadUrl();
    const error = await caught(uploadToPresignedUrl(url, pattern(10)));
    const signature = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    expect(JSON.stringify(error)).not.toContain(signature);
    expect(String(error)).not.toContain(signature);
  });
});
