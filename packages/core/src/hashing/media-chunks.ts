// Reads every kind of media core accepts as a sequence of byte chunks, never the whole file.
import { AtsValidationError } from '../errors';
import { raceAbort, throwIfAborted } from './abort-signal';

/**
 * Media that core can hash: bytes in memory, a `Blob`/`File` (read in chunks, never whole), a web
 * `ReadableStream`, or any async iterable of byte chunks (Node `Readable` streams such as
 * `fs.createReadStream(path)` are async iterables).
 *
 * Named `MediaInput`, not `MediaSource`, so it does not shadow the DOM's `MediaSource` class.
 */
export type MediaInput =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

// Bytes already in memory are hashed in slices of this size, with a turn of the event loop
// between them, so an abort or a progress repaint can happen during a large hash.
const IN_MEMORY_SLICE_BYTES = 8 * 1024 * 1024;

// Size of the one buffer a byte stream is read into (see readWebStream).
const BYOB_BUFFER_BYTES = 4 * 1024 * 1024;

/** The total size when it is known before reading (bytes and Blobs), else `undefined`. */
export function knownMediaSize(media: MediaInput): number | undefined {
  if (isByteLike(media)) return media.byteLength;
  if (isBlobLike(media)) return media.size;
  return undefined;
}

/**
 * The media's bytes as chunks, in order. A chunk is only valid until the next one is requested:
 * byte streams are read into one reused buffer. Rejects with `AtsAbortError` as soon as `signal`
 * fires (also while a read is pending) and releases the source: a web stream is cancelled, a Node
 * stream destroyed, an async iterator returned.
 */
export async function* readMediaChunks(
  media: MediaInput,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (isByteLike(media)) {
    yield* sliceInMemory(toUint8Array(media));
  } else if (isBlobLike(media)) {
    // Reading a 256 MiB Blob in Chromium (bench/browser-bench.mjs): stream() with a BYOB reader
    // ~2.6-3.5 GB/s, with a default reader ~1-1.5 GB/s, slice().arrayBuffer() in 1 MiB steps
    // ~0.25 GB/s and in 16 MiB steps ~0.7 GB/s; large slices of big in-memory Blobs also failed
    // now and then with NotReadableError. So: stream(), read BYOB when the stream allows it.
    yield* readWebStream(media.stream() as ReadableStream<Uint8Array>, signal);
  } else if (isWebReadableStream(media)) {
    yield* readWebStream(media, signal);
  } else if (isAsyncIterable(media)) {
    yield* readAsyncIterable(media, signal);
  } else {
    throw new AtsValidationError('Cannot read the media', {
      issues: [{ path: 'media', code: 'invalid_type', message: describeUnsupportedMedia(media) }],
    });
  }
}

async function* sliceInMemory(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < bytes.length; offset += IN_MEMORY_SLICE_BYTES) {
    if (offset > 0) await yieldToEventLoop();
    yield bytes.subarray(offset, offset + IN_MEMORY_SLICE_BYTES);
  }
}

async function* readWebStream(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  const byob = tryByobReader(stream);
  const reader = byob ?? stream.getReader();
  // With a BYOB reader the stream fills one buffer that we hand back each time, instead of
  // allocating a new chunk per read: in Chromium, reading a Blob this way is about 3x faster.
  let buffer = new ArrayBuffer(byob ? BYOB_BUFFER_BYTES : 0);
  let finished = false;
  try {
    for (;;) {
      throwIfAborted(signal);
      const pending: Promise<ReadableStreamReadResult<Uint8Array>> = byob
        ? byob.read(new Uint8Array(buffer))
        : (reader as ReadableStreamDefaultReader<Uint8Array>).read();
      const { done, value } = await raceAbort(pending, signal);
      if (done) break;
      const chunk = toChunk(value);
      if (byob) buffer = chunk.buffer as ArrayBuffer;
      yield chunk;
    }
    finished = true;
  } finally {
    if (!finished) {
      // cancel() also settles a read still pending; its own outcome does not matter any more.
      reader.cancel(signal?.reason).catch(() => {});
    }
    try {
      reader.releaseLock();
    } catch {
      // Older engines refuse while a read is pending; the stream is cancelled either way.
    }
  }
}

/** A BYOB reader if the stream is a byte stream (Blob streams are, in Chromium), else undefined. */
function tryByobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return (stream as ReadableStream<Uint8Array<ArrayBuffer>>).getReader({ mode: 'byob' });
  } catch {
    return undefined; // not a byte stream: TypeError, and the stream is left unlocked
  }
}

async function* readAsyncIterable(
  source: AsyncIterable<unknown>,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      throwIfAborted(signal);
      const step = await raceAbort(iterator.next(), signal);
      if (step.done) break;
      yield toChunk(step.value);
    }
    finished = true;
  } finally {
    if (!finished) releaseIterable(source, iterator, signal);
  }
}

// Not awaited: an async generator queues return() behind a pending next(), which may never settle
// when the source has stalled. A Node stream is destroyed directly for the same reason.
function releaseIterable(
  source: AsyncIterable<unknown>,
  iterator: AsyncIterator<unknown>,
  signal: AbortSignal | undefined,
): void {
  const destroyable = source as { destroy?: (error?: Error) => void };
  if (typeof destroyable.destroy === 'function') {
    destroyable.destroy();
    return;
  }
  iterator.return?.(signal?.reason).catch(() => {});
}

function toChunk(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (isByteLike(value)) return toUint8Array(value);
  const got = typeof value === 'string' ? 'a string' : describeValue(value);
  throw new AtsValidationError('Cannot read the media', {
    issues: [
      {
        path: 'media',
        code: 'invalid_type',
        message: `stream chunks must be bytes (Uint8Array), got ${got}; do not set an encoding on the stream`,
      },
    ],
  });
}

function toUint8Array(bytes: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (ArrayBuffer.isView(bytes))
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Uint8Array(bytes);
}

function isByteLike(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return (
    ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === '[object ArrayBuffer]'
  );
}

// Duck-typed rather than `instanceof Blob`: Blobs from another realm (an iframe) or another Blob
// implementation (Node's `fs.openAsBlob`) must work too.
function isBlobLike(value: unknown): value is Blob {
  const blob = value as Partial<Blob> | null;
  return (
    typeof blob === 'object' &&
    blob !== null &&
    typeof blob.size === 'number' &&
    typeof blob.stream === 'function' &&
    typeof blob.slice === 'function'
  );
}

function isWebReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ReadableStream>).getReader === 'function'
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

function describeUnsupportedMedia(media: unknown): string {
  const expected =
    'must be bytes (Uint8Array or ArrayBuffer), a Blob or File, a ReadableStream, or an async iterable of Uint8Array chunks';
  if (typeof media === 'string') {
    return `${expected}, got a string; to hash a file by path in Node, pass fs.createReadStream(path)`;
  }
  return `${expected}, got ${describeValue(media)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
}

// A macrotask turn (not a microtask) so abort events and timers can run in between.
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') {
    return new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
