import { describe, expect, it } from 'vitest';
import { sha256 } from '#sha256';
import { AtsAbortError, AtsValidationError } from '../errors';
import { toHex } from '../hex';
import { hashMedia } from './hash-media';
import type { MediaInput } from './media-chunks';

/** n bytes where byte i is i % 251, as in the commitment vectors. */
function pattern251(n: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

function webStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** A byte stream (type 'bytes'), which hashMedia reads with a BYOB reader into a reused buffer. */
function byteStream(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const end = Math.min(offset + chunkSize, bytes.length);
      controller.enqueue(bytes.slice(offset, end));
      offset = end;
    },
  });
}

async function* asyncChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** A source that delivers `first` and then never sends anything more, like a stalled download. */
function stalledStream(first: Uint8Array): {
  stream: ReadableStream<Uint8Array>;
  cancelled: Promise<unknown>;
} {
  let onCancel: (reason: unknown) => void = () => {};
  const cancelled = new Promise((resolve) => {
    onCancel = resolve;
  });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first);
    },
    cancel(reason) {
      onCancel(reason);
    },
  });
  return { stream, cancelled };
}

const MEDIA = pattern251(3 * 1024 * 1024 + 7);
const EXPECTED = { mediaHash: toHex(sha256(MEDIA)), sizeBytes: MEDIA.length };

describe('hashMedia', () => {
  const kinds: [string, () => MediaInput][] = [
    ['a Uint8Array', () => MEDIA],
    ['an ArrayBuffer', () => MEDIA.slice().buffer],
    [
      'a Uint8Array view into a larger buffer',
      () => {
        const padded = new Uint8Array(MEDIA.length + 10);
        padded.set(MEDIA, 5);
        return padded.subarray(5, 5 + MEDIA.length);
      },
    ],
    ['a Blob', () => new Blob([MEDIA.slice(0, 1000), MEDIA.slice(1000)])],
    ['a ReadableStream', () => webStream(chunked(MEDIA, 100_000))],
    ['a byte ReadableStream (BYOB reads)', () => byteStream(MEDIA, 1_000_003)],
    ['a byte ReadableStream of small chunks', () => byteStream(MEDIA, 65_536)],
    ['an async iterable', () => asyncChunks(chunked(MEDIA, 65_536))],
    ['an async iterable of odd-sized chunks', () => asyncChunks(chunked(MEDIA, 4_093))],
  ];

  it.each(kinds)('hashes %s to SHA-256 hex with its size', async (_, media) => {
    await expect(hashMedia(media())).resolves.toEqual(EXPECTED);
  });

  it('gives lowercase hex without 0x', async () => {
    const { mediaHash } = await hashMedia(new TextEncoder().encode('abc'));
    expect(mediaHash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes empty media (whether empty media is allowed is the caller’s rule)', async () => {
    await expect(hashMedia(new Uint8Array())).resolves.toEqual({
      mediaHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      sizeBytes: 0,
    });
  });

  it('reports progress with the total when it is known (bytes, Blob)', async () => {
    const seen: { bytes: number; total?: number }[] = [];
    await hashMedia(new Blob([MEDIA]), { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ bytes: MEDIA.length, total: MEDIA.length });
    const counts = seen.map((p) => p.bytes);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
  });

  it('reports progress without a total for streams', async () => {
    const seen: { bytes: number; total?: number }[] = [];
    await hashMedia(asyncChunks(chunked(MEDIA, 1_048_576)), { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { bytes: 1_048_576 },
      { bytes: 2_097_152 },
      { bytes: 3_145_728 },
      { bytes: MEDIA.length },
    ]);
  });

  it('throws AtsAbortError, not a failure, when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    const error = await hashMedia(MEDIA, { signal: controller.signal }).catch((e: unknown) => e);
    expect(AtsAbortError.is(error)).toBe(true);
    expect((error as AtsAbortError).code).toBe('aborted');
    expect((error as AtsAbortError).cause).toEqual(new Error('user left'));
  });

  it('stops between chunks when aborted during the hash', async () => {
    const controller = new AbortController();
    const media = asyncChunks(chunked(MEDIA, 65_536));
    const error = await hashMedia(media, {
      signal: controller.signal,
      onProgress: ({ bytes }) => {
        if (bytes >= 131_072) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(AtsAbortError.is(error)).toBe(true);
  });

  it('aborts a read that is stuck waiting and cancels the stream', async () => {
    const controller = new AbortController();
    const { stream, cancelled } = stalledStream(new Uint8Array(10));
    const hashing = hashMedia(stream, {
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('stop')),
    });
    await expect(hashing).rejects.toSatisfy((e) => AtsAbortError.is(e));
    await expect(cancelled).resolves.toEqual(new Error('stop'));
  });

  it('passes a failing source’s own error through, distinct from an abort', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(3);
      throw new Error('disk unplugged');
    }
    const error = await hashMedia(failing()).catch((e: unknown) => e);
    expect(error).toEqual(new Error('disk unplugged'));
    expect(AtsAbortError.is(error)).toBe(false);
  });

  it('reports a source that failed because of the abort as an abort', async () => {
    const controller = new AbortController();
    async function* abortable(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(3);
      controller.abort();
      throw new DOMException('The operation was aborted.', 'AbortError');
    }
    const error = await hashMedia(abortable(), { signal: controller.signal }).catch((e) => e);
    expect(AtsAbortError.is(error)).toBe(true);
  });

  it('refuses media it cannot read, naming the accepted kinds', async () => {
    const error = await hashMedia('song.mp3' as unknown as MediaInput).catch((e: unknown) => e);
    expect(AtsValidationError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /media: must be bytes .* got a string; to hash a file by path in Node, pass fs\.createReadStream\(path\)/,
    );
    await expect(hashMedia(42 as unknown as MediaInput)).rejects.toThrow(/got number/);
  });

  it('refuses text chunks (a stream with an encoding set)', async () => {
    const text = (async function* () {
      yield 'not bytes';
    })() as unknown as AsyncIterable<Uint8Array>;
    await expect(hashMedia(text)).rejects.toThrow(
      /stream chunks must be bytes \(Uint8Array\), got a string/,
    );
  });
});
