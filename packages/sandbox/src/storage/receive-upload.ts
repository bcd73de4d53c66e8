import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';

/** How a streamed upload ended. */
export type UploadOutcome =
  | { kind: 'complete'; sizeBytes: number; md5Hex: string }
  | { kind: 'too_large'; receivedBytes: number }
  | { kind: 'injected_failure' }
  | { kind: 'aborted' };

/** Options of `receiveUpload`. */
export interface ReceiveUploadOptions {
  /** Stop reading as soon as the body goes past this many bytes. */
  maxBytes: number;
  /** Fail (`injected_failure`) once this many bytes were read (fault injection). */
  failAfterBytes?: number | null;
  /** Stop reading for this long after the first chunk (fault injection), wall ms. */
  stallMs?: number;
}

/**
 * Streams a request body into `tempPath`, computing its MD5 on the way, never holding it whole.
 * Reading stops as soon as the size limit is passed; an aborted or failed upload deletes nothing
 * itself (the caller removes the temp file) and stores nothing.
 *
 * @example
 * const outcome = await receiveUpload(incoming, store.tempPath(), { maxBytes: 500_000_000 });
 */
export function receiveUpload(
  incoming: IncomingMessage,
  tempPath: string,
  options: ReceiveUploadOptions,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const file = createWriteStream(tempPath);
    const md5 = createHash('md5');
    let size = 0;
    let settled = false;
    let stalled = false;

    const finish = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('aborted', onAbort);
      incoming.off('error', onAbort);
      incoming.off('close', onClose);
      if (outcome.kind === 'complete') {
        resolve(outcome);
      } else {
        incoming.pause();
        file.destroy();
        resolve(outcome);
      }
    };

    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxBytes) {
        finish({ kind: 'too_large', receivedBytes: size });
        return;
      }
      if (
        options.failAfterBytes !== null &&
        options.failAfterBytes !== undefined &&
        size >= options.failAfterBytes
      ) {
        finish({ kind: 'injected_failure' });
        return;
      }
      md5.update(chunk);
      const ok = file.write(chunk);
      if (!stalled && options.stallMs && options.stallMs > 0) {
        stalled = true;
        incoming.pause();
        setTimeout(() => {
          if (!settled) incoming.resume();
        }, options.stallMs);
        return;
      }
      if (!ok) {
        incoming.pause();
        file.once('drain', () => {
          if (!settled) incoming.resume();
        });
      }
    };
    const onEnd = () => {
      file.end(() => {
        if (settled) return;
        settled = true;
        incoming.off('aborted', onAbort);
        incoming.off('error', onAbort);
        incoming.off('close', onClose);
        resolve({ kind: 'complete', sizeBytes: size, md5Hex: md5.digest('hex') });
      });
    };
    const onAbort = () => finish({ kind: 'aborted' });
    const onClose = () => {
      if (!incoming.complete) finish({ kind: 'aborted' });
    };
    file.on('error', () => finish({ kind: 'aborted' }));

    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('aborted', onAbort);
    incoming.on('error', onAbort);
    incoming.on('close', onClose);
    incoming.resume();
  });
}
