// Test fixture (not shipped): a loopback stand-in for the presigned object store of api.md §5.2,
// with scriptable failures. Used by the Node upload tests and, through a vitest globalSetup, by
// the browser ones (which pick a behaviour with the `behaviour` query parameter).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the store answers one PUT. */
export type StoreBehaviour =
  /** Reads the whole body, answers 200 with `ETag: "<md5>"`; optionally reads slowly. */
  | { kind: 'accept'; bytesPerSecond?: number }
  /** Answers `status` with an S3 XML error after reading `afterBytes` (0: before reading). */
  | {
      kind: 'fail';
      status: number;
      code: string;
      message?: string;
      afterBytes?: number;
      retryAfterSeconds?: number;
    }
  /** The presigned URL has expired: 403 AccessDenied, before reading the body. */
  | { kind: 'expired' }
  /**
   * Reads `afterBytes`, then stops reading and never answers. The paused socket also hides the
   * client's close from the store, so `closedByClient` stays false here.
   */
  | { kind: 'stall'; afterBytes: number }
  /** Reads the whole body and never answers. */
  | { kind: 'hold' };

/** What the store saw of one PUT. */
export interface RecordedPut {
  key: string;
  contentType: string | undefined;
  contentLength: number | undefined;
  bytesReceived: number;
  /** SHA-256 hex of the bytes received. */
  sha256: string;
  /** The whole body arrived. */
  complete: boolean;
  /** The client closed the connection before the store answered. */
  closedByClient: boolean;
}

export interface FakePresignedStore {
  origin: string;
  /** An upload URL shaped like the sandbox's (the client treats it as opaque). */
  uploadUrl(key?: string, behaviour?: keyof typeof NAMED_BEHAVIOURS): string;
  /** Behaviours for the next PUTs, in order; then `accept`. */
  script(...behaviours: StoreBehaviour[]): void;
  puts: RecordedPut[];
  /** Resolves once `count` PUTs were closed by the client before an answer. */
  clientClosures(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Behaviours a URL can ask for with `?behaviour=<name>` (the browser tests cannot call `script`). */
export const NAMED_BEHAVIOURS: Record<string, StoreBehaviour> = {
  accept: { kind: 'accept' },
  slow: { kind: 'accept', bytesPerSecond: 16 * 1024 * 1024 },
  hold: { kind: 'hold' },
  expired: { kind: 'expired' },
  slowdown: {
    kind: 'fail',
    status: 503,
    code: 'SlowDown',
    message: 'Please reduce your request rate.',
  },
};

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'PUT, GET, OPTIONS',
  'access-control-allow-headers': 'Content-Type',
  'access-control-expose-headers': 'ETag',
};

/**
 * Starts the fake store on 127.0.0.1 with an OS-chosen port.
 *
 * @example
 * const store = await startFakePresignedStore();
 * store.script({ kind: 'fail', status: 503, code: 'SlowDown', afterBytes: 1024 });
 * await uploadToPresignedUrl(store.uploadUrl(), bytes);
 */
export async function startFakePresignedStore(): Promise<FakePresignedStore> {
  const queue: StoreBehaviour[] = [];
  const puts: RecordedPut[] = [];
  const closureWaiters: { count: number; resolve: () => void }[] = [];
  let requestCounter = 0;

  const notifyClosures = () => {
    const closed = puts.filter((put) => put.closedByClient).length;
    for (const waiter of [...closureWaiters]) {
      if (closed >= waiter.count) {
        closureWaiters.splice(closureWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://store.invalid');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/_state/')) {
      const key = decodeURIComponent(url.pathname.slice('/_state/'.length));
      res.writeHead(200, { ...CORS_HEADERS, 'content-type': 'application/json' });
      res.end(JSON.stringify(puts.filter((put) => put.key === key)));
      return;
    }
    if (req.method !== 'PUT' || !url.pathname.startsWith('/_storage/uploads/')) {
      res.writeHead(404, CORS_HEADERS).end();
      return;
    }
    const named = url.searchParams.get('behaviour');
    const behaviour: StoreBehaviour = (named ? NAMED_BEHAVIOURS[named] : undefined) ??
      queue.shift() ?? { kind: 'accept' };
    handlePut(
      req,
      res,
      decodeURIComponent(url.pathname.slice('/_storage/uploads/'.length)),
      behaviour,
    );
  });

  function handlePut(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    behaviour: StoreBehaviour,
  ) {
    requestCounter += 1;
    const requestId = `REQ${String(requestCounter).padStart(6, '0')}`;
    const length = req.headers['content-length'];
    const put: RecordedPut = {
      key,
      contentType: req.headers['content-type'],
      contentLength: length === undefined ? undefined : Number(length),
      bytesReceived: 0,
      sha256: '',
      complete: false,
      closedByClient: false,
    };
    puts.push(put);
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    let answered = false;
    const answer = (status: number, headers: Record<string, string>, body = '') => {
      if (answered) return;
      answered = true;
      res.writeHead(status, { ...CORS_HEADERS, ...headers });
      res.end(body);
    };
    const retryAfter: Record<string, string> =
      behaviour.kind === 'fail' && behaviour.retryAfterSeconds !== undefined
        ? { 'retry-after': String(behaviour.retryAfterSeconds) }
        : {};
    const answerError = (status: number, code: string, message: string, extra = '') =>
      answer(
        status,
        { 'content-type': 'application/xml', ...retryAfter },
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`,
      );
    // The response closes without having been sent only when the client went away.
    res.on('close', () => {
      if (!answered && !put.closedByClient) {
        put.closedByClient = true;
        notifyClosures();
      }
    });

    if (behaviour.kind === 'expired') {
      answerError(403, 'AccessDenied', 'Request has expired', '<X-Amz-Expires>600</X-Amz-Expires>');
      req.resume();
      return;
    }
    if (behaviour.kind === 'fail' && !behaviour.afterBytes) {
      answerError(behaviour.status, behaviour.code, behaviour.message ?? behaviour.code);
      req.resume();
      return;
    }

    const startedAt = Date.now();
    req.on('data', (chunk: Buffer) => {
      put.bytesReceived += chunk.byteLength;
      sha.update(chunk);
      md5.update(chunk);
      if (behaviour.kind === 'fail' && put.bytesReceived >= (behaviour.afterBytes ?? 0)) {
        answerError(behaviour.status, behaviour.code, behaviour.message ?? behaviour.code);
      } else if (behaviour.kind === 'stall' && put.bytesReceived >= behaviour.afterBytes) {
        req.pause();
      } else if (behaviour.kind === 'accept' && behaviour.bytesPerSecond) {
        // Read no faster than the given pace, to make progress observable on loopback.
        const due = startedAt + (put.bytesReceived / behaviour.bytesPerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 0) {
          req.pause();
          setTimeout(() => req.resume(), wait);
        }
      }
    });
    req.on('end', () => {
      put.complete = true;
      put.sha256 = sha.digest('hex');
      if (behaviour.kind === 'accept') answer(200, { etag: `"${md5.digest('hex')}"` });
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let keyCounter = 0;

  return {
    origin,
    uploadUrl(key = `job-${++keyCounter}`, behaviour) {
      const query = `X-Amz-Date=20260430T110000Z&X-Amz-Expires=600&X-Amz-Signature=${'ab'.repeat(32)}`;
      return `${origin}/_storage/uploads/${encodeURIComponent(key)}?${query}${behaviour ? `&behaviour=${behaviour}` : ''}`;
    },
    script: (...behaviours) => queue.push(...behaviours),
    puts,
    clientClosures(count) {
      return new Promise((resolve) => {
        closureWaiters.push({ count, resolve });
        notifyClosures();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
