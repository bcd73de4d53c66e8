// Node engine of `#upload-engine`: one streamed PUT through node:http(s) with Content-Length, the
// source read chunk by chunk (never whole) and hashed in the same pass.
import { stat } from 'node:fs/promises';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { AtsError, AtsUploadError, AtsValidationError } from '../errors';
import { createMediaHasher, type MediaHasher } from '../hashing';
import { readMediaChunks } from '../hashing/media-chunks';
import { type AttemptChunks, iteratedChunks, readFileChunks } from './attempt-chunks';
import type {
  ByteStream,
  PreparedUploadSource,
  PrepareUploadSource,
  SizedStream,
  StoreAnswer,
  UploadAttempt,
} from './types';

// Granularity of file reads and socket writes. On a 500 MB upload to a loopback sink, 1 MiB
// chunks took about a third less CPU time than 256 KiB ones (a quarter of the reads, writes,
// thread-pool round trips and callbacks); progress and stall detection stay fine-grained.
const CHUNK_BYTES = 1024 * 1024;
// Reused read buffers per file attempt: one in the socket, one ready, one being read, one spare.
const FILE_READ_BUFFERS = 4;
// The store's error documents are small; anything past this is not kept.
const MAX_ANSWER_BODY_BYTES = 16 * 1024;

/** Opens the source's bytes for one attempt. */
type OpenChunks = (signal: AbortSignal) => AttemptChunks;

/**
 * Checks and sizes an upload source for the Node engine: a file path (string or `file:` URL), a
 * `{ stream, size }`, bytes or a Blob. Files and Blobs are re-read for each attempt.
 *
 * @example
 * const prepared = await prepareUploadSource('./song.wav');
 * prepared.sizeBytes; // from fs.stat, before any byte is read
 */
export const prepareUploadSource: PrepareUploadSource = async (source) => {
  if (typeof source === 'string' || source instanceof URL) return prepareFile(source);
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
    return preparedSource(bytes.byteLength, undefined, (signal) =>
      iteratedChunks(sliceBytes(bytes), signal, false),
    );
  }
  if (isBlob(source)) {
    return preparedSource(source.size, source.type || undefined, (signal) =>
      iteratedChunks(readMediaChunks(source, signal), signal, true),
    );
  }
  if (isSizedStream(source)) return prepareSizedStream(source);
  throw unsupportedSource(source);
};

async function prepareFile(location: string | URL): Promise<PreparedUploadSource> {
  if (location instanceof URL && location.protocol !== 'file:') {
    throw invalidSource(
      'source',
      'invalid_value',
      'a URL source must be a file: URL (to upload bytes from the web, pass { stream, size })',
    );
  }
  const path = location instanceof URL ? fileURLToPath(location) : location;
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw invalidSource('source', 'invalid_value', `"${path}" is not a regular file`);
    sizeBytes = info.size;
  } catch (error) {
    if (AtsError.is(error)) throw error;
    const code = (error as { code?: unknown }).code;
    throw invalidSource(
      'source',
      'not_found',
      code === 'ENOENT'
        ? `no file at "${path}"; check the path`
        : `cannot read "${path}" (${String(code ?? error)})`,
      error,
    );
  }
  return preparedSource(sizeBytes, undefined, (signal) =>
    readFileChunks(path, sizeBytes, signal, CHUNK_BYTES, FILE_READ_BUFFERS),
  );
}

function prepareSizedStream(source: SizedStream): PreparedUploadSource {
  if (!Number.isSafeInteger(source.size) || source.size < 0) {
    throw invalidSource(
      'source.size',
      'invalid_value',
      'must be the exact byte length of the stream, a whole number ≥ 0',
    );
  }
  const { stream } = source;
  if (typeof stream === 'function') {
    return preparedSource(source.size, undefined, (signal) =>
      iteratedChunks(readMediaChunks(checkStream(stream()), signal), signal, true),
    );
  }
  checkStream(stream);
  let opened = false;
  return {
    ...preparedSource(source.size, undefined, (signal) => {
      opened = true;
      return iteratedChunks(readMediaChunks(stream, signal), signal, true);
    }),
    canRetry: () => !opened,
  };
}

function preparedSource(
  sizeBytes: number,
  contentType: string | undefined,
  open: OpenChunks,
): PreparedUploadSource {
  return {
    sizeBytes,
    contentType,
    canRetry: () => true,
    send: (attempt) => sendOnce(attempt, sizeBytes, open),
  };
}

async function* sliceBytes(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + CHUNK_BYTES);
  }
}

/**
 * One PUT. Resolves with the store's answer (any status); rejects on a network failure, a source
 * read failure or `attempt.signal` (the request and the source are then torn down at once).
 */
async function sendOnce(
  attempt: UploadAttempt,
  sizeBytes: number,
  open: OpenChunks,
): Promise<StoreAnswer> {
  // A fresh hasher per attempt: a retry re-reads the source from byte 0.
  const hasher = attempt.hash ? await createMediaHasher() : undefined;
  if (attempt.signal.aborted) throw attempt.signal.reason;
  const target = new URL(attempt.url);
  const client = target.protocol === 'https:' ? https : http;
  // Our own controller for the source, so a finished attempt also releases it.
  const sourceController = new AbortController();
  const chunks = open(sourceController.signal);

  return new Promise<StoreAnswer>((resolve, reject) => {
    let settled = false;
    let responded = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      attempt.signal.removeEventListener('abort', onAbort);
      if (!sourceController.signal.aborted) sourceController.abort();
      outcome();
    };

    const request = client.request(target, {
      method: 'PUT',
      headers: { 'content-length': String(sizeBytes), 'content-type': attempt.contentType },
    });
    const onAbort = () => {
      request.destroy();
      settle(() => reject(attempt.signal.reason));
    };
    attempt.signal.addEventListener('abort', onAbort, { once: true });
    // Kept for the request's whole life: a late socket error must not become an unhandled one.
    request.on('error', (error) => {
      if (!responded) settle(() => reject(error));
    });

    const pumped = pumpSource({
      request,
      chunks,
      sizeBytes,
      hasher,
      onBytesSent: attempt.onBytesSent,
      // Not on `responded`: a 2xx may arrive while the last write awaits 'drain', and the
      // request must still be ended. An early error answer destroys the request, which stops it.
      shouldStop: () => settled || request.destroyed,
    });
    const pumpSucceeded = pumped.then(
      () => true,
      (error: unknown) => {
        request.destroy();
        settle(() => reject(error));
        return false;
      },
    );

    request.on('response', (response: IncomingMessage) => {
      // The store may answer before taking the whole body (503 SlowDown partway, 403 at once):
      // stop sending and read its answer.
      responded = true;
      readAnswer(response).then(
        async (answer) => {
          if (answer.status >= 200 && answer.status < 300) {
            if (!(await pumpSucceeded)) return;
            if (hasher && hasher.sizeBytes === sizeBytes)
              answer.mediaHash = hasher.digest().mediaHash;
          } else {
            // The body was cut short, so this connection cannot carry another request.
            request.destroy();
          }
          settle(() => resolve(answer));
        },
        (error: unknown) => {
          request.destroy();
          settle(() => reject(error));
        },
      );
    });
  });
}

interface Pump {
  request: ClientRequest;
  chunks: AttemptChunks;
  sizeBytes: number;
  hasher: MediaHasher | undefined;
  onBytesSent(bytes: number): void;
  shouldStop(): boolean;
}

/**
 * Writes the source into the request with backpressure, hashing each chunk as it is sent. A
 * chunk is released to its source once the socket has taken it (its write callback), so read
 * buffers are reused only when no pending write still points at them.
 */
async function pumpSource(pump: Pump): Promise<void> {
  const { request, chunks, sizeBytes, hasher } = pump;
  let handed = 0;
  let accepted = 0;
  try {
    for (let chunk = await chunks.next(); chunk; chunk = await chunks.next()) {
      if (pump.shouldStop()) return;
      const length = chunk.byteLength;
      handed += length;
      if (handed > sizeBytes) throw sizeMismatch(`more than ${sizeBytes}`, sizeBytes);
      hasher?.update(chunk);
      const flowing = request.write(chunk, (error) => {
        chunks.release();
        if (error) return;
        accepted += length;
        pump.onBytesSent(accepted);
      });
      if (!flowing) await drained(request);
    }
  } catch (error) {
    if (pump.shouldStop()) return;
    if (AtsError.is(error)) throw error;
    throw new AtsUploadError(
      `Could not read the upload source (${describeReadError(error)}); the upload was not retried`,
      { code: 'upload_failed', retryable: false, cause: error },
    );
  }
  if (pump.shouldStop()) return;
  if (handed !== sizeBytes) throw sizeMismatch(String(handed), sizeBytes);
  request.end();
}

function drained(request: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done);
      request.off('close', done);
      resolve();
    };
    request.on('drain', done);
    request.on('close', done);
  });
}

function readAnswer(response: IncomingMessage): Promise<StoreAnswer> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    response.on('data', (chunk: Buffer) => {
      if (keptBytes >= MAX_ANSWER_BODY_BYTES) return;
      kept.push(chunk);
      keptBytes += chunk.byteLength;
    });
    response.on('error', reject);
    response.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      resolve({
        status: response.statusCode ?? 0,
        headers,
        body: Buffer.concat(kept).subarray(0, MAX_ANSWER_BODY_BYTES).toString('utf8'),
      });
    });
  });
}

function sizeMismatch(got: string, expected: number): AtsValidationError {
  return invalidSource(
    'source.size',
    'invalid_value',
    `the source gave ${got} bytes but its size is ${expected}; pass the exact byte length (and do not change the file while it uploads)`,
  );
}

function describeReadError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

function isSizedStream(value: unknown): value is SizedStream {
  return typeof value === 'object' && value !== null && 'stream' in value && 'size' in value;
}

function checkStream(stream: unknown): ByteStream {
  const isWeb = typeof (stream as ReadableStream | undefined)?.getReader === 'function';
  const isIterable =
    typeof (stream as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === 'function';
  if (isWeb || isIterable) return stream as ByteStream;
  throw invalidSource(
    'source.stream',
    'invalid_type',
    'must be a Node Readable, a web ReadableStream, or a function returning one',
  );
}

function unsupportedSource(source: unknown): AtsValidationError {
  const got = source === null ? 'null' : typeof source;
  return invalidSource(
    'source',
    'invalid_type',
    `got ${got}; pass a file path, a file: URL, { stream, size }, a Buffer/Uint8Array or a Blob`,
  );
}

function invalidSource(
  path: string,
  code: string,
  message: string,
  cause?: unknown,
): AtsValidationError {
  return new AtsValidationError('Invalid upload source', {
    issues: [{ path, code, message }],
    cause,
  });
}
