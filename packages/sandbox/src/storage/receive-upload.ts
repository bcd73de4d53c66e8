import { close, open, writev } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { type Md5Stream, openMd5Stream } from './md5-worker';

/** How a streamed upload ended. */
export type UploadOutcome =
  | { kind: 'complete'; sizeBytes: number; md5Hex: string }
  | { kind: 'too_large'; receivedBytes: number }
  | { kind: 'injected_failure' }
  | { kind: 'aborted' }
  /** The disk write or the hashing failed (not the client's doing). */
  | { kind: 'storage_error'; error: Error };

/** Options of `receiveUpload`. */
export interface ReceiveUploadOptions {
  /** Stop reading as soon as the body goes past this many bytes. */
  maxBytes: number;
  /** Fail (`injected_failure`) once this many bytes were read (fault injection). */
  failAfterBytes?: number | null;
  /** Stop reading for this long after the first chunk (fault injection), wall ms. */
  stallMs?: number;
}

// The body is copied into 1 MiB shared slabs. Each full slab is hashed on the MD5 thread, then
// written to disk (libuv pool), so that hashing, writing and reading the socket overlap. Shared
// slabs stay put; slabs transferred back and forth measured more garbage collection (each one
// handed back is a new 1 MiB external allocation for V8). Reading pauses while SLABS_IN_FLIGHT
// slabs are busy, which bounds the memory of an upload to about (SLABS_IN_FLIGHT + 1) MiB; 16
// rather than 8 measured steadier on a loaded machine, where the MD5 thread waits for a core.
const SLAB_BYTES = 1024 * 1024;
const SLABS_IN_FLIGHT = 16;

// Slabs are reused across uploads, up to IDLE_SLABS_KEPT idle ones. Besides saving allocations,
// this bounds memory: the hashing thread holds its own handle on every slab it was sent and
// rarely collects garbage (it allocates almost nothing), so fresh slabs per upload pile up
// (measured: 16 concurrent 1 MiB uploads, 300 in all, took the RSS to 340 MB instead of 170).
const IDLE_SLABS_KEPT = 16;
const idleSlabs: SharedArrayBuffer[] = [];

function takeSlab(): { shared: SharedArrayBuffer; bytes: Buffer } {
  const shared = idleSlabs.pop() ?? new SharedArrayBuffer(SLAB_BYTES);
  return { shared, bytes: Buffer.from(shared) };
}

function returnSlab(slab: SharedArrayBuffer): void {
  if (idleSlabs.length < IDLE_SLABS_KEPT) idleSlabs.push(slab);
}

/** Bytes of a slab waiting for the disk. */
interface QueuedPart {
  slab: SharedArrayBuffer;
  offset: number;
  length: number;
}

/**
 * Streams a request body into `tempPath`, computing its MD5 on the way, never holding it whole.
 * Reading stops as soon as the size limit is passed; an aborted or failed upload deletes nothing
 * itself (the caller removes the temp file) and stores nothing. The promise settles once the file
 * is closed (no write is pending then).
 *
 * @example
 * const outcome = await receiveUpload(incoming, store.tempPath(), { maxBytes: 500_000_000 });
 */
export function receiveUpload(
  incoming: IncomingMessage,
  tempPath: string,
  options: ReceiveUploadOptions,
): Promise<UploadOutcome> {
  return new Promise((resolve) => streamToFile(incoming, tempPath, options, resolve));
}

function streamToFile(
  incoming: IncomingMessage,
  tempPath: string,
  options: ReceiveUploadOptions,
  resolve: (outcome: UploadOutcome) => void,
): void {
  const failAfterBytes = options.failAfterBytes ?? null;
  /** The slab being filled, and a view of it. */
  let current: ReturnType<typeof takeSlab> | null = null;
  let filled = 0;
  let size = 0;
  let slabsBusy = 0;
  const queued: QueuedPart[] = [];
  /** The temp file, once open (the body is read meanwhile: the first write waits for it). */
  let fd: number | null = null;
  let opening = true;
  let openError: Error | null = null;
  let writing = false;
  let ended = false;
  let settled = false;
  let stallTimer: NodeJS.Timeout | null = null;
  let stallDone = !(options.stallMs && options.stallMs > 0);
  /** The outcome to answer once the file is closed. */
  let closing: UploadOutcome | null = null;
  let digesting = false;
  const md5: Md5Stream = openMd5Stream((error) => {
    if (!digesting) {
      fail({ kind: 'storage_error', error });
      return;
    }
    digesting = false;
    closing = { kind: 'storage_error', error };
    closeWhenIdle();
  });

  const detach = () => {
    incoming.off('data', onData);
    incoming.off('end', onEnd);
    incoming.off('aborted', onAbort);
    incoming.off('error', onAbort);
    incoming.off('close', onClose);
  };

  // Closes the file once no write is pending (closing earlier could let a write land in a file
  // descriptor number reused meanwhile), then answers.
  const closeWhenIdle = () => {
    if (closing === null || writing || opening) return;
    const outcome = closing;
    closing = null;
    if (fd !== null) close(fd, () => resolve(outcome));
    else if (outcome.kind === 'complete' && openError)
      resolve({ kind: 'storage_error', error: openError });
    else resolve(outcome);
  };

  const fail = (outcome: Exclude<UploadOutcome, { kind: 'complete' }>) => {
    if (settled) return;
    settled = true;
    detach();
    // The slab being filled is free again; those in flight are dropped (the thread may hold them).
    if (current) returnSlab(current.shared);
    current = null;
    incoming.pause();
    if (stallTimer) clearTimeout(stallTimer);
    md5.cancel();
    closing = outcome;
    closeWhenIdle();
  };

  const flowIfPossible = () => {
    if (!settled && !ended && stallDone && slabsBusy < SLABS_IN_FLIGHT) incoming.resume();
  };

  const release = (slab: SharedArrayBuffer) => {
    slabsBusy--;
    returnSlab(slab);
    if (ended) completeWhenIdle();
    else flowIfPossible();
  };

  // One write at a time, at the file's current position, so the file grows in order; slabs
  // hashed meanwhile go together in the next writev.
  const writeQueued = () => {
    if (fd === null || writing || settled || queued.length === 0) return;
    const batch = queued.splice(0, queued.length);
    const views = batch.map((part) => new Uint8Array(part.slab, part.offset, part.length));
    writing = true;
    writev(fd, views, (error, written) => {
      writing = false;
      if (settled) {
        closeWhenIdle();
        return;
      }
      if (error) {
        fail({ kind: 'storage_error', error });
        return;
      }
      // A file may take fewer bytes than offered (rare): what is left goes first in the next write.
      let left = written;
      const unwritten: QueuedPart[] = [];
      for (const part of batch) {
        if (left >= part.length) {
          left -= part.length;
          release(part.slab);
        } else {
          unwritten.push({
            slab: part.slab,
            offset: part.offset + left,
            length: part.length - left,
          });
          left = 0;
        }
      }
      queued.unshift(...unwritten);
      writeQueued();
    });
  };

  // Hash first (MD5 is the slowest step: it gets the bytes as soon as possible), then write; the
  // thread answers in order, so the writes stay in order.
  const dispatch = (slab: SharedArrayBuffer, length: number) => {
    slabsBusy++;
    md5.update(slab, length, () => {
      if (settled) return;
      queued.push({ slab, offset: 0, length });
      writeQueued();
    });
    if (slabsBusy >= SLABS_IN_FLIGHT) incoming.pause();
  };

  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > options.maxBytes) {
      fail({ kind: 'too_large', receivedBytes: size });
      return;
    }
    if (failAfterBytes !== null && size >= failAfterBytes) {
      fail({ kind: 'injected_failure' });
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      current ??= takeSlab();
      const copied = chunk.copy(current.bytes, filled, offset);
      offset += copied;
      filled += copied;
      if (filled === SLAB_BYTES) {
        dispatch(current.shared, filled);
        current = null;
        filled = 0;
      }
    }
    if (!stallDone && stallTimer === null) {
      incoming.pause();
      stallTimer = setTimeout(() => {
        stallDone = true;
        if (ended) completeWhenIdle();
        else flowIfPossible();
      }, options.stallMs);
    }
  };

  const completeWhenIdle = () => {
    // A small body can be read whole, its end queued, before the injected stall begins: the
    // answer still waits for the stall to be over.
    if (settled || slabsBusy > 0 || !stallDone) return;
    settled = true;
    detach();
    digesting = true;
    md5.digest((md5Hex) => {
      digesting = false;
      closing = { kind: 'complete', sizeBytes: size, md5Hex };
      closeWhenIdle();
    });
  };

  const onEnd = () => {
    ended = true;
    if (current && filled > 0) dispatch(current.shared, filled);
    current = null;
    completeWhenIdle();
  };
  const onAbort = () => fail({ kind: 'aborted' });
  const onClose = () => {
    if (!incoming.complete) fail({ kind: 'aborted' });
  };

  // Listen before anything asynchronous: a client that leaves early must not go unnoticed.
  incoming.on('data', onData);
  incoming.on('end', onEnd);
  incoming.on('aborted', onAbort);
  incoming.on('error', onAbort);
  incoming.on('close', onClose);
  open(tempPath, 'w', (error, opened) => {
    opening = false;
    if (error) {
      // Settled already (an empty body, or a failure): the answer waited for this.
      openError = error;
      if (settled) closeWhenIdle();
      else fail({ kind: 'storage_error', error });
      return;
    }
    fd = opened;
    if (settled) closeWhenIdle();
    else writeQueued();
  });
  if (incoming.destroyed && !incoming.complete) fail({ kind: 'aborted' });
  else incoming.resume();
}
