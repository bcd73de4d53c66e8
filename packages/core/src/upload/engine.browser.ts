// Browser engine of `#upload-engine`: one XMLHttpRequest PUT of a Blob, the only browser API that
// reports real upload progress (fetch has none). The hash is computed alongside, from the Blob.
import { AtsValidationError } from '../errors';
import { createMediaHasher } from '../hashing';
import { readMediaChunks } from '../hashing/media-chunks';
import type {
  PreparedUploadSource,
  PrepareUploadSource,
  StoreAnswer,
  UploadAttempt,
} from './types';

// The store's error documents are small; anything past this is not kept.
const MAX_ANSWER_BODY_CHARS = 16 * 1024;

/**
 * Checks and sizes an upload source for browsers: a `Blob`/`File`, or bytes (wrapped in a Blob).
 * File paths and streams are refused: XHR needs the whole body as a Blob to report progress.
 *
 * @example
 * const prepared = await prepareUploadSource(input.files[0]);
 * prepared.sizeBytes; // file.size
 */
export const prepareUploadSource: PrepareUploadSource = async (source) => {
  let blob: Blob;
  if (source instanceof Blob) blob = source;
  else if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    blob = new Blob([source as BlobPart]);
  } else {
    const got =
      typeof source === 'string' || source instanceof URL ? 'a path or URL' : typeof source;
    throw new AtsValidationError('Invalid upload source', {
      issues: [
        {
          path: 'source',
          code: 'invalid_type',
          message: `got ${got}; in a browser pass a File, a Blob or bytes (file paths and streams work in Node only)`,
        },
      ],
    });
  }
  return prepareBlob(blob);
};

function prepareBlob(blob: Blob): PreparedUploadSource {
  // The hash does not depend on the attempt: computed once, during the first attempt.
  let hashing: Promise<string> | undefined;
  return {
    sizeBytes: blob.size,
    contentType: blob.type || undefined,
    canRetry: () => true,
    async send(attempt) {
      if (attempt.hash && !hashing) {
        hashing = hashBlob(blob);
        // Observed here so a failed upload does not leave an unhandled rejection behind.
        hashing.catch(() => {});
      }
      const answer = await putWithXhr(attempt, blob);
      // Awaited by the caller, outside the stall watch: hashing makes no upload progress.
      if (hashing && answer.status >= 200 && answer.status < 300) answer.mediaHash = hashing;
      return answer;
    },
  };
}

async function hashBlob(blob: Blob): Promise<string> {
  const hasher = await createMediaHasher();
  for await (const chunk of readMediaChunks(blob)) hasher.update(chunk);
  return hasher.digest().mediaHash;
}

function putWithXhr(attempt: UploadAttempt, blob: Blob): Promise<StoreAnswer> {
  return new Promise<StoreAnswer>((resolve, reject) => {
    if (attempt.signal.aborted) {
      reject(attempt.signal.reason);
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => attempt.signal.removeEventListener('abort', onAbort);
    attempt.signal.addEventListener('abort', onAbort, { once: true });

    xhr.open('PUT', attempt.url);
    xhr.setRequestHeader('Content-Type', attempt.contentType);
    xhr.upload.onprogress = (event) => attempt.onBytesSent(event.loaded);
    xhr.onload = () => {
      done();
      resolve({
        status: xhr.status,
        headers: parseResponseHeaders(xhr.getAllResponseHeaders()),
        body: String(xhr.responseText ?? '').slice(0, MAX_ANSWER_BODY_CHARS),
      });
    };
    // XHR hides the cause of a network error (CORS, DNS, reset) from scripts.
    xhr.onerror = () => {
      done();
      reject(new TypeError('Network error during the upload (or a CORS refusal)'));
    };
    xhr.onabort = () => {
      done();
      reject(attempt.signal.reason ?? new DOMException('Aborted', 'AbortError'));
    };
    xhr.send(blob);
  });
}

function parseResponseHeaders(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}
