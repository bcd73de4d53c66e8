// The XHR engine in Chromium, against the fake presigned store that the browser project's
// globalSetup runs in Node (test-fixtures/browser-store.global-setup.ts).
import { describe, expect, inject, it, vi } from 'vitest';
import { AtsAbortError, AtsUploadError, AtsValidationError } from '../errors';
import type { UploadProgress } from './types';
import { uploadToPresignedUrl } from './upload-to-presigned-url';

const MIB = 1024 * 1024;
const origin = inject('presignedStoreOrigin');

interface StoredPut {
  bytesReceived: number;
  sha256: string;
  contentType: string;
  complete: boolean;
  closedByClient: boolean;
}

/** A sandbox-shaped upload URL with a unique key; `behaviour` picks the store's answer. */
function uploadUrl(behaviour: 'accept' | 'slow' | 'hold' | 'expired' | 'slowdown') {
  const key = `browser-${crypto.randomUUID()}`;
  const url = `${origin}/_storage/uploads/${key}?X-Amz-Date=20260430T110000Z&X-Amz-Expires=600&X-Amz-Signature=${'cd'.repeat(32)}&behaviour=${behaviour}`;
  return { key, url };
}

async function storedPuts(key: string): Promise<StoredPut[]> {
  const response = await fetch(`${origin}/_state/${key}`);
  return (await response.json()) as StoredPut[];
}

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
  return bytes;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('uploadToPresignedUrl (browser XHR engine)', () => {
  it('PUTs a File with real upload progress and returns the ETag and the media hash', async () => {
    const bytes = pattern(8 * MIB);
    const file = new File([bytes as BlobPart], 'song.flac', { type: 'audio/flac' });
    const { key, url } = uploadUrl('slow');
    const progress: UploadProgress[] = [];
    const result = await uploadToPresignedUrl(url, file, {
      hash: true,
      onProgress: (p) => progress.push(p),
    });
    const expectedHash = await sha256Hex(bytes);
    expect(result.sizeBytes).toBe(bytes.length);
    expect(result.mediaHash).toBe(expectedHash);
    expect(result.etag).toMatch(/^"[0-9a-f]{32}"$/);
    // Events from xhr.upload.onprogress while the store reads at 16 MiB/s, then the final one.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.some((p) => p.bytes > 0 && p.bytes < p.total)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ bytes: bytes.length, total: bytes.length });
    const [put] = await storedPuts(key);
    expect(put).toMatchObject({
      bytesReceived: bytes.length,
      sha256: expectedHash,
      contentType: 'audio/flac',
      complete: true,
    });
  });

  it('uploads bytes', async () => {
    const bytes = pattern(100_000);
    const { key, url } = uploadUrl('accept');
    const result = await uploadToPresignedUrl(url, bytes, { contentType: 'audio/wav' });
    expect(result.sizeBytes).toBe(100_000);
    const [put] = await storedPuts(key);
    expect(put).toMatchObject({ sha256: await sha256Hex(bytes), contentType: 'audio/wav' });
  });

  it('aborts the XHR mid-upload: AtsAbortError, and the store sees the connection close', async () => {
    const { key, url } = uploadUrl('slow');
    const controller = new AbortController();
    const error = await caught(
      uploadToPresignedUrl(url, new Blob([pattern(32 * MIB) as BlobPart]), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes > 0) controller.abort();
        },
      }),
    );
    expect(AtsAbortError.is(error)).toBe(true);
    await vi.waitFor(
      async () => {
        const [put] = await storedPuts(key);
        expect(put).toMatchObject({ closedByClient: true, complete: false });
      },
      { timeout: 5_000, interval: 50 },
    );
  });

  it('reports an expired URL as upload_expired', async () => {
    const error = await caught(uploadToPresignedUrl(uploadUrl('expired').url, pattern(1000)));
    expect(AtsUploadError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'upload_expired', status: 403, s3Code: 'AccessDenied' });
  });

  it('retries 503 SlowDown and ends with upload_failed when it persists', async () => {
    const sleeps: number[] = [];
    const { key, url } = uploadUrl('slowdown');
    const error = await caught(
      uploadToPresignedUrl(url, pattern(1000), {
        maxRetries: 2,
        random: () => 0.5,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      }),
    );
    expect(error).toMatchObject({ code: 'upload_failed', status: 503, s3Code: 'SlowDown' });
    expect(sleeps).toEqual([250, 500]);
    expect(await storedPuts(key)).toHaveLength(3);
  });

  it('refuses a file path: browsers upload Files, Blobs or bytes', async () => {
    const error = await caught(uploadToPresignedUrl(uploadUrl('accept').url, './song.wav'));
    expect(AtsValidationError.is(error)).toBe(true);
    expect(String(error)).toContain('File');
  });
});
