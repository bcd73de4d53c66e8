import type { IncomingMessage } from 'node:http';
import { RequestBodyTooLargeError } from './request-body-too-large-error';

/** What a body parser may have left on the request: Express and friends set `req.body`. */
export type NodeRequestWithBody = IncomingMessage & { body?: unknown };

/** Outcome of looking for the raw body of a Node request. */
export type NodeRawBody =
  | { kind: 'bytes'; bytes: Uint8Array }
  /** A body parser consumed the stream and left a parsed value: the signed bytes are gone. */
  | { kind: 'parsed'; value: unknown };

/**
 * The raw body of a Node `http` / Express request: `req.body` when a raw parser already read it
 * (`express.raw()` leaves a Buffer, `express.text()` a string), else the stream itself, refused
 * past `maxBytes` (a declared `Content-Length` over the cap is refused before reading).
 */
export async function readNodeRequestBody(
  req: NodeRequestWithBody,
  maxBytes: number,
): Promise<NodeRawBody> {
  const preRead = req.body;
  if (preRead instanceof Uint8Array) return { kind: 'bytes', bytes: capped(preRead, maxBytes) };
  if (typeof preRead === 'string') {
    return { kind: 'bytes', bytes: capped(Buffer.from(preRead, 'utf8'), maxBytes) };
  }
  // A JSON parser that skipped this request may still have set `req.body = {}` (body-parser 1.x);
  // only a consumed stream means the bytes are really gone.
  if (req.readableEnded || req.destroyed) {
    return { kind: 'parsed', value: preRead };
  }
  return { kind: 'bytes', bytes: await readStream(req, maxBytes) };
}

function capped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (bytes.byteLength > maxBytes) throw new RequestBodyTooLargeError(maxBytes);
  return bytes;
}

function readStream(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discardRest(req);
    return Promise.reject(new RequestBodyTooLargeError(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        discardRest(req);
        reject(new RequestBodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

// Keep draining what the client still sends, so that it reads our 413 instead of a reset
// connection (closing a socket with unread input makes the kernel answer RST).
function discardRest(req: IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}
