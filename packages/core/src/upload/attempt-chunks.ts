// The bytes of one upload attempt as the Node engine (engine.node.ts, its only user) takes them.
// A file is read into a few reused buffers, ahead of the socket, instead of a fresh buffer per
// chunk: fresh buffers cost page faults and GC work on every chunk (about half of what the
// engine's hot path spent beyond `curl -T` on a 500 MB upload; larger chunks saved the rest).
import { close, open, read } from 'node:fs';

/**
 * One attempt's bytes, in order. A chunk's memory stays untouched until `release()` has been
 * called for it; chunks are released in the order they were handed out (socket writes complete
 * in order).
 */
export interface AttemptChunks {
  /** The next chunk, or `undefined` after the last one. Rejects when the source cannot be read. */
  next(): Promise<Uint8Array | undefined>;
  /** The oldest chunk not yet released is no longer needed: the socket has taken it. */
  release(): void;
}

/**
 * Reads a file for one attempt into `bufferCount` reused buffers of `chunkBytes`, one `fs.read`
 * at a time, ahead of the consumer while a buffer is free. Reads on past `sizeBytes` (one byte),
 * so that a file that grew since it was sized gives more than its size, as a stream would. When
 * `signal` fires, a pending `next()` rejects with its reason and the file is closed.
 *
 * @example
 * const chunks = readFileChunks('./song.wav', size, signal, 1024 * 1024, 4);
 * for (let c = await chunks.next(); c; c = await chunks.next()) socket.write(c, () => chunks.release());
 */
export function readFileChunks(
  path: string,
  sizeBytes: number,
  signal: AbortSignal,
  chunkBytes: number,
  bufferCount: number,
): AttemptChunks {
  return new FileChunkReader(path, sizeBytes, signal, chunkBytes, bufferCount);
}

class FileChunkReader implements AttemptChunks {
  readonly #sizeBytes: number;
  readonly #signal: AbortSignal;
  readonly #chunkBytes: number;
  readonly #buffers: Buffer[];
  // Where the read past the end lands: never a buffer the socket may still hold.
  readonly #probe = Buffer.allocUnsafe(1);
  #fd: number | undefined;
  #failure: unknown;
  #offset = 0;
  #reading = false;
  #atEnd = false;
  #closed = false;
  /** Chunks read and not yet handed out, oldest first. */
  readonly #filled: Uint8Array[] = [];
  /** Buffers neither being read, nor filled, nor handed out and unreleased. */
  #free: number;
  #nextBuffer = 0;
  #waiter:
    | { resolve(chunk: Uint8Array | undefined): void; reject(error: unknown): void }
    | undefined;

  constructor(
    path: string,
    sizeBytes: number,
    signal: AbortSignal,
    chunkBytes: number,
    bufferCount: number,
  ) {
    this.#sizeBytes = sizeBytes;
    this.#signal = signal;
    this.#chunkBytes = chunkBytes;
    // A small file needs one small buffer, not several full ones.
    const count = Math.max(1, Math.min(bufferCount, Math.ceil(sizeBytes / chunkBytes)));
    const bytes = Math.max(1, Math.min(chunkBytes, sizeBytes));
    this.#buffers = Array.from({ length: count }, () => Buffer.allocUnsafeSlow(bytes));
    this.#free = count;
    signal.addEventListener('abort', this.#onAbort, { once: true });
    open(path, 'r', (error, fd) => {
      if (error) return this.#fail(error);
      this.#fd = fd;
      if (this.#closed) return this.#closeFile();
      this.#readAhead();
    });
  }

  next(): Promise<Uint8Array | undefined> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#signal.aborted) return Promise.reject(this.#signal.reason);
    const chunk = this.#filled.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.#atEnd) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  release(): void {
    this.#free++;
    this.#readAhead();
  }

  #readAhead(): void {
    const fd = this.#fd;
    if (fd === undefined || this.#reading || this.#atEnd || this.#closed) return;
    const remaining = this.#sizeBytes - this.#offset;
    if (remaining > 0 && this.#free === 0) return;
    const target = remaining > 0 ? (this.#buffers[this.#nextBuffer] as Buffer) : this.#probe;
    const length = remaining > 0 ? Math.min(this.#chunkBytes, remaining) : 1;
    if (remaining > 0) {
      this.#free--;
      this.#nextBuffer = (this.#nextBuffer + 1) % this.#buffers.length;
    }
    this.#reading = true;
    read(fd, target, 0, length, this.#offset, (error, bytesRead) => {
      this.#reading = false;
      if (this.#closed) return this.#closeFile();
      if (error) return this.#fail(error);
      // The end, where expected or early (the file shrank): the pump compares the counts. A
      // byte past the size (the file grew) is handed out, and the pump refuses it.
      const probed = target === this.#probe;
      if (bytesRead === 0 || probed) {
        this.#atEnd = true;
        this.#closed = true;
        this.#closeFile();
        if (bytesRead > 0) this.#hand(target);
        return this.#hand(undefined);
      }
      this.#offset += bytesRead;
      this.#hand(bytesRead === target.byteLength ? target : target.subarray(0, bytesRead));
      this.#readAhead();
    });
  }

  #hand(chunk: Uint8Array | undefined): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(chunk);
    } else if (chunk) {
      this.#filled.push(chunk);
    }
  }

  #fail(error: unknown): void {
    this.#failure = error;
    this.#closed = true;
    this.#closeFile();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }

  readonly #onAbort = () => {
    this.#closed = true;
    if (!this.#reading) this.#closeFile();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#signal.reason);
  };

  /** Closes the file once no read uses it (a closed descriptor number may be reused at once). */
  #closeFile(): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    const fd = this.#fd;
    if (fd === undefined || this.#reading) return;
    this.#fd = undefined;
    close(fd, () => {});
  }
}

/**
 * Adapts chunks from an async iterable. When the source may reuse a chunk's memory once the next
 * one is asked for (`reusesMemory`: byte streams read into one buffer), the next chunk is only
 * asked for once the previous one was released; bytes already in memory flow freely.
 *
 * @example
 * const chunks = iteratedChunks(readMediaChunks(blob, signal), signal, true);
 */
export function iteratedChunks(
  source: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
  reusesMemory: boolean,
): AttemptChunks {
  const iterator = source[Symbol.asyncIterator]();
  let unreleased = 0;
  let onReleased: (() => void) | undefined;
  const released = () =>
    new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      onReleased = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    });
  return {
    async next() {
      if (reusesMemory && unreleased > 0) await released();
      const step = await iterator.next();
      if (step.done) return undefined;
      unreleased++;
      return step.value;
    },
    release() {
      unreleased--;
      if (unreleased > 0 || !onReleased) return;
      const resume = onReleased;
      onReleased = undefined;
      resume();
    },
  };
}
